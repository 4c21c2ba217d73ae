"""The points ledger: balance = sum of entries, never negative, one earn per business event, FIFO
expiry, and the purchase and referral hooks."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from core.exceptions import Conflict, DomainError
from customers import services as customer_services
from membership import rules, services
from membership.models import Member, PointEntry, Referral
from tests.factories import CustomerFactory, PurchaseFactory, UnitFactory, UserFactory, member_for

pytestmark = pytest.mark.django_db


def ledger_sum(member) -> int:
    return PointEntry.objects.filter(member=member).aggregate(s=Sum("delta"))["s"] or 0


def assert_consistent(member):
    member.refresh_from_db()
    assert member.balance == ledger_sum(member)
    lots = PointEntry.objects.filter(member=member).aggregate(s=Sum("remaining"))["s"] or 0
    assert lots == member.balance
    assert services.ledger_mismatches() == []


def test_earn_then_spend_keeps_the_balance_equal_to_the_ledger(company_a):
    member = member_for(company_a, points=500)
    services.points_spend(member=member, points=200, reason="礼品", source="t", idempotency_key="s1")
    assert_consistent(member)
    assert member.balance == 300
    kinds = list(PointEntry.objects.filter(member=member).order_by("id").values_list("kind", "delta"))
    assert kinds == [("earn", 500), ("spend", -200)]


def test_spending_more_than_the_balance_is_refused_and_changes_nothing(company_a):
    member = member_for(company_a, points=100)
    before = PointEntry.objects.count()
    with pytest.raises(services.NotEnoughPoints) as refused:
        services.points_spend(member=member, points=101, reason="礼品", source="t", idempotency_key="s1")
    assert "100" in str(refused.value.message)
    assert PointEntry.objects.count() == before
    assert_consistent(member)
    assert member.balance == 100


def test_the_database_refuses_a_negative_balance(company_a):
    member = member_for(company_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=member.pk).update(balance=-1)


def test_the_same_business_event_earns_once(company_a):
    member = member_for(company_a)
    first, created = services.points_earn(
        member=member, points=50, reason="活动", source="event:1", idempotency_key="event:1:x"
    )
    again, created_again = services.points_earn(
        member=member, points=50, reason="活动", source="event:1", idempotency_key="event:1:x"
    )
    assert created and not created_again and first.pk == again.pk
    assert_consistent(member)
    assert member.balance == 50


def test_the_idempotency_key_is_unique_in_the_database(company_a):
    member = member_for(company_a, points=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointEntry.objects.create(
            member=member, delta=5, kind="earn", reason="x", source="x", idempotency_key=f"test:{member.pk}"
        )


def test_non_positive_amounts_are_refused(company_a):
    member = member_for(company_a, points=10)
    with pytest.raises(DomainError):
        services.points_earn(member=member, points=0, reason="x", source="x", idempotency_key="k")
    with pytest.raises(DomainError):
        services.points_spend(member=member, points=-5, reason="x", source="x", idempotency_key="k")


def test_corrections_need_a_reason_and_cannot_go_below_zero(company_a):
    member = member_for(company_a, points=100)
    manager = UserFactory(company=company_a)
    with pytest.raises(DomainError):
        services.points_correct(member=member, delta=10, reason=" ", by=manager)
    services.points_correct(member=member, delta=-30, reason="重复发放", by=manager)
    services.points_correct(member=member, delta=5, reason="补发", by=manager)
    with pytest.raises(services.NotEnoughPoints):
        services.points_correct(member=member, delta=-76, reason="多扣", by=manager)
    assert_consistent(member)
    assert member.balance == 75


def test_spends_use_the_points_that_expire_first_and_expiry_takes_only_what_is_left(company_a):
    member = member_for(company_a)
    now = timezone.now()
    old, _c = services.points_earn(
        member=member,
        points=100,
        reason="旧",
        source="t",
        idempotency_key="old",
        at=now - timedelta(days=700),
    )
    new, _c = services.points_earn(
        member=member, points=100, reason="新", source="t", idempotency_key="new", at=now - timedelta(days=10)
    )
    services.points_spend(member=member, points=60, reason="礼品", source="t", idempotency_key="s")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.remaining, new.remaining) == (40, 100)

    assert services.points_expire_due(as_of=now + timedelta(days=31)) == 1
    assert services.points_expire_due(as_of=now + timedelta(days=31)) == 0  # idempotent
    expired = PointEntry.objects.get(member=member, kind="expire")
    assert expired.delta == -40 and expired.idempotency_key == f"expire:{old.pk}"
    assert_consistent(member)
    assert member.balance == 100


def test_expiry_sweeps_many_members_and_leaves_valid_points(company_a):
    members = [member_for(company_a) for _ in range(5)]
    past = timezone.now() - timedelta(days=800)
    for m in members:
        services.points_earn(
            member=m, points=10, reason="旧", source="t", idempotency_key=f"o{m.pk}", at=past
        )
        services.points_earn(member=m, points=7, reason="新", source="t", idempotency_key=f"n{m.pk}")
    assert services.points_expire_due(batch_size=2) == 5
    for m in members:
        assert_consistent(m)
        assert m.balance == 7


def test_buying_a_home_joins_the_club_once_and_earns_once(company_a):
    customer = CustomerFactory(company=company_a)
    unit = UnitFactory(building__project__company=company_a)
    args = {
        "customer": customer,
        "unit": unit,
        "contract_date": timezone.localdate(),
        "price": Decimal("2000000"),
    }
    customer_services.purchase_record(**args)
    customer_services.purchase_record(**args)  # a correction of the same purchase
    member = Member.objects.get(customer=customer)
    assert member.company == company_a and member.joined_via == "purchase"
    assert member.number == f"WK{customer.pk:010d}" and len(member.token) >= 40
    assert member.balance == rules.PURCHASE_POINTS and member.homes == 1
    customer_services.purchase_record(**{**args, "unit": UnitFactory(building__project__company=company_a)})
    member.refresh_from_db()
    assert member.homes == 2 and member.level == "silver"
    assert member.balance == 2 * rules.PURCHASE_POINTS
    assert_consistent(member)


def test_a_referrer_earns_once_when_the_referred_customer_signs(company_a):
    referrer = member_for(company_a)
    friend = CustomerFactory(company=company_a)
    referral = services.referral_create(referrer=referrer, customer=friend)
    with pytest.raises(Conflict):
        services.referral_create(referrer=member_for(company_a), customer=friend)
    unit = UnitFactory(building__project__company=company_a)
    args = {"customer": friend, "unit": unit, "contract_date": timezone.localdate(), "price": Decimal("1")}
    customer_services.purchase_record(**args)
    customer_services.purchase_record(**{**args, "unit": UnitFactory(building__project__company=company_a)})
    referrer.refresh_from_db()
    assert referrer.balance == rules.REFERRAL_POINTS
    joined = Member.objects.get(customer=friend)
    assert joined.joined_via == "referral" and joined.referred_by == referrer
    referral.refresh_from_db()
    assert referral.rewarded_at is not None
    assert PointEntry.objects.filter(idempotency_key=f"referral:{referral.pk}").count() == 1


def test_only_new_customers_can_be_referred(company_a):
    referrer = member_for(company_a)
    buyer = PurchaseFactory(unit__building__project__company=company_a).customer
    with pytest.raises(Conflict):
        services.referral_create(referrer=referrer, customer=buyer)
    with pytest.raises(DomainError):
        services.referral_create(referrer=referrer, customer=referrer.customer)
    assert Referral.objects.count() == 0


def test_the_check_command_finds_a_tampered_balance(company_a):
    from django.core.management import CommandError, call_command

    member = member_for(company_a, points=10)
    call_command("club_points", "--check")
    Member.objects.filter(pk=member.pk).update(balance=11)
    with pytest.raises(CommandError):
        call_command("club_points", "--check")


def test_a_spend_across_many_small_lots_reads_them_in_batches(company_a, monkeypatch):
    monkeypatch.setattr(services.ledger, "LOT_BATCH", 3)
    member = member_for(company_a)
    for n in range(10):
        services.points_earn(member=member, points=10, reason="签到", source="t", idempotency_key=f"lot{n}")
    services.points_spend(member=member, points=75, reason="礼品", source="t", idempotency_key="big")
    remaining = list(
        PointEntry.objects.filter(member=member, kind="earn")
        .order_by("id")
        .values_list("remaining", flat=True)
    )
    assert remaining == [0] * 7 + [5, 10, 10]
    assert_consistent(member)
