"""Every change to customers goes through here: pages, API, import, admin and tasks call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import webhooks
from core.exceptions import Conflict, DomainError
from organization.models import Company, Unit
from organization.services import refuse_taken_external_id

from . import rules, signals
from .models import (
    AccessAction,
    AccessLog,
    Communication,
    Customer,
    CustomerSource,
    Purchase,
    Stage,
)

# Fields a form, the API or an import may set directly on the customer file.
PROFILE_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "email",
    "occupation",
    "id_number",
    "children_count",
    "elderly_at_home",
    "income_band",
    "purchase_motive",
    "decoration_style",
    "facility_preferences",
    "service_preferences",
)


def apply_suggested_segment(customer: Customer, today: date | None = None) -> None:
    """Set the rule-based segment unless staff chose one (the override stays until they clear it)."""
    if customer.segment_overridden:
        return
    today = today or timezone.localdate()
    suggestion = rules.suggest_segment(
        rules.HouseholdFacts(
            age=rules.age_on(customer.birth_date, today) if customer.birth_date else None,
            children_count=customer.children_count,
            elderly_at_home=customer.elderly_at_home,
            income_band=customer.income_band,
            purchase_motive=customer.purchase_motive,
        )
    )
    customer.segment = suggestion.segment if suggestion else ""
    customer.segment_reasons = list(suggestion.reasons) if suggestion else []


def source_record(*, customer: Customer, source: str) -> None:
    CustomerSource.objects.get_or_create(customer=customer, channel=source)


def _id_number_taken(*, company: Company, id_number: str, other_than: int | None) -> bool:
    return (
        bool(id_number)
        and Customer.objects.filter(company=company, id_number=id_number).exclude(pk=other_than).exists()
    )


def _refuse_taken_id_number(*, company: Company, id_number: str, other_than: int | None) -> None:
    if _id_number_taken(company=company, id_number=id_number, other_than=other_than):
        raise Conflict(
            _("Another customer of your company has this ID number; merge the two files instead."),
            code="id_number_taken",
        )


@transaction.atomic
def customer_upsert(
    *, company: Company, phone: str, source: str, profile: dict, external_id: str | None = None
) -> tuple[Customer, bool]:
    """Create the company's file for this phone, or update the file it already has (the same person).

    Only ``company``'s own files are looked at: another company's file on the same person is never
    read, changed or linked, and whether it exists changes nothing in the answer. Only the given,
    non-empty profile values overwrite, so a second source that knows less does not erase what the
    first one recorded. A given ``external_id`` (the sales system's key, unique per company) is set.
    Returns (customer, created).
    """
    phone = rules.normalise_phone(phone)
    values = {field: value for field, value in profile.items() if field in PROFILE_FIELDS}
    values = {field: value for field, value in values.items() if value not in (None, "")}
    customer = Customer.objects.select_for_update().filter(company=company, phone=phone).first()
    created = customer is None
    if created:
        _refuse_taken_id_number(company=company, id_number=values.get("id_number", ""), other_than=None)
        refuse_taken_external_id(
            Customer, company_id=company.pk, external_id=external_id or "", other_than=None
        )
        customer = Customer(company=company, phone=phone, phone_tail=rules.phone_tail(phone), **values)
        customer.external_id = external_id or ""
        apply_suggested_segment(customer)
        try:
            # Two requests with one new phone at the same moment: the second insert waits on the
            # unique (company, phone) index, fails, and updates the file the first one created.
            with transaction.atomic():
                customer.save()
        except IntegrityError:
            customer = Customer.objects.select_for_update().get(company=company, phone=phone)
            created = False
    if not created:
        _refuse_taken_id_number(
            company=company, id_number=values.get("id_number", ""), other_than=customer.pk
        )
        if external_id:
            refuse_taken_external_id(
                Customer, company_id=company.pk, external_id=external_id, other_than=customer.pk
            )
            customer.external_id = external_id
        for field, value in values.items():
            setattr(customer, field, value)
        apply_suggested_segment(customer)
        customer.version += 1
        customer.save()
    source_record(customer=customer, source=source)
    if created:
        webhooks.emit("customer.created", customer, company_id=company.pk)
    return customer, created


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    expected_version: int,
    profile: dict,
    phone: str | None = None,
    external_id: str | None = None,
) -> Customer:
    """Save an edit made on a copy loaded at ``expected_version``; a newer save in between is a conflict."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.version != expected_version:
        raise Conflict(
            _(
                "Someone else changed this customer while you were editing. "
                "Reload the page and apply your changes again."
            ),
            code="stale_version",
        )
    if phone is not None:
        phone = rules.normalise_phone(phone)
        if phone != locked.phone and Customer.objects.filter(company=locked.company_id, phone=phone).exists():
            raise Conflict(
                _("Another customer already has this phone number; merge the two files instead."),
                code="phone_taken",
            )
        locked.phone, locked.phone_tail = phone, rules.phone_tail(phone)
    if "id_number" in profile:
        _refuse_taken_id_number(
            company=locked.company, id_number=profile["id_number"] or "", other_than=locked.pk
        )
    if external_id is not None:
        refuse_taken_external_id(
            Customer, company_id=locked.company_id, external_id=external_id, other_than=locked.pk
        )
        locked.external_id = external_id
    for field in PROFILE_FIELDS:
        if field in profile:
            setattr(locked, field, profile[field])
    apply_suggested_segment(locked)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def customer_set_segment(*, customer: Customer, segment: str, reason: str) -> Customer:
    """Staff override the suggested segment with a reason; an empty segment returns to the rules."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if segment:
        if not reason.strip():
            raise DomainError(_("Give a reason for choosing the segment by hand."), code="reason_required")
        locked.segment, locked.segment_overridden = segment, True
        locked.segment_override_reason, locked.segment_reasons = reason.strip(), []
    else:
        locked.segment_overridden, locked.segment_override_reason = False, ""
        apply_suggested_segment(locked)
    locked.version += 1
    locked.save()
    return locked


def refresh_stages(customer_ids: Iterable[int], today: date | None = None) -> None:
    """Derive stage and move-in date from purchases: none → prospect, signed → buyer, delivered → owner."""
    today = today or timezone.localdate()
    ids = list(customer_ids)
    facts = {
        row["customer_id"]: row
        for row in Purchase.objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(purchases=Count("id"), first_delivery=Min("delivery_date"))
    }
    customers = list(Customer.objects.filter(pk__in=ids).only("id", "stage", "moved_in_on"))
    for customer in customers:
        row = facts.get(customer.pk)
        if row is None:
            customer.stage, customer.moved_in_on = Stage.PROSPECT, None
        elif row["first_delivery"] and row["first_delivery"] <= today:
            customer.stage, customer.moved_in_on = Stage.OWNER, row["first_delivery"]
        else:
            customer.stage, customer.moved_in_on = Stage.BUYER, None
    Customer.objects.bulk_update(customers, ["stage", "moved_in_on"], batch_size=500)


def check_purchase_dates(*, contract_date: date, delivery_date: date | None, today: date) -> None:
    if contract_date > today:
        raise DomainError(_("The contract date is in the future."), code="contract_in_future")
    if delivery_date is not None:
        if delivery_date < contract_date:
            raise DomainError(
                _("The delivery date is before the contract date."), code="delivery_before_contract"
            )
        if delivery_date > today:
            raise DomainError(
                _("A delivery date is recorded once the unit is delivered, not in advance."),
                code="delivery_in_future",
            )


PURCHASE_FIELDS = ("contract_date", "price", "area", "layout", "delivery_date")


def _purchase_recorded(purchase: Purchase) -> None:
    """What follows a purchase recorded or corrected one at a time: the buyer's source and stage,
    membership (``signals.purchase_recorded``) and the ``purchase.recorded`` webhook."""
    source_record(customer=purchase.customer, source="sales")
    refresh_stages([purchase.customer_id])
    signals.purchase_recorded.send(sender=Purchase, purchase=purchase)
    webhooks.emit("purchase.recorded", purchase, company_id=purchase.company_id)


@transaction.atomic
def purchase_record(
    *,
    customer: Customer,
    unit: Unit,
    contract_date: date,
    price: Decimal,
    area: Decimal | None = None,
    layout: str = "",
    delivery_date: date | None = None,
    external_id: str | None = None,
) -> tuple[Purchase, bool]:
    """Record (or correct) the customer's purchase of the unit; the same pair twice updates it.
    ``delivery_date`` is the handover (交付) of the unit to the buyer, recorded once it happened.

    The buyer must be a file of the unit's company: a company records its own sales on its own file."""
    if customer.company_id != unit.building.project.company_id:
        raise DomainError(
            _("The customer is not a customer of this unit's company."), code="customer_other_company"
        )
    check_purchase_dates(contract_date=contract_date, delivery_date=delivery_date, today=timezone.localdate())
    purchase = Purchase.objects.select_for_update().filter(customer=customer, unit=unit).first()
    created = purchase is None
    if external_id:
        refuse_taken_external_id(
            Purchase,
            company_id=customer.company_id,
            external_id=external_id,
            other_than=None if created else purchase.pk,
        )
    if created:
        purchase = Purchase(customer=customer, unit=unit, company_id=customer.company_id)
    else:
        purchase.version += 1
    purchase.contract_date, purchase.price, purchase.delivery_date = contract_date, price, delivery_date
    purchase.area, purchase.layout = area or unit.area, layout or unit.layout
    if external_id is not None:
        purchase.external_id = external_id
    purchase.save()
    _purchase_recorded(purchase)
    return purchase, created


@transaction.atomic
def purchase_update(*, purchase: Purchase, expected_version: int, changes: dict) -> Purchase:
    """Correct a purchase's contract, price, area, layout, delivery (handover) date or external id,
    from a copy read at ``expected_version``; the buyer and unit never change."""
    locked = Purchase.objects.select_for_update().select_related("customer").get(pk=purchase.pk)
    if locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this purchase after the version you sent. Reload it and try again."),
            code="stale_version",
        )
    for field in PURCHASE_FIELDS:
        if field in changes:
            setattr(locked, field, changes[field])
    check_purchase_dates(
        contract_date=locked.contract_date, delivery_date=locked.delivery_date, today=timezone.localdate()
    )
    if "external_id" in changes:
        refuse_taken_external_id(
            Purchase, company_id=locked.company_id, external_id=changes["external_id"], other_than=locked.pk
        )
        locked.external_id = changes["external_id"]
    locked.version += 1
    locked.save()
    _purchase_recorded(locked)
    return locked


def communication_log(
    *, customer: Customer, channel: str, content: str, staff, occurred_at=None
) -> Communication:
    """Log a contact on the customer's file; the entry belongs to the file's company."""
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now():
        raise DomainError(_("A communication cannot be recorded in the future."), code="future_time")
    if not content.strip():
        raise DomainError(_("Write what was said."), code="empty_content")
    return Communication.objects.create(
        customer=customer,
        company_id=customer.company_id,
        channel=channel,
        content=content.strip(),
        staff=staff,
        occurred_at=occurred_at,
    )


@transaction.atomic
def customers_merge(*, keep: Customer, duplicate: Customer, user, ip_address: str | None) -> Customer:
    """Fold ``duplicate`` into ``keep`` (two files of one company): purchases, communications and
    sources move over, blank profile fields are filled from the duplicate, and the duplicate's file
    is deleted."""
    if keep.pk == duplicate.pk:
        raise DomainError(_("Choose two different customers to merge."), code="same_customer")
    if keep.company_id != duplicate.company_id:
        raise DomainError(_("Only files of the same company can be merged."), code="other_company")
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])}
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    inherited = {
        field: getattr(duplicate, field)
        for field in PROFILE_FIELDS
        if getattr(keep, field) in ("", None) and getattr(duplicate, field) not in ("", None)
    }
    kept_units = set(keep.purchases.values_list("unit_id", flat=True))
    duplicate.purchases.exclude(unit_id__in=kept_units).update(customer=keep)
    duplicate.communications.update(customer=keep)
    for source in duplicate.sources.all():
        CustomerSource.objects.get_or_create(customer=keep, channel=source.channel)

    duplicate_id = duplicate.pk
    detail = f"merged customer #{duplicate.pk} into #{keep.pk}"
    duplicate.delete()  # first, so that a unique ID number can move to the kept file
    for field, value in inherited.items():
        setattr(keep, field, value)
    apply_suggested_segment(keep)
    keep.version += 1
    keep.save()
    refresh_stages([keep.pk])
    keep.refresh_from_db(fields=["stage", "moved_in_on"])
    AccessLog.objects.create(
        user=user, customer=keep, action=AccessAction.MERGE, detail=detail, ip_address=ip_address
    )
    webhooks.emit(
        "customer.merged", keep, company_id=keep.company_id, extra={"merged_customer": duplicate_id}
    )
    return keep


def access_log_record(
    *,
    user,
    customer_ids: Iterable[int | None],
    action: str,
    full_data: bool,
    ip_address: str | None,
    detail: str = "",
) -> None:
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            customer_id=customer_id,
            action=action,
            full_data=full_data,
            detail=detail[:500],
            ip_address=ip_address,
        )
        for customer_id in customer_ids
    )
