from datetime import date

import pytest

from repairs import rules


@pytest.mark.parametrize(
    ("years", "delivered", "reported", "warranty", "ends"),
    [
        (5, date(2022, 3, 1), date(2027, 2, 28), True, date(2027, 2, 28)),  # the last day
        (5, date(2022, 3, 1), date(2027, 3, 1), False, date(2027, 2, 28)),  # the anniversary is paid
        (2, date(2024, 2, 29), date(2026, 2, 27), True, date(2026, 2, 27)),  # 29 Feb → 28 Feb
        (2, date(2024, 2, 29), date(2026, 2, 28), False, date(2026, 2, 27)),
        (50, date(2000, 1, 1), date(2026, 12, 4), True, date(2049, 12, 31)),  # structure
        (5, None, date(2026, 1, 1), True, None),  # not handed over yet: the developer's
        (None, date(2025, 1, 1), date(2025, 1, 2), False, None),  # a part without a period
    ],
)
def test_coverage(years, delivered, reported, warranty, ends):
    assert rules.coverage(years=years, delivered_on=delivered, reported_on=reported) == rules.Coverage(
        warranty=warranty, ends_on=ends
    )


def test_default_periods():
    assert rules.DEFAULT_WARRANTY_YEARS["WP"] == 5
    assert rules.DEFAULT_WARRANTY_YEARS["EL"] == rules.DEFAULT_WARRANTY_YEARS["PL"] == 2
    assert rules.DEFAULT_WARRANTY_YEARS["ST"] == rules.STRUCTURE_DESIGN_LIFE_YEARS


@pytest.mark.parametrize(
    ("owner_asks", "not_fixed", "missed", "reason"),
    [
        (False, 0, 0, None),
        (False, 1, 1, None),
        (True, 0, 0, rules.ConversionReason.OWNER_ASKED),
        (False, 2, 0, rules.ConversionReason.REDONE),
        (False, 0, 2, rules.ConversionReason.MISSED),
        (False, 3, 1, rules.ConversionReason.REDONE),
        (True, 2, 2, rules.ConversionReason.OWNER_ASKED),
    ],
)
def test_conversion_reason(owner_asks, not_fixed, missed, reason):
    assert (
        rules.conversion_reason(owner_asks=owner_asks, not_fixed_visits=not_fixed, missed_visits=missed)
        == reason
    )
