from datetime import UTC, datetime
from decimal import Decimal

import pytest

from membership import rules


@pytest.mark.parametrize(
    ("homes", "earned", "level"),
    [
        (0, 0, "regular"),
        (1, 4_999, "regular"),
        (2, 0, "silver"),
        (1, 5_000, "silver"),
        (2, 19_999, "silver"),
        (3, 0, "gold"),
        (1, 20_000, "gold"),
    ],
)
def test_level_by_homes_or_points(homes, earned, level):
    assert rules.level_for(homes=homes, earned_total=earned) == level


@pytest.mark.parametrize(
    ("lots", "amount", "taken"),
    [
        ([(1, 100), (2, 50)], 30, [(1, 30)]),
        ([(1, 100), (2, 50)], 100, [(1, 100)]),
        ([(1, 100), (2, 50)], 120, [(1, 100), (2, 20)]),
        ([(1, 0), (2, 50)], 50, [(2, 50)]),
    ],
)
def test_allocation_takes_the_lot_that_expires_first(lots, amount, taken):
    assert rules.allocate(lots, amount) == taken


def test_allocation_refuses_more_than_the_lots_hold():
    with pytest.raises(ValueError):
        rules.allocate([(1, 10)], 11)
    with pytest.raises(ValueError):
        rules.allocate([(1, 10)], 0)


def test_points_expire_after_two_years_and_29_february_falls_on_28():
    assert rules.expires_at_for(datetime(2026, 3, 1, 10, tzinfo=UTC)) == datetime(2028, 3, 1, 10, tzinfo=UTC)
    leap_day = datetime(2028, 2, 29, 10, tzinfo=UTC)
    assert rules.expires_at_for(leap_day) == datetime(2030, 2, 28, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("amount", "points"), [(Decimal("1"), 100), (Decimal("12.34"), 1234), (Decimal("10000.00"), 1_000_000)]
)
def test_fee_offset_costs_100_points_a_yuan(amount, points):
    assert rules.fee_offset_points(amount) == points


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), Decimal("0.001"), Decimal("10000.01")])
def test_fee_offset_refuses_odd_amounts(amount):
    with pytest.raises(ValueError):
        rules.fee_offset_points(amount)


def test_signup_is_confirmed_while_seats_are_left():
    assert rules.signup_status(confirmed=9, capacity=10) == "confirmed"
    assert rules.signup_status(confirmed=10, capacity=10) == "waiting"


def test_audiences():
    assert rules.audience_levels("gold") == ["gold"]
    assert rules.audience_levels("silver_up") == ["silver", "gold"]


@pytest.mark.parametrize(
    ("level", "has", "lacks"),
    [
        ("regular", {"points", "events"}, {"discount_1", "priority_selection"}),
        ("silver", {"discount_1"}, {"discount_2", "priority_selection"}),
        ("gold", {"discount_2", "priority_selection"}, {"discount_1"}),
    ],
)
def test_benefits_by_level(level, has, lacks):
    benefits = set(rules.benefits_for(level))
    assert has <= benefits and not (lacks & benefits)
