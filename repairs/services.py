"""Warranty repairs: every state change goes through these functions (pages, the API, the owner's
private page, the admin). Each holds the repair's row lock, checks the version the caller read when
one is given (409 ``stale_version``), moves the status and writes an event."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files import File
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import attachments
from complaints import rules as complaint_rules
from complaints import services as complaint_services
from complaints.attachments import CheckedFile
from complaints.choices import Category
from complaints.choices import Channel as ComplaintChannel
from complaints.models import Contractor, DefectType
from core.exceptions import Conflict, DomainError
from customers.models import Customer, Purchase
from organization.customer_managers import customer_manager_for
from organization.models import Unit

from . import rules
from .models import Channel, RepairEvent, RepairPhoto, RepairRequest, RepairVisit, Status, WarrantyPeriod

# Where each action may start from.
DISPATCHABLE = (Status.RECEIVED, Status.REDO)
CONVERTIBLE = (Status.RECEIVED, Status.DISPATCHED, Status.REDO, Status.FIXED)


def install_default_warranty_periods() -> int:
    """The default periods (``rules.DEFAULT_WARRANTY_YEARS``) for top-level defect types that have
    none yet; what the group centre edited is kept. Returns how many were added."""
    parts = DefectType.objects.filter(
        parent__isnull=True, code__in=rules.DEFAULT_WARRANTY_YEARS, warranty_period__isnull=True
    )
    added = [
        WarrantyPeriod(defect_type=part, years=rules.DEFAULT_WARRANTY_YEARS[part.code]) for part in parts
    ]
    return len(WarrantyPeriod.objects.bulk_create(added, ignore_conflicts=True))


def delivered_on(unit: Unit) -> date | None:
    """The unit's handover: the earliest delivery date among its purchases (None: not handed over)."""
    return Purchase.objects.filter(unit=unit).aggregate(day=Min("delivery_date"))["day"]


def coverage_for(*, defect_type: DefectType, unit: Unit, reported_at: datetime) -> rules.Coverage:
    period = WarrantyPeriod.objects.filter(defect_type_id=defect_type.parent_id).first()
    return rules.coverage(
        years=period.years if period else None,
        delivered_on=delivered_on(unit),
        reported_on=timezone.localdate(reported_at),
    )


@dataclass(frozen=True)
class Report:
    unit: Unit
    defect_type: DefectType
    description: str
    channel: str = Channel.STAFF
    customer: Customer | None = None
    contact_name: str = ""
    contact_phone: str = ""


def _event(repair: RepairRequest, kind: str, *, by, from_status: str = "", note: str = "") -> None:
    RepairEvent.objects.create(
        repair=repair, kind=kind, by=by, from_status=from_status, to_status=repair.status, note=note
    )


def _store_photos(repair: RepairRequest, files: Sequence[CheckedFile], *, by) -> list[RepairPhoto]:
    """Write the checked files under random names, as the transaction's last step; written files
    are removed again if a row fails."""
    written: list[RepairPhoto] = []
    try:
        for checked in files:
            photo = RepairPhoto(
                repair=repair,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                added_by=by,
            )
            stored_name = (
                f"{secrets.token_hex(16)}.{complaint_rules.attachment_extension(checked.content_type)}"
            )
            photo.file.save(stored_name, checked.upload, save=False)
            written.append(photo)
            photo.save()
    except BaseException:
        for photo in written:
            photo.file.storage.delete(photo.file.name)
        raise
    return written


@transaction.atomic
def repair_create(*, report: Report, by=None, files: Sequence[File] = ()) -> RepairRequest:
    """Record a repair request; warranty or paid is decided now from the part's period and the
    unit's handover. ``by`` is None when the owner reported it on the public page. ``files``
    (photos, PDFs) are checked as a complaint's are, before anything is written."""
    checked_files = attachments.check_files(files, at_most=complaint_rules.MAX_INTAKE_ATTACHMENTS)
    # A repair carries a leaf, active type, as a construction complaint does.
    complaint_services.check_defect_type(report.defect_type, category=Category.CONSTRUCTION)
    if report.customer is not None and report.customer.company_id != report.unit.company_id:
        raise DomainError(_("The customer is not a customer of this unit's company."), code="other_company")
    customer = report.customer
    if customer is None and report.contact_phone:
        # The unit's company's own file of the caller, if it has one; never another company's.
        customer = Customer.objects.filter(
            company_id=report.unit.company_id, phone=report.contact_phone
        ).first()
    now = timezone.now()
    cover = coverage_for(defect_type=report.defect_type, unit=report.unit, reported_at=now)
    repair = RepairRequest.objects.create(
        company_id=report.unit.company_id,
        unit=report.unit,
        customer=customer,
        defect_type=report.defect_type,
        description=report.description,
        contact_name=report.contact_name,
        contact_phone=report.contact_phone or (customer.phone if customer else ""),
        channel=report.channel,
        warranty=cover.warranty,
        warranty_ends_on=cover.ends_on,
        reported_at=now,
        tracking_token=secrets.token_urlsafe(32),
        created_by=by,
    )
    repair.number = f"BX{timezone.localtime(now):%Y%m}-{repair.pk:06d}"
    repair.save(update_fields=["number"])
    _event(repair, RepairEvent.Kind.CREATED, by=by)
    _store_photos(repair, checked_files, by=by)
    return repair


def repair_photo_add(*, repair: RepairRequest, files: Sequence[File], by) -> list[RepairPhoto]:
    """More photos (or PDFs) for a repair from staff: checked as a complaint's attachments are (type by
    content and extension, size), at most MAX_ATTACHMENTS_PER_COMPLAINT per repair, under the
    repair's row lock so two uploads cannot pass the limit together."""
    if not files:
        raise DomainError(_("Choose a file."), code="no_file")
    checked = attachments.check_files(files)
    with transaction.atomic():
        repair = RepairRequest.objects.select_for_update().get(pk=repair.pk)
        if repair.photos.count() + len(checked) > complaint_rules.MAX_ATTACHMENTS_PER_COMPLAINT:
            raise Conflict(
                _("A repair can have at most %(count)d files.")
                % {"count": complaint_rules.MAX_ATTACHMENTS_PER_COMPLAINT},
                code="too_many_attachments",
            )
        return _store_photos(repair, checked, by=by)


def _locked(repair: RepairRequest, expected_version: int | None, allowed) -> RepairRequest:
    locked = RepairRequest.objects.select_for_update().get(pk=repair.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this repair after the version you sent. Reload it and try again."),
            code="stale_version",
        )
    if locked.status not in allowed:
        raise Conflict(
            _("The repair is %(status)s; this step is not possible now.")
            % {"status": locked.get_status_display()},
            code="invalid_transition",
        )
    return locked


def _save(repair: RepairRequest, *fields: str) -> None:
    repair.version += 1
    repair.save(update_fields=["status", "version", *fields])


@transaction.atomic
def repair_dispatch(
    *,
    repair: RepairRequest,
    contractor: Contractor,
    window_from: datetime,
    window_to: datetime,
    by,
    expected_version: int | None = None,
) -> RepairRequest:
    """Send a contractor or supplier, with the appointment window agreed with the owner."""
    if window_to < window_from:
        raise DomainError(_("The appointment ends before it starts."), code="invalid_window")
    if not contractor.active:
        raise DomainError(_("This contractor is no longer in use."), code="contractor_inactive")
    repair = _locked(repair, expected_version, DISPATCHABLE)
    before = repair.status
    RepairVisit.objects.create(
        repair=repair, contractor=contractor, window_from=window_from, window_to=window_to
    )
    repair.status = Status.DISPATCHED
    repair.contractor = contractor
    repair.appointment_from, repair.appointment_to = window_from, window_to
    _save(repair, "contractor", "appointment_from", "appointment_to")
    _event(repair, RepairEvent.Kind.DISPATCHED, by=by, from_status=before, note=contractor.name)
    return repair


def _visit_counts(repair: RepairRequest) -> dict[str, int]:
    return repair.visits.aggregate(
        not_fixed=Count("id", filter=Q(outcome=RepairVisit.Outcome.NOT_FIXED)),
        missed=Count("id", filter=Q(outcome=RepairVisit.Outcome.MISSED)),
    )


@transaction.atomic
def repair_record_visit(
    *, repair: RepairRequest, outcome: str, by, note: str = "", expected_version: int | None = None
) -> RepairRequest:
    """What came of the current visit. Fixed: the owner (or a follow-up call by the unit's customer
    manager) confirms. Not fixed or missed: visited again, unless that makes it a complaint."""
    if outcome not in RepairVisit.Outcome.values:
        raise DomainError(_("Unknown visit outcome."), code="invalid_outcome")
    repair = _locked(repair, expected_version, (Status.DISPATCHED,))
    now = timezone.now()
    visit = repair.visits.filter(outcome="").latest("dispatched_at", "id")
    visit.outcome, visit.note, visit.recorded_at, visit.recorded_by = outcome, note, now, by
    visit.save(update_fields=["outcome", "note", "recorded_at", "recorded_by"])
    before = repair.status
    if outcome == RepairVisit.Outcome.FIXED:
        repair.status = Status.FIXED
        repair.fixed_at = now
        repair.follow_up_by = customer_manager_for(repair.unit)
        repair.follow_up_due_at = now + rules.FOLLOW_UP_AFTER
        _save(repair, "fixed_at", "follow_up_by", "follow_up_due_at")
    else:
        repair.status = Status.REDO
        _save(repair)
    _event(
        repair, RepairEvent.Kind.VISITED, by=by, from_status=before, note=note or visit.get_outcome_display()
    )
    if outcome != RepairVisit.Outcome.FIXED:
        _convert_if_due(repair, by=by)
    return repair


@transaction.atomic
def repair_confirm(
    *,
    repair: RepairRequest,
    fixed: bool,
    via: str,
    by=None,
    note: str = "",
    expected_version: int | None = None,
) -> RepairRequest:
    """The owner (``via`` owner; ``by`` None on the private page) or the follow-up call (``via`` call)
    says whether the fix holds.
    Fixed closes it; not fixed turns the visit into a failed one (it counts against the contractor's
    first-time fixes) and the repair is visited again, or becomes a complaint."""
    repair = _locked(repair, expected_version, (Status.FIXED,))
    before = repair.status
    repair.follow_up_due_at = None
    if fixed:
        repair.status = Status.CLOSED
        repair.closed_at = timezone.now()
        repair.confirmed_via = via
        _save(repair, "closed_at", "confirmed_via", "follow_up_due_at")
        _event(repair, RepairEvent.Kind.CONFIRMED, by=by, from_status=before, note=note)
        return repair
    repair.visits.filter(outcome=RepairVisit.Outcome.FIXED).update(outcome=RepairVisit.Outcome.NOT_FIXED)
    repair.status = Status.REDO
    repair.fixed_at = None
    _save(repair, "fixed_at", "follow_up_due_at")
    _event(repair, RepairEvent.Kind.REJECTED, by=by, from_status=before, note=note)
    _convert_if_due(repair, by=by)
    return repair


def _convert_if_due(repair: RepairRequest, *, by) -> None:
    counts = _visit_counts(repair)
    reason = rules.conversion_reason(
        owner_asks=False, not_fixed_visits=counts["not_fixed"], missed_visits=counts["missed"]
    )
    if reason is not None:
        _convert(repair, reason=reason, by=by)


@transaction.atomic
def repair_convert(*, repair: RepairRequest, by=None, note: str = "", expected_version: int | None = None):
    """The owner asks for a complaint (on the private page, or through staff). A repair becomes one
    complaint at most: asking again is 409 ``already_converted``."""
    locked = RepairRequest.objects.select_for_update().get(pk=repair.pk)
    if locked.complaint_id is not None:
        raise Conflict(_("This repair is already a complaint."), code="already_converted")
    locked = _locked(locked, expected_version, CONVERTIBLE)
    _convert(locked, reason=rules.ConversionReason.OWNER_ASKED, by=by, note=note)
    return locked


REASON_TEXT = {
    rules.ConversionReason.OWNER_ASKED: "业主要求转为投诉",
    rules.ConversionReason.REDONE: "返修两次仍未修好",
    rules.ConversionReason.MISSED: "两次未按约上门",
}


def _convert(repair: RepairRequest, *, reason: str, by, note: str = "") -> None:
    """The complaint of construction quality for the same unit, owner and defect type, linked both
    ways (the one-to-one column refuses a second)."""
    unit = Unit.objects.select_related("building__project").get(pk=repair.unit_id)
    complaint = complaint_services.complaint_create(
        intake=complaint_services.Intake(
            project=unit.building.project,
            unit=unit,
            customer=repair.customer,
            channel=ComplaintChannel.HOTLINE if by is not None else ComplaintChannel.ONLINE_FORM,
            category=Category.CONSTRUCTION,
            defect_type=repair.defect_type,
            title=f"{repair.defect_type.name}（报修 {repair.number}：{REASON_TEXT[reason]}）",
            description=repair.description + (f"\n\n{note}" if note else ""),
            contact_name=repair.contact_name,
            contact_phone=repair.contact_phone,
            route_to_duty_handler=True,
        ),
        received_by=by,
    )
    before = repair.status
    repair.complaint = complaint
    repair.conversion_reason = reason
    repair.status = Status.CONVERTED
    repair.follow_up_due_at = None
    _save(repair, "complaint", "conversion_reason", "follow_up_due_at")
    _event(repair, RepairEvent.Kind.CONVERTED, by=by, from_status=before, note=complaint.number)


def move_follow_ups(sender, *, units, old_manager_id, new_manager_id, **kwargs) -> int:
    """A building's or project's new customer manager takes the open follow-up calls of its units
    that were the previous manager's (or nobody's); a call someone else holds stays theirs.
    Connected to ``organization.customer_managers.customer_manager_changed``."""
    holders = Q(follow_up_by__isnull=True)
    if old_manager_id is not None:
        holders |= Q(follow_up_by_id=old_manager_id)
    return (
        RepairRequest.objects.filter(status=Status.FIXED, unit__in=units)
        .filter(holders)
        .exclude(follow_up_by_id=new_manager_id)
        .update(follow_up_by_id=new_manager_id)
    )
