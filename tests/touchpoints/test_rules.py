from datetime import date

import pytest

from touchpoints import rules


@pytest.mark.parametrize(("delivered", "target"), [(0, 0), (1, 1), (10, 1), (25, 3), (600, 60), (2000, 60)])
def test_home_visit_target_is_ten_percent_capped_at_sixty(delivered, target):
    assert rules.home_visit_target(delivered) == target


def test_the_sample_tops_up_to_the_target_and_is_stable():
    units = list(range(1, 101))
    first = rules.home_visit_sample(units, set())
    assert len(first) == 10
    assert rules.home_visit_sample(units, set()) == first
    assert rules.home_visit_sample(units, set(first)) == []
    more_units = list(range(1, 201))
    added = rules.home_visit_sample(more_units, set(first))
    assert len(added) == 10 and not set(added) & set(first)


def test_four_year_rounds():
    delivered = date(2018, 3, 15)
    assert rules.four_year_rounds_due(delivered, date(2022, 2, 1)) == []
    assert rules.four_year_rounds_due(delivered, date(2022, 2, 14)) == [(1, date(2022, 3, 15))]
    assert rules.four_year_rounds_due(delivered, date(2026, 11, 22)) == [
        (1, date(2022, 3, 15)),
        (2, date(2026, 3, 15)),
    ]
    assert rules.add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert rules.add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)


def test_the_default_catalogue_has_the_eight_steps(db):
    from touchpoints.models import ActionType, Step

    assert list(Step.objects.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert ActionType.objects.filter(code="delivery_callback", standard=True, step__order=4).exists()
    assert ActionType.objects.filter(code="four_year_visit", step__order=8).exists()
