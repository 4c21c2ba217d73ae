"""What club managers plan and keep: events (planned, changed until they start), gifts and their
stock, partner merchants and their offers — the services the pages and the API share."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import Conflict, DomainError
from membership import services
from membership.models import Event, EventSignup, Gift, Merchant, Offer
from organization import roles
from tests.factories import ProjectFactory, UserFactory, member_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_b(company_b):
    return UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)


def a_plan(**changes) -> services.EventPlan:
    plan = services.EventPlan(
        title="中秋游园会",
        kind="festival",
        starts_at=timezone.now() + timedelta(days=3),
        place="会所广场",
        capacity=2,
        points=10,
    )
    return replace(plan, **changes)


def refused(error_type, action) -> str:
    with pytest.raises(error_type) as caught:
        action()
    return caught.value.code


# --- Events --------------------------------------------------------------------------------------


def test_a_manager_plans_an_event_of_their_own_company(manager_a, company_a):
    project = ProjectFactory(company=company_a)
    event = services.event_create(plan=a_plan(project=project), company=None, by=manager_a)
    assert (event.company, event.project, event.title, event.capacity) == (
        company_a,
        project,
        "中秋游园会",
        2,
    )
    assert Event.objects.get().pk == event.pk


def test_the_company_of_a_new_event_is_decided_by_access(manager_b, group_user, company_a):
    assert refused(
        DomainError, lambda: services.event_create(plan=a_plan(), company=company_a, by=manager_b)
    ) == ("own_company_only")
    assert refused(
        DomainError, lambda: services.event_create(plan=a_plan(), company=None, by=group_user)
    ) == ("company_required")
    assert Event.objects.count() == 0
    event = services.event_create(plan=a_plan(), company=company_a, by=group_user)
    assert event.company == company_a


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"starts_at": timezone.now() - timedelta(minutes=1)}, "starts_in_past"),
        ({"capacity": 0}, "invalid_capacity"),
        ({"title": "  "}, "title_and_place_required"),
    ],
)
def test_a_plan_that_breaks_a_rule_is_refused(manager_a, changes, code):
    assert (
        refused(
            DomainError, lambda: services.event_create(plan=a_plan(**changes), company=None, by=manager_a)
        )
        == code
    )
    assert Event.objects.count() == 0


def test_the_project_must_be_of_the_events_company(manager_a, company_b):
    other = ProjectFactory(company=company_b)
    assert refused(
        DomainError, lambda: services.event_create(plan=a_plan(project=other), company=None, by=manager_a)
    ) == ("project_other_company")
    assert Event.objects.count() == 0


def test_a_change_is_saved_on_the_version_it_was_made_on(manager_a):
    event = services.event_create(plan=a_plan(), company=None, by=manager_a)
    version = event.version
    later = timezone.localtime(timezone.now() + timedelta(days=10))  # +08:00, stored in UTC
    changed = services.event_update(
        event=event, plan=a_plan(place="社区体育馆", starts_at=later), version=version, by=manager_a
    )
    event.refresh_from_db()
    assert (event.place, event.starts_at) == ("社区体育馆", later)
    assert event.version == changed.version != version


def test_a_change_saved_in_between_is_a_conflict_and_is_kept(manager_a, group_user):
    event = services.event_create(plan=a_plan(), company=None, by=manager_a)
    opened = event.version
    services.event_update(event=event, plan=a_plan(place="社区体育馆"), version=opened, by=group_user)
    assert refused(
        Conflict,
        lambda: services.event_update(event=event, plan=a_plan(title="改名"), version=opened, by=manager_a),
    ) == ("stale_version")
    event.refresh_from_db()
    assert (event.title, event.place) == ("中秋游园会", "社区体育馆")


def test_an_event_that_started_or_was_called_off_is_not_changed(manager_a, company_a):
    started = services.event_create(plan=a_plan(), company=None, by=manager_a)
    Event.objects.filter(pk=started.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    started.refresh_from_db()
    version = started.version
    assert refused(
        DomainError,
        lambda: services.event_update(event=started, plan=a_plan(), version=version, by=manager_a),
    ) == ("event_started")
    called_off = services.event_create(plan=a_plan(), company=None, by=manager_a)
    services.event_call_off(event=called_off, reason="暴雨", by=manager_a)
    called_off.refresh_from_db()
    version = called_off.version
    assert refused(
        DomainError,
        lambda: services.event_update(
            event=called_off, plan=a_plan(title="改名"), version=version, by=manager_a
        ),
    ) == ("event_called_off")
    assert set(Event.objects.values_list("title", flat=True)) == {"中秋游园会"}


def test_more_seats_go_to_the_waiting_list_in_order_and_fewer_than_confirmed_are_refused(
    manager_a, company_a
):
    event = services.event_create(plan=a_plan(capacity=1), company=None, by=manager_a)
    first, second, third = (member_for(company_a) for _ in range(3))
    for member in (first, second, third):
        services.event_signup(event=event, member=member, channel="web")
    event.refresh_from_db()
    services.event_update(event=event, plan=a_plan(capacity=2), version=event.version, by=manager_a)
    statuses = dict(EventSignup.objects.values_list("member_id", "status"))
    assert statuses == {first.pk: "confirmed", second.pk: "confirmed", third.pk: "waiting"}
    event.refresh_from_db()
    assert event.confirmed_count == 2
    version = event.version
    assert refused(
        DomainError,
        lambda: services.event_update(event=event, plan=a_plan(capacity=1), version=version, by=manager_a),
    ) == ("capacity_below_confirmed")
    event.refresh_from_db()
    assert (event.capacity, event.confirmed_count) == (2, 2)


# --- Gifts ---------------------------------------------------------------------------------------


def test_gifts_are_added_and_their_stock_changes_by_a_delta(manager_a, company_a):
    gift = services.gift_create(company=None, name="保温杯", points=500, stock=2, by=manager_a)
    assert (gift.company, gift.stock) == (company_a, 2)
    assert services.gift_stock_change(gift=gift, delta=5, by=manager_a).stock == 7
    assert services.gift_stock_change(gift=gift, delta=-3, by=manager_a).stock == 4


def test_a_redemption_between_reading_and_changing_the_stock_is_kept(manager_a, company_a):
    gift = services.gift_create(company=None, name="保温杯", points=100, stock=3, by=manager_a)
    read_before = Gift.objects.get(pk=gift.pk)
    services.gift_redeem(member=member_for(company_a, points=100), gift=gift)
    services.gift_stock_change(gift=read_before, delta=5, by=manager_a)
    gift.refresh_from_db()
    assert gift.stock == 7


def test_stock_changes_that_break_a_rule_are_refused(manager_a, manager_b, company_a):
    gift = services.gift_create(company=None, name="保温杯", points=100, stock=2, by=manager_a)
    assert refused(Conflict, lambda: services.gift_stock_change(gift=gift, delta=-3, by=manager_a)) == (
        "not_enough_stock"
    )
    assert (
        refused(DomainError, lambda: services.gift_stock_change(gift=gift, delta=0, by=manager_a))
        == "invalid_delta"
    )
    assert refused(DomainError, lambda: services.gift_stock_change(gift=gift, delta=5, by=manager_b)) == (
        "own_company_only"
    )
    gift.refresh_from_db()
    assert gift.stock == 2


def test_a_gift_costs_points_and_its_stock_is_not_negative(manager_a):
    add = services.gift_create
    assert refused(DomainError, lambda: add(company=None, name="伞", points=0, stock=1, by=manager_a)) == (
        "invalid_points"
    )
    assert refused(DomainError, lambda: add(company=None, name="伞", points=1, stock=-1, by=manager_a)) == (
        "invalid_stock"
    )
    assert refused(DomainError, lambda: add(company=None, name=" ", points=1, stock=1, by=manager_a)) == (
        "name_required"
    )
    assert Gift.objects.count() == 0


# --- Merchants and offers ------------------------------------------------------------------------


def test_merchants_and_offers_are_added_under_the_merchants_company(manager_a, company_a):
    merchant = services.merchant_create(company=None, name="社区洗衣店", category="洗衣", by=manager_a)
    offer = services.offer_create(
        merchant=merchant, title="九折", points=0, valid_until=timezone.localdate(), by=manager_a
    )
    assert (merchant.company, offer.merchant) == (company_a, merchant)


def test_offers_that_break_a_rule_are_refused(manager_a, manager_b, company_a):
    merchant = services.merchant_create(company=None, name="社区洗衣店", by=manager_a)
    today = timezone.localdate()
    add = services.offer_create
    assert refused(
        DomainError, lambda: add(merchant=merchant, title="九折", points=0, valid_until=today, by=manager_b)
    ) == ("own_company_only")
    assert refused(
        DomainError,
        lambda: add(
            merchant=merchant, title="九折", points=0, valid_until=today - timedelta(days=1), by=manager_a
        ),
    ) == ("valid_until_past")
    Merchant.objects.filter(pk=merchant.pk).update(active=False)
    assert refused(
        DomainError, lambda: add(merchant=merchant, title="九折", points=0, valid_until=today, by=manager_a)
    ) == ("merchant_inactive")
    assert Offer.objects.count() == 0
