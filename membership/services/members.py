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
from ..models import Member, MemberCompany, PointEntry, Referral
from .ledger import _check_active, _locked, _refresh_level, points_earn


def _new_token() -> str:
    return secrets.token_urlsafe(32)


# --- Joining -------------------------------------------------------------------------------------


def _member_of_file(customer: Customer) -> Member | None:
    """The membership this company's file belongs to: its own, or the person's membership from
    another company (by the phone, the key of a person across the group)."""
    link = MemberCompany.objects.filter(customer=customer).select_related("member").first()
    if link is not None:
        return link.member
    return Member.objects.filter(phone=customer.phone).first()


def _serve(member: Member, customer: Customer) -> None:
    """The file's company serves the member from now on (once: the unique pair holds it)."""
    MemberCompany.objects.get_or_create(
        member=member, company_id=customer.company_id, defaults={"customer": customer}
    )


@transaction.atomic
def member_join(
    *, customer: Customer, company, via: str, referred_by: Member | None = None
) -> tuple[Member, bool]:
    """Make the customer a member (once per person): a buyer who is a member through another
    company joins that membership, served by this company too. Returns (member, created)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    existing = _member_of_file(customer)
    if existing is not None:
        _serve(existing, customer)
        return existing, False
    try:
        with transaction.atomic():  # a concurrent join of the same phone inserts first: join it
            member = Member.objects.create(
                customer=customer,
                company=company,
                number=f"WK{customer.pk:010d}",
                phone=customer.phone,
                joined_via=via,
                referred_by=referred_by,
                token=_new_token(),
            )
    except IntegrityError:
        member = Member.objects.get(phone=customer.phone)
        _serve(member, customer)
        return member, False
    _serve(member, customer)
    return member, True


def _homes_of(member: Member) -> int:
    """The homes the member bought from every company that serves them (the level counts them all)."""
    return Purchase.objects.filter(customer__club_membership__member=member).count()


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
    homes = _homes_of(member)
    if member.homes != homes:
        member.homes = homes
        member.save(update_fields=["homes"])
    points_earn(
        member=member,
        points=rules.PURCHASE_POINTS,
        reason=str(_("Bought a home: %(unit)s") % {"unit": purchase.unit}),
        source=f"purchase:{purchase.pk}",
        idempotency_key=f"purchase:{purchase.pk}",
        company_id=customer.company_id,
    )
    if referral is not None and referral.rewarded_at is None:
        points_earn(
            company_id=customer.company_id,
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
    customers = {c.pk: c for c in Customer.objects.filter(pk__in=customer_ids).only("id", "name", "phone")}
    referrals = {
        r.customer_id: r for r in Referral.objects.select_for_update().filter(customer_id__in=customer_ids)
    }
    keys = {f"purchase:{p.pk}": p for p in purchases}
    done = set(
        PointEntry.objects.filter(idempotency_key__in=list(keys)).values_list("idempotency_key", flat=True)
    )
    company_of = {p.customer_id: p.unit.building.project.company_id for p in purchases}
    # Files not yet serving a membership join the person's membership (by phone) or a new one, one
    # per phone; a row a concurrent request created first is joined like any existing member.
    linked = dict(
        MemberCompany.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "member_id")
    )
    unlinked = sorted(customer_ids - set(linked))
    phones = {customers[c].phone for c in unlinked}
    members_by_phone = dict(Member.objects.filter(phone__in=phones).values_list("phone", "id"))
    new_members, planned = [], set()
    for customer_id in unlinked:
        phone = customers[customer_id].phone
        if phone in members_by_phone or phone in planned:
            continue
        planned.add(phone)
        referral = referrals.get(customer_id)
        new_members.append(
            Member(
                customer_id=customer_id,
                company_id=company_of[customer_id],
                number=f"WK{customer_id:010d}",
                phone=phone,
                joined_via=Member.JoinedVia.REFERRAL if referral else Member.JoinedVia.PURCHASE,
                referred_by_id=referral.referrer_id if referral else None,
                token=_new_token(),
            )
        )
    Member.objects.bulk_create(new_members, batch_size=1000, ignore_conflicts=True)
    members_by_phone = dict(Member.objects.filter(phone__in=phones).values_list("phone", "id"))
    MemberCompany.objects.bulk_create(
        (
            MemberCompany(
                member_id=members_by_phone[customers[c].phone], company_id=company_of[c], customer_id=c
            )
            for c in unlinked
            if customers[c].phone in members_by_phone
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    linked = dict(
        MemberCompany.objects.filter(customer_id__in=customer_ids).values_list("customer_id", "member_id")
    )
    members = {
        m.pk: m for m in Member.objects.select_for_update().filter(pk__in=set(linked.values())).order_by("id")
    }
    homes = dict(
        Purchase.objects.filter(customer__club_membership__member_id__in=list(members))
        .values("customer__club_membership__member_id")
        .annotate(n=Count("id"))
        .values_list("customer__club_membership__member_id", "n")
    )
    expires_at = rules.expires_at_for(timezone.now())
    earned: dict[int, int] = {}
    entries = []
    for key, purchase in keys.items():
        member_id = linked.get(purchase.customer_id)
        if key in done or member_id is None:
            continue
        earned[member_id] = earned.get(member_id, 0) + rules.PURCHASE_POINTS
        entries.append(
            PointEntry(
                member_id=member_id,
                company_id=company_of[purchase.customer_id],
                delta=rules.PURCHASE_POINTS,
                kind=PointEntry.Kind.EARN,
                reason=str(_("Bought a home: %(unit)s") % {"unit": purchase.unit})[:200],
                source=key,
                idempotency_key=key,
                expires_at=expires_at,
                remaining=rules.PURCHASE_POINTS,
            )
        )
    PointEntry.objects.bulk_create(entries, batch_size=1000)
    for member in members.values():
        member.balance += earned.get(member.pk, 0)
        member.earned_total += earned.get(member.pk, 0)
        member.homes = homes.get(member.pk, 0)
        _refresh_level(member)
    Member.objects.bulk_update(
        list(members.values()), ["balance", "earned_total", "homes", "level"], batch_size=1000
    )
    for customer_id, referral in referrals.items():  # rare: one by one, through the same service
        if referral.rewarded_at is None:
            points_earn(
                member=referral.referrer,
                points=rules.REFERRAL_POINTS,
                reason=str(_("Referred %(name)s, who signed") % {"name": customers[customer_id].name}),
                source=f"referral:{referral.pk}",
                idempotency_key=f"referral:{referral.pk}",
                company_id=company_of[customer_id],
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
    if Purchase.objects.filter(customer=customer).exists() or _member_of_file(customer) is not None:
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
