"""Two redemptions at once, on PostgreSQL: the member row lock makes the second see the first."""

import threading

import pytest
from django.db import IntegrityError, connection, connections

from membership import services
from membership.models import Gift, Member, PointEntry
from tests.factories import member_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent row locks need PostgreSQL"
)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # inspected by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_two_parallel_spends_cannot_overspend(transactional_db, company_a):
    member = member_for(company_a, points=100)
    results, errors = run_together(
        lambda: services.points_spend(member=member, points=70, reason="a", source="t", idempotency_key="a"),
        lambda: services.points_spend(member=member, points=70, reason="b", source="t", idempotency_key="b"),
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.NotEnoughPoints)
    member.refresh_from_db()
    assert member.balance == 30
    assert PointEntry.objects.filter(member=member, kind="spend").count() == 1
    assert services.ledger_mismatches() == []


def test_two_parallel_gift_redemptions_respect_points_and_stock(transactional_db, company_a):
    first = member_for(company_a, points=500)
    second = member_for(company_a, points=500)
    gift = Gift.objects.create(company=company_a, name="保温杯", points=300, stock=1)
    results, errors = run_together(
        lambda: services.gift_redeem(member=first, gift=gift),
        lambda: services.gift_redeem(member=second, gift=gift),
    )
    assert len(results) == 1 and len(errors) == 1
    gift.refresh_from_db()
    assert gift.stock == 0
    assert sorted(Member.objects.values_list("balance", flat=True)) == [200, 500]
    assert services.ledger_mismatches() == []


def test_two_parallel_sign_ups_for_the_last_seat(transactional_db, company_a):
    from datetime import timedelta

    from django.utils import timezone

    from membership.models import Event, EventSignup

    event = Event.objects.create(
        company=company_a,
        title="重阳登山",
        kind="sports",
        starts_at=timezone.now() + timedelta(days=3),
        place="梧桐山",
        capacity=1,
    )
    first, second = member_for(company_a), member_for(company_a)
    results, errors = run_together(
        lambda: services.event_signup(event=event, member=first, channel="web"),
        lambda: services.event_signup(event=event, member=second, channel="web"),
    )
    assert errors == []
    assert sorted(signup.status for signup in results) == ["confirmed", "waiting"]
    event.refresh_from_db()
    assert event.confirmed_count == 1
    assert EventSignup.objects.filter(status="confirmed").count() == 1


def test_a_purchase_recorded_twice_at_once_earns_once(transactional_db, company_a):
    from decimal import Decimal

    from django.utils import timezone

    from customers import services as customer_services
    from tests.factories import CustomerFactory, UnitFactory

    customer = CustomerFactory(company=company_a)
    unit = UnitFactory(building__project__company=company_a)

    def record():
        return customer_services.purchase_record(
            customer=customer, unit=unit, contract_date=timezone.localdate(), price=Decimal("1")
        )

    results, errors = run_together(record, record)
    # Both record it, or the second collides on the (customer, unit) unique constraint; never twice.
    assert results and all(isinstance(error, IntegrityError) for error in errors), errors
    member = Member.objects.get(customer=customer)
    assert member.balance == 1000
    assert PointEntry.objects.filter(member=member).count() == 1
    assert services.ledger_mismatches() == []


def test_a_partner_key_sent_twice_at_once_earns_once(transactional_db, company_a, integrator_a):
    """The same member: the member row lock makes the second find the first entry."""
    member = member_for(company_a)
    results, errors = run_together(
        *[
            lambda: services.points_earn_from_partner(
                member=member, points=50, reason="物业费", idempotency_key="k-1", by=integrator_a
            )
        ]
        * 2
    )
    assert errors == [] and sorted(created for _entry, created in results) == [False, True]
    member.refresh_from_db()
    assert member.balance == 50 and PointEntry.objects.filter(member=member).count() == 1


def test_one_partner_key_for_two_members_at_once_is_one_earn_and_a_conflict(
    transactional_db, company_a, integrator_a
):
    """Two members take two row locks: the unique key column lets one insert win and the other
    answers 409 from the winner's row."""
    first, second = member_for(company_a), member_for(company_a)
    results, errors = run_together(
        *[
            lambda member=member: services.points_earn_from_partner(
                member=member, points=50, reason="物业费", idempotency_key="k-2", by=integrator_a
            )
            for member in (first, second)
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert getattr(errors[0], "code", None) == "idempotency_key_reused"
    assert PointEntry.objects.filter(idempotency_key__endswith=":k-2").count() == 1
    assert services.ledger_mismatches() == []
