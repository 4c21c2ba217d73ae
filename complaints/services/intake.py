"""Intake: a complaint from any channel (staff pages, the public form, the API) becomes a numbered
complaint (``TS<month>-<number>`` from the month's counter), linked to the caller's customer file of
the complaint's company (looked up by phone, created from the contact if there is none), judged at
once, texted to the complainant, with its files handed to ``complaints.attachments`` in the same
transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import webhooks
from core.exceptions import Conflict, DomainError
from customers import services as customer_services
from customers.models import Customer
from organization.models import Project, Unit

from .. import attachments, rules
from ..models import Channel, Complaint, ComplaintEvent, DefectType, NumberSequence, RiskSignal, Status
from . import duplicates, grouping, notifications, ownership
from .defects import check_defect_type
from .escalation import TIER_FIELDS, _group_members, _issue_root, evaluate
from .notifications import _text_complainant
from .risk import risk_signals_read

# Staff clocks drift; a received time this far ahead is still "now", beyond it is the future.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Intake:
    project: Project
    channel: str
    category: str
    title: str
    description: str
    received_at: datetime | None = None
    unit: Unit | None = None
    customer: Customer | None = None
    contact_name: str = ""
    contact_phone: str = ""
    sub_category: str = ""
    defect_type: DefectType | None = None
    complainant_count: int = 1
    litigation: str = "none"
    media: str = "none"
    needs_outside_support: bool = False
    same_issue_as: Complaint | None = None
    follows: Complaint | None = None
    department: str = ""
    handler: object = None
    deadline: datetime | None = None
    # The government channel only (rules/government.py): who referred it, its case number, its deadline.
    external_source: str = ""
    external_ref: str = ""
    external_deadline: datetime | None = None
    # Nobody took it in person (public form, API): the project's duty handler gets it (ownership).
    route_to_duty_handler: bool = False


def _provisional_number() -> str:
    """A unique stand-in that nobody outside the intake's transaction ever sees (numbers are taken
    last, in ``_announce_then_number``); 19 characters, and no real number starts with "~"."""
    return f"~{secrets.token_hex(9)}"


def _check_foreign_keys_now() -> None:
    """Run PostgreSQL's foreign-key checks of this transaction now rather than at commit.

    Django's foreign keys are deferred to the commit, where each takes a share lock on the row it
    points to. Under the counter that lock could wait for another intake that locked the same
    customer file and now waits for the counter: checked here, before the counter, it cannot."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _next_number(received_at: datetime) -> str:
    """The month's next number, in one statement that takes the counter's row lock, moves it on and
    reads it back (``UPDATE ... RETURNING``: PostgreSQL, and SQLite since 3.35); the month's first
    intake creates the row."""
    month = timezone.localtime(received_at).strftime("%Y%m")
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE month = %s RETURNING last", [month])  # noqa: S608
        row = cursor.fetchone()
    if row is not None:
        return f"TS{month}-{row[0]:06d}"
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(month=month)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"TS{month}-{sequence.last:06d}"


def _check_government(intake: Intake) -> None:
    """A government complaint carries the authority, its case number (once per authority and
    company) and its deadline; other channels carry none of them."""
    external = (intake.external_source, intake.external_ref.strip(), intake.external_deadline)
    if intake.channel != rules.GOVERNMENT:
        if any(external):
            raise DomainError(
                _("Only a government referral has an authority, case number and deadline."),
                code="external_not_government",
            )
        return
    if not all(external):
        raise DomainError(
            _("A government referral needs the authority, its case number and its deadline."),
            code="external_required",
        )
    if Complaint.objects.filter(
        company_id=intake.project.company_id,
        external_source=intake.external_source,
        external_ref=intake.external_ref.strip(),
    ).exists():
        raise Conflict(
            _("This authority's case %(ref)s is already a complaint.") % {"ref": intake.external_ref},
            code="external_ref_taken",
        )


@transaction.atomic
def complaint_create(*, intake: Intake, received_by=None, files: Sequence[File] = ()) -> Complaint:
    """Record a complaint from any channel, judge its tier at once, and notify after commit.

    ``received_by`` is the first responder (首问责任人); None for the public form. ``files`` (photos,
    PDFs) are checked before anything is written and stored in the same transaction, as its last step.
    """
    checked_files = attachments.check_files(files, at_most=rules.MAX_INTAKE_ATTACHMENTS)
    now = timezone.now()
    received_at = intake.received_at or now
    if received_at > now + CLOCK_SKEW:
        raise DomainError(_("The received time is in the future."), code="received_in_future")
    if intake.unit is not None and intake.unit.building.project_id != intake.project.pk:
        raise DomainError(_("The unit is not in the chosen project."), code="unit_not_in_project")
    check_defect_type(intake.defect_type, category=intake.category)
    _check_government(intake)
    for related in (intake.same_issue_as, intake.follows):
        if related is not None and related.company_id != intake.project.company_id:
            raise DomainError(_("Only complaints of the same company can be linked."), code="other_company")
    if intake.follows is not None and intake.follows.status not in rules.HANDLED_STATUSES:
        raise DomainError(
            _("A second complaint follows a complaint that was already handled."), code="follows_unhandled"
        )

    customer = intake.customer
    if customer is not None and customer.company_id != intake.project.company_id:
        raise DomainError(
            _("The customer is not a customer of this project's company."), code="other_company"
        )
    if customer is None and intake.contact_phone:
        # Only the complaint's company's own file: another company's customer is never linked or named.
        customer = Customer.objects.filter(
            company_id=intake.project.company_id, phone=intake.contact_phone
        ).first()
        if customer is None and intake.contact_name:
            customer, _created = customer_services.customer_upsert(
                company=intake.project.company,
                phone=intake.contact_phone,
                source="service_contact",
                profile={"name": intake.contact_name},
            )
    follows, follows_reason = intake.follows, ""
    if follows is None:
        # A second complaint is found, not typed: same owner or unit, same category, soon after.
        follows, follows_reason = grouping.follows_for_intake(
            company_id=intake.project.company_id,
            category=intake.category,
            customer=customer,
            unit=intake.unit,
            received_at=received_at,
        ) or (None, "")
    same_issue_as, auto_linked = intake.same_issue_as, False
    if same_issue_as is None and intake.channel == Channel.ONLINE_FORM:
        # The owner files again within days about the same unit and category: the same issue.
        same_issue_as = duplicates.public_auto_link(
            company_id=intake.project.company_id,
            unit_id=intake.unit.pk if intake.unit else None,
            category=intake.category,
            received_at=received_at,
        )
        auto_linked = same_issue_as is not None
    complaint = Complaint.objects.create(
        number=_provisional_number(),
        company_id=intake.project.company_id,
        project=intake.project,
        unit=intake.unit,
        customer=customer,
        channel=intake.channel,
        category=intake.category,
        sub_category=intake.sub_category,
        defect_type=intake.defect_type,
        title=intake.title,
        description=intake.description,
        received_at=received_at,
        complainant_count=intake.complainant_count,
        litigation=intake.litigation,
        media=intake.media,
        needs_outside_support=intake.needs_outside_support,
        issue_root=_issue_root(same_issue_as),
        follows=follows,
        follows_reason=follows_reason,
        first_responder=received_by,
        handler=intake.handler,
        department=intake.department,
        deadline=intake.deadline,
        external_source=intake.external_source,
        external_ref=intake.external_ref.strip(),
        external_deadline=intake.external_deadline,
        contact_name=intake.contact_name,
        contact_phone=intake.contact_phone or (customer.phone if customer else ""),
        tracking_token=secrets.token_urlsafe(32),
    )
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.CREATED,
        by=received_by,
        to_value=Status.RECEIVED,
        visible_to_complainant=True,
    )
    if follows_reason:
        grouping.record_follows(complaint)
    if auto_linked:
        duplicates.record_auto_link(complaint, earlier=same_issue_as)
    if complaint.issue_root_id is not None:  # a new complaint is nobody's root: only a group it joined
        for member in (
            _group_members(complaint).exclude(pk=complaint.pk).filter(status__in=rules.OPEN_STATUSES)
        ):
            evaluate(member, now=now)
    risk_signals_read(
        complaint=complaint,
        text=f"{intake.title}\n{intake.description}",
        source=RiskSignal.Source.INTAKE,
        now=now,
    )
    stored = attachments.store(complaint=complaint, files=checked_files, by=received_by)
    try:
        _announce_then_number(complaint, intake=intake, now=now)
    except BaseException:
        attachments.discard(stored)
        raise
    return complaint


def _announce_then_number(complaint: Complaint, *, intake: Intake, now: datetime) -> None:
    """Route, text and judge the new complaint, then take the month's number last.

    Numbers are gap-free per month group-wide, so the month's counter row is held from the moment it
    is taken to the commit, one intake at a time. Everything that reads (the duty handler's rights,
    the team, the tier's facts) runs before it; what carries the number (notifications, their
    e-mails, the text to the complainant, the webhook bodies) is rendered with the stand-in and
    written after it with the number in its place, so the counter is held for a few inserts. The
    owner, the clocks and the tier set meanwhile are written with the number, in one update. Nothing
    after the counter locks a row another intake may hold, so intakes never wait in a cycle."""
    with notifications.held() as messages, webhooks.held() as deliveries:
        webhooks.emit("complaint.created", complaint, company_id=complaint.company_id)
        ownership.intake_route(complaint, to_duty_handler=intake.route_to_duty_handler)
        _text_complainant(complaint, _("Your complaint %(number)s is received. Follow it here: %(link)s"))
        evaluate(complaint, now=now, just_recorded=True)
    _check_foreign_keys_now()
    stand_in, complaint.number = complaint.number, _next_number(complaint.received_at)
    complaint.save(update_fields=["number", *ownership.ROUTED_FIELDS, *TIER_FIELDS])
    notifications.release(messages, replace=(stand_in, complaint.number))
    webhooks.release(deliveries, replace=(stand_in, complaint.number))
