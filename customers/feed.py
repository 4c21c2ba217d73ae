"""The sales system's purchase feed (``POST /api/v1/purchases/bulk/``): purchases with their buyers,
idempotent by external id. Rows are checked first and written together as ``organization.feed``
describes (rows with errors are reported and skipped; the valid ones written in one transaction; a
row equal to what is stored is ``unchanged`` and writes nothing).

A row names the unit by its external id, the purchase by its own, and carries the buyer: found by
the customer's external id, else by the phone within the company (the file then takes the external
id), else created. What the row gives overwrites the file (name, phone, gender and e-mail when
given). A purchase found by external id keeps its customer and unit: the feed does not move it.
New files emit ``customer.created``, new and changed purchases ``purchase.recorded``, and new
purchases are announced with ``signals.purchases_created_in_bulk`` (membership makes the buyers
members), as an import does.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import webhooks
from core.exceptions import DomainError
from organization.feed import CREATED, ERROR, UPDATED, RowResult, concurrent_feed, first_seen, summary
from organization.models import Company, Unit

from . import rules, services, signals
from .models import Customer, CustomerSource, Purchase, SourceChannel

PURCHASE_FIELDS = ("contract_date", "price", "area", "layout", "delivery_date")
CUSTOMER_FIELDS = ("name", "gender", "email")


def _customer_changes(customer: Customer, data: dict) -> dict:
    wanted = {name: data[name] for name in CUSTOMER_FIELDS if data.get(name) not in (None, "")}
    wanted["phone"] = data["phone"]
    if data.get("external_id"):
        wanted["external_id"] = data["external_id"]
    return {name: value for name, value in wanted.items() if getattr(customer, name) != value}


@transaction.atomic
def purchases_feed(*, company: Company, rows: list[dict]) -> dict:
    """Record the company's purchases and buyers from validated rows (``PurchaseFeedRow``)."""
    results = [RowResult(index=i, external_id=row["external_id"]) for i, row in enumerate(rows)]
    first_seen(results, lambda r: r.external_id, _("This external id is given twice in the call."))
    for row in rows:
        row["customer"]["phone"] = rules.normalise_phone(row["customer"]["phone"])

    units = {
        u.external_id: u
        for u in Unit.objects.filter(
            company=company, external_id__in={r["unit_external_id"] for r in rows}
        ).select_related("building")
    }
    customer_ids = {r["customer"]["external_id"] for r in rows if r["customer"].get("external_id")}
    phones = {r["customer"]["phone"] for r in rows}
    stored = list(
        Customer.objects.filter(company=company).filter(Q(external_id__in=customer_ids) | Q(phone__in=phones))
    )
    by_external = {c.external_id: c for c in stored if c.external_id}
    by_phone = {c.phone: c for c in stored}
    purchases = {
        p.external_id: p
        for p in Purchase.objects.filter(company=company, external_id__in={r["external_id"] for r in rows})
    }
    pairs = {
        (p.customer_id, p.unit_id): p
        for p in Purchase.objects.filter(
            customer_id__in={c.pk for c in stored}, unit_id__in={u.pk for u in units.values()}
        )
    }

    today = timezone.localdate()
    new_customers: dict[str, Customer] = {}  # by phone
    changed_customers: dict[int, Customer] = {}
    created_customer_keys: set[str] = set()
    new_purchases, changed_purchases = [], []
    new_pairs: set[tuple] = set()  # (buyer's id, or phone if new; unit id) of the new purchases
    for row, result in zip(rows, results, strict=True):
        if result.result == ERROR:
            continue
        data = row["customer"]
        unit = units.get(row["unit_external_id"])
        if unit is None:
            result.fail(
                "unit_external_id",
                _("Your company has no unit with the external id %(id)s.") % {"id": row["unit_external_id"]},
            )
            continue
        try:
            services.check_purchase_dates(
                contract_date=row["contract_date"], delivery_date=row.get("delivery_date"), today=today
            )
        except DomainError as refused:
            result.fail("delivery_date" if "delivery" in refused.code else "contract_date", refused.message)
            continue

        # The buyer.
        customer = by_external.get(data["external_id"]) if data.get("external_id") else None
        holder = by_phone.get(data["phone"]) or new_customers.get(data["phone"])
        if customer is None:
            customer = holder
            if (
                customer is not None
                and customer.external_id
                and data.get("external_id")
                not in (
                    None,
                    "",
                    customer.external_id,
                )
            ):
                result.fail("customer", _("The file with this phone has another external id."))
                continue
        elif holder is not None and holder is not customer:
            result.fail("customer", _("Another customer of your company already has this phone number."))
            continue

        # The purchase.
        purchase = purchases.get(row["external_id"])
        if purchase is not None and (
            purchase.unit_id != unit.pk or customer is None or purchase.customer_id != customer.pk
        ):
            result.fail(
                "external_id", _("This purchase is of another buyer or unit; the feed does not move it.")
            )
            continue
        if purchase is None and customer is not None and customer.pk is not None:
            purchase = pairs.get((customer.pk, unit.pk))
            if purchase is not None and purchase.external_id not in ("", row["external_id"]):
                result.fail("external_id", _("This buyer's purchase of the unit has another external id."))
                continue
        if purchase is None:
            buyer = customer.pk if customer is not None and customer.pk else data["phone"]
            pair = (buyer, unit.pk)
            if pair in new_pairs:
                result.fail(
                    "unit_external_id", _("This buyer's purchase of the unit is given twice in the call.")
                )
                continue
            new_pairs.add(pair)

        # The row is valid: apply it.
        customer_changed = False
        if customer is None:
            customer = Customer(company=company)
            customer.phone = data["phone"]
            customer.phone_tail = rules.phone_tail(data["phone"])
            for name, value in _customer_changes(customer, data).items():
                setattr(customer, name, value)
            services.apply_suggested_segment(customer, today)
            new_customers[customer.phone] = customer
            if customer.external_id:
                by_external[customer.external_id] = customer
            created_customer_keys.add(customer.phone)
            customer_changed = True
        else:
            changes = _customer_changes(customer, data)
            if changes:
                if "phone" in changes:
                    by_phone.pop(customer.phone, None)
                    changes["phone_tail"] = rules.phone_tail(changes["phone"])
                for name, value in changes.items():
                    setattr(customer, name, value)
                by_phone[customer.phone] = customer
                if customer.pk is not None:
                    changed_customers[customer.pk] = customer
                customer_changed = True

        values = {
            "contract_date": row["contract_date"],
            "price": row["price"],
            "area": row.get("area") or unit.area,
            "layout": row.get("layout") or unit.layout,
            "delivery_date": row.get("delivery_date"),
        }
        if purchase is None:
            purchase = Purchase(unit=unit, company=company, external_id=row["external_id"], **values)
            purchase.customer = customer
            new_purchases.append(purchase)
            result.result = CREATED
        else:
            values["external_id"] = row["external_id"]
            if any(getattr(purchase, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(purchase, name, value)
                purchase.version += 1
                changed_purchases.append(purchase)
                result.result = UPDATED
            elif customer_changed:
                result.result = UPDATED
        result.instance = purchase

    try:
        now = timezone.now()
        for customer in changed_customers.values():
            services.apply_suggested_segment(customer, today)
            customer.version += 1
            customer.updated_at = now
        created = Customer.objects.bulk_create(list(new_customers.values()), batch_size=500)
        Customer.objects.bulk_update(
            list(changed_customers.values()),
            [
                *CUSTOMER_FIELDS,
                *(
                    "phone",
                    "phone_tail",
                    "external_id",
                    "segment",
                    "segment_reasons",
                    "version",
                    "updated_at",
                ),
            ],
            batch_size=500,
        )
        for purchase in new_purchases:
            purchase.customer_id = purchase.customer.pk  # set now that new files have ids
        Purchase.objects.bulk_create(new_purchases, batch_size=500)
        Purchase.objects.bulk_update(
            changed_purchases, [*PURCHASE_FIELDS, "external_id", "version"], batch_size=500
        )
    except IntegrityError:
        raise concurrent_feed() from None

    touched = [*new_purchases, *changed_purchases]
    buyer_ids = {p.customer_id for p in touched} | {c.pk for c in changed_customers.values()}
    if buyer_ids:
        CustomerSource.objects.bulk_create(
            [CustomerSource(customer_id=pk, channel=SourceChannel.SALES) for pk in buyer_ids],
            ignore_conflicts=True,
        )
        services.refresh_stages(buyer_ids, today)
    if new_purchases:
        signals.purchases_created_in_bulk.send(sender=Purchase, purchase_ids=[p.pk for p in new_purchases])
    for purchase in changed_purchases:
        # A corrected delivery date moves the delivery's open work (touchpoints), as a single
        # correction through the API or the page does.
        signals.purchase_recorded.send(sender=Purchase, purchase=purchase)
    if created:
        # As stored now (the stage refreshed from the purchases), in one query.
        created = list(Customer.objects.filter(pk__in=[c.pk for c in created]).order_by("pk"))
    for customer in created:
        webhooks.emit("customer.created", customer, company_id=company.pk)
    for purchase in touched:
        webhooks.emit("purchase.recorded", purchase, company_id=company.pk)

    for result in results:
        if result.instance is not None:
            result.id = result.instance.pk
    return summary(results)
