"""Purchases written in bulk (sales-system import, demo data) join the club like single ones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Purchase
from membership import rules, services
from membership.models import Member, PointEntry
from tests.customers.test_import import csv_bytes, good_rows, run_import
from tests.factories import CustomerFactory, PurchaseFactory, UnitFactory, member_for

pytestmark = pytest.mark.django_db


def purchases_in(company, n):
    return [
        PurchaseFactory(customer=CustomerFactory(company=company), unit__building__project__company=company)
        for _ in range(n)
    ]


def test_bulk_join_creates_members_with_their_points_once(company_a):
    purchases = purchases_in(company_a, 3)
    ids = [p.pk for p in purchases]
    assert services.members_join_for_purchases(purchase_ids=ids) == 3
    assert services.members_join_for_purchases(purchase_ids=ids) == 0
    assert Member.objects.count() == 3
    assert set(Member.objects.values_list("balance", "homes", "company_id")) == {
        (rules.PURCHASE_POINTS, 1, company_a.pk)
    }
    assert len(set(Member.objects.values_list("token", flat=True))) == 3
    assert services.ledger_mismatches() == []


def test_bulk_join_adds_to_an_existing_member_and_pays_the_referral(company_a):
    member = member_for(company_a, points=5)
    referrer = member_for(company_a)
    friend = CustomerFactory(company=company_a)
    referral = services.referral_create(referrer=referrer, customer=friend)
    second_home = PurchaseFactory(
        customer=member.customer, unit=UnitFactory(building__project__company=company_a)
    )
    friends_home = PurchaseFactory(customer=friend, unit__building__project__company=company_a)
    services.members_join_for_purchases(purchase_ids=[second_home.pk, friends_home.pk])
    member.refresh_from_db()
    referrer.refresh_from_db()
    assert member.balance == 5 + rules.PURCHASE_POINTS and member.homes == 1
    assert referrer.balance == rules.REFERRAL_POINTS
    joined = Member.objects.get(customer=friend)
    assert joined.joined_via == "referral" and joined.referred_by == referrer
    services.members_join_for_purchases(purchase_ids=[friends_home.pk])
    assert PointEntry.objects.filter(idempotency_key=f"referral:{referral.pk}").count() == 1
    assert services.ledger_mismatches() == []


def test_an_imported_sales_file_makes_its_buyers_members(manager_a, company_a):
    UnitFactory(
        building__project__company=company_a,
        building__project__name="四季花城",
        building__name="1栋",
        number="101",
    )
    run_import(manager_a, company_a, csv_bytes(good_rows()))
    buyer = Purchase.objects.get().customer
    member = Member.objects.get(customer=buyer)
    assert member.balance == rules.PURCHASE_POINTS and member.company == company_a
    run_import(manager_a, company_a, csv_bytes(good_rows()))
    member.refresh_from_db()
    assert member.balance == rules.PURCHASE_POINTS
    assert Member.objects.count() == 1
    assert services.ledger_mismatches() == []


def test_demo_data_buyers_are_members(db):
    from customers import demo as customer_demo
    from organization import demo

    demo.seed_organisation()
    list(customer_demo.generate_customers(300, batch_size=100))
    buyers = Purchase.objects.values("customer_id").distinct().count()
    assert Member.objects.count() == buyers
    assert services.ledger_mismatches() == []


def test_purchase_points_expire_two_years_after_joining(company_a):
    purchase = purchases_in(company_a, 1)[0]
    services.members_join_for_purchases(purchase_ids=[purchase.pk])
    entry = PointEntry.objects.get()
    assert timezone.now() + timedelta(days=729) < entry.expires_at < timezone.now() + timedelta(days=732)
