"""Members: joining (on purchase, one at a time or in bulk for imports, or by referral), the
number of homes and the level on joining, referrals and their reward, suspension and reactivation.
Points move through the ledger (``ledger.points_earn``) under the member row lock it owns.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError
from customers.models import Customer, Purchase

from .. import rules
from ..models import Member, PointEntry, Referral
from .ledger import _check_active, _locked, _refresh_level, points_earn


def _new_token() -> str:
    return secrets.token_urlsafe(32)


# --- Joining -------------------------------------------------------------------------------------


@transaction.atomic
def member_join(
    *, customer: Customer, company, via: str, referred_by: Member | None = None
) -> tuple[Member, bool]:
    """Make the customer a member (once); returns (member, created)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    existing = Member.objects.filter(customer=customer).first()
    if existing is not None:
        return existing, False
    member = Member.objects.create(
        customer=customer,
        company=company,
        number=f"WK{customer.pk:010d}",
        joined_via=via,
        referred_by=referred_by,
        token=_new_token(),
    )
    return member, True


@transaction.atomic
def member_join_on_purchase(*, purchase: Purchase) -> Member:
    """Called by ``customers.services.purchase_record``: buying a home makes the buyer a member and
    earns purchase points (once per purchase); a referred buyer's referrer earns the referral reward
    (once per referral)."""
    customer = purchase.customer
    referral = (
        Referral.objects.select_for_update().filter(customer=customer).select_related("referrer").first()
    )
    member, _created = member_join(
        customer=customer,
        company=purchase.unit.building.project.company,
        via=Member.JoinedVia.REFERRAL if referral else Member.JoinedVia.PURCHASE,
        referred_by=referral.referrer if referral else None,
    )
    member = _locked(member)
    homes = Purchase.objects.filter(customer=customer).count()
    if member.homes != homes:
        member.homes = homes
        member.save(update_fields=["homes"])
    points_earn(
        member=member,
        points=rules.PURCHASE_POINTS,
        reason=str(_("Bought a home: %(unit)s") % {"unit": purchase.unit}),
        source=f"purchase:{purchase.pk}",
        idempotency_key=f"purchase:{purchase.pk}",
    )
    if referral is not None and referral.rewarded_at is None:
        points_earn(
            member=referral.referrer,
            points=rules.REFERRAL_POINTS,
            reason=str(_("Referred %(name)s, who signed") % {"name": customer.name}),
            source=f"referral:{referral.pk}",
            idempotency_key=f"referral:{referral.pk}",
        )
        referral.rewarded_at = timezone.now()
        referral.save(update_fields=["rewarded_at"])
    return member


@transaction.atomic
def members_join_for_purchases(*, purchase_ids: list[int]) -> int:
    """The bulk form of ``member_join_on_purchase`` for imports and demo data (a few queries per
    chunk, not per purchase): buyers without a membership join, each purchase earns once (the same
    idempotency keys), balances move under the members' row locks. Returns the entries written."""
    purchases = list(
        Purchase.objects.filter(pk__in=purchase_ids)
        .select_related("unit__building__project")
        .only(
            "id",
            "customer_id",
            "unit__number",
            "unit__building__name",
            "unit__building__project__name",
            "unit__building__project__company_id",
        )
        .order_by("id")
    )
    if not purchases:
        return 0
    customer_ids = {p.customer_id for p in purchases}
    referrals = {
        r.customer_id: r for r in Referral.objects.select_for_update().filter(customer_id__in=customer_ids)
    }
    keys = {f"purchase:{p.pk}": p for p in purchases}
    done = set(
        PointEntry.objects.filter(idempotency_key__in=list(keys)).values_list("idempotency_key", flat=True)
    )
    earning = {key: p for key, p in keys.items() if key not in done}
    earned: dict[int, int] = {}
    for purchase in earning.values():
        earned[purchase.customer_id] = earned.get(purchase.customer_id, 0) + rules.PURCHASE_POINTS
    homes = dict(
        Purchase.objects.filter(customer_id__in=customer_ids)
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    joined = set(Member.objects.filter(customer_id__in=customer_ids).values_list("customer_id", flat=True))
    first = {}
    for purchase in purchases:
        first.setdefault(purchase.customer_id, purchase)
    # New members are written with the balance of the entries below already in it (the common case
    # of an import: no second write). The random token tells which rows this call created; a row a
    # concurrent request created first is updated under its lock like an existing member.
    created_tokens = {}
    new_members = []
    for customer_id in sorted(customer_ids - joined):
        referral = referrals.get(customer_id)
        created_tokens[customer_id] = _new_token()
        points = earned.get(customer_id, 0)
        new_members.append(
            Member(
                customer_id=customer_id,
                company_id=first[customer_id].unit.building.project.company_id,
                number=f"WK{customer_id:010d}",
                joined_via=Member.JoinedVia.REFERRAL if referral else Member.JoinedVia.PURCHASE,
                referred_by_id=referral.referrer_id if referral else None,
                token=created_tokens[customer_id],
                homes=homes.get(customer_id, 0),
                balance=points,
                earned_total=points,
                level=rules.level_for(homes=homes.get(customer_id, 0), earned_total=points),
            )
        )
    Member.objects.bulk_create(new_members, batch_size=1000, ignore_conflicts=True)
    members = {
        m.customer_id: m
        for m in Member.objects.select_for_update().filter(customer_id__in=customer_ids).order_by("id")
    }
    expires_at = rules.expires_at_for(timezone.now())
    entries = [
        PointEntry(
            member=members[purchase.customer_id],
            delta=rules.PURCHASE_POINTS,
            kind=PointEntry.Kind.EARN,
            reason=str(_("Bought a home: %(unit)s") % {"unit": purchase.unit})[:200],
            source=key,
            idempotency_key=key,
            expires_at=expires_at,
            remaining=rules.PURCHASE_POINTS,
        )
        for key, purchase in earning.items()
    ]
    PointEntry.objects.bulk_create(entries, batch_size=1000)
    existing = [m for c, m in members.items() if created_tokens.get(c) != m.token]
    for member in existing:
        member.balance += earned.get(member.customer_id, 0)
        member.earned_total += earned.get(member.customer_id, 0)
        member.homes = homes.get(member.customer_id, 0)
        _refresh_level(member)
    Member.objects.bulk_update(existing, ["balance", "earned_total", "homes", "level"], batch_size=1000)
    for customer_id, referral in referrals.items():  # rare: one by one, through the same service
        if referral.rewarded_at is None:
            points_earn(
                member=referral.referrer,
                points=rules.REFERRAL_POINTS,
                reason=str(_("Referred %(name)s, who signed") % {"name": members[customer_id].customer.name}),
                source=f"referral:{referral.pk}",
                idempotency_key=f"referral:{referral.pk}",
            )
            referral.rewarded_at = timezone.now()
            referral.save(update_fields=["rewarded_at"])
    return len(entries)


@transaction.atomic
def referral_create(*, referrer: Member, customer: Customer) -> Referral:
    """A member refers a new customer: someone who has not signed for a home yet."""
    _check_active(referrer)
    if referrer.customer_id == customer.pk:
        raise DomainError(_("A member cannot refer themselves."), code="self_referral")
    if (
        Purchase.objects.filter(customer=customer).exists()
        or Member.objects.filter(customer=customer).exists()
    ):
        raise Conflict(
            _("This customer has already bought a home; only new customers can be referred."),
            code="not_new_customer",
        )
    try:
        with transaction.atomic():
            return Referral.objects.create(referrer=referrer, customer=customer)
    except IntegrityError:
        raise Conflict(
            _("This customer was already referred by a member."), code="already_referred"
        ) from None


@transaction.atomic
def member_set_status(*, member: Member, status: str) -> Member:
    """Suspend a membership (no spending, sign-ups or codes; earning continues) or reactivate it."""
    if status not in Member.Status.values:
        raise DomainError(code="invalid_status")
    member = _locked(member)
    if member.status == status:
        raise Conflict(_("The membership is already in this state."), code="unchanged")
    member.status = status
    member.save(update_fields=["status"])
    return member
