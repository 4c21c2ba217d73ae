"""Every change to customers goes through here: pages, API, import, admin and tasks call these."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organization.models import Company, Unit
from vanke_crm.exceptions import Conflict, DomainError

from . import rules
from .models import (
    AccessAction,
    AccessLog,
    Communication,
    Customer,
    CustomerCompany,
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


def link_to_company(*, customer: Customer, company: Company, source: str) -> None:
    CustomerCompany.objects.get_or_create(customer=customer, company=company)
    CustomerSource.objects.get_or_create(customer=customer, company=company, channel=source)


@transaction.atomic
def customer_upsert(*, company: Company, phone: str, source: str, profile: dict) -> tuple[Customer, bool]:
    """Create the customer for this phone, or update the one that has it (the same person).

    Only the given, non-empty profile values overwrite: a second source that knows less
    does not erase what the first one recorded. Returns (customer, created).
    """
    phone = rules.normalise_phone(phone)
    customer = Customer.objects.select_for_update().filter(phone=phone).first()
    created = customer is None
    if created:
        customer = Customer(phone=phone, phone_tail=rules.phone_tail(phone))
    for field, value in profile.items():
        if field in PROFILE_FIELDS and value not in (None, ""):
            setattr(customer, field, value)
    apply_suggested_segment(customer)
    if not created:
        customer.version += 1
    customer.save()
    link_to_company(customer=customer, company=company, source=source)
    return customer, created


@transaction.atomic
def customer_update(
    *, customer: Customer, expected_version: int, profile: dict, phone: str | None = None
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
        if phone != locked.phone and Customer.objects.filter(phone=phone).exists():
            raise Conflict(
                _("Another customer already has this phone number; merge the two files instead."),
                code="phone_taken",
            )
        locked.phone, locked.phone_tail = phone, rules.phone_tail(phone)
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
) -> tuple[Purchase, bool]:
    """Record (or correct) the customer's purchase of the unit; the same pair twice updates it."""
    check_purchase_dates(contract_date=contract_date, delivery_date=delivery_date, today=timezone.localdate())
    purchase, created = Purchase.objects.update_or_create(
        customer=customer,
        unit=unit,
        defaults={
            "contract_date": contract_date,
            "price": price,
            "area": area or unit.area,
            "layout": layout or unit.layout,
            "delivery_date": delivery_date,
        },
    )
    link_to_company(customer=customer, company=unit.building.project.company, source="sales")
    refresh_stages([customer.pk])
    # Buying a home makes the buyer a member of the club (万客会) and pays any referral reward.
    from membership.services import member_join_on_purchase

    member_join_on_purchase(purchase=purchase)
    return purchase, created


def communication_log(
    *, customer: Customer, company: Company, channel: str, content: str, staff, occurred_at=None
) -> Communication:
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now():
        raise DomainError(_("A communication cannot be recorded in the future."), code="future_time")
    if not content.strip():
        raise DomainError(_("Write what was said."), code="empty_content")
    return Communication.objects.create(
        customer=customer,
        company=company,
        channel=channel,
        content=content.strip(),
        staff=staff,
        occurred_at=occurred_at,
    )


@transaction.atomic
def customers_merge(*, keep: Customer, duplicate: Customer, user, ip_address: str | None) -> Customer:
    """Fold ``duplicate`` into ``keep``: purchases, communications, sources and companies move over,
    blank profile fields are filled from the duplicate, and the duplicate's file is deleted."""
    if keep.pk == duplicate.pk:
        raise DomainError(_("Choose two different customers to merge."), code="same_customer")
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
    for link in duplicate.company_links.all():
        CustomerCompany.objects.get_or_create(customer=keep, company_id=link.company_id)
    for source in duplicate.sources.all():
        CustomerSource.objects.get_or_create(
            customer=keep, company_id=source.company_id, channel=source.channel
        )

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
