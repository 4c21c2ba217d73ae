from datetime import UTC, date, datetime, timedelta

import pytest

from customers import rules as customer_rules
from surveys import rules


@pytest.mark.parametrize(
    ("value", "scale_max", "problem"),
    [
        (1, 5, None),
        (5, 5, None),
        (10, 10, None),
        (0, 5, "out_of_scale"),
        (6, 5, "out_of_scale"),
        (-1, 10, "out_of_scale"),
        (None, 5, "missing"),
        (True, 5, "not_a_number"),
        ("3", 5, "not_a_number"),
    ],
)
def test_value_must_be_on_the_question_scale(value, scale_max, problem):
    assert rules.value_problem(value, scale_max) == problem


@pytest.mark.parametrize(
    ("value", "scale_max", "score"),
    [(1, 5, 0), (5, 5, 100), (4, 5, 75), (3, 5, 50), (10, 10, 100), (7, 10, 66.6667)],
)
def test_values_are_normalised_to_0_100(value, scale_max, score):
    assert rules.normalise(value, scale_max) == pytest.approx(score, abs=1e-4)


def test_sample_never_repeats_recent_respondents_and_is_stable():
    candidates = list(range(1, 101))
    recent = set(range(1, 51))
    picked = rules.sample(candidates, 20, recently_surveyed=recent, plan_key="7")
    assert len(picked) == len(set(picked)) == 20
    assert not set(picked) & recent
    assert picked == rules.sample(reversed(candidates), 20, recently_surveyed=recent, plan_key="7")
    assert picked != rules.sample(candidates, 20, recently_surveyed=recent, plan_key="8")


def test_sample_is_smaller_when_there_are_not_enough_people():
    assert sorted(rules.sample([1, 2, 3], 10, recently_surveyed={2}, plan_key="1")) == [1, 3]


def test_roll_up_is_answer_weighted_over_the_subtree():
    # satisfaction(1) → construction(2) → doors(3), waterproofing(4); satisfaction → property(5)
    parents = {1: None, 2: 1, 3: 2, 4: 2, 5: 1, 6: None}
    direct = {
        3: rules.Score(75 + 100, 2),  # doors: two answers, 4 and 5 of 5
        4: rules.Score(25, 1),  # waterproofing: one answer, 2 of 5
        5: rules.Score(50 + 50 + 100, 3),  # property: answered directly
    }
    result = rules.roll_up(parents, direct)
    assert result[3].mean == 87.5
    assert result[4].mean == 25
    assert result[2].mean == pytest.approx(200 / 3, abs=0.01)  # (75 + 100 + 25) / 3 = 66.67
    assert result[5].mean == pytest.approx(66.67, abs=0.01)
    assert (result[1].total, result[1].count) == (400, 6)
    assert result[1].mean == pytest.approx(66.67, abs=0.01)
    assert result[6].mean is None  # nothing answered


@pytest.mark.parametrize(
    ("level", "parent_level", "problem"),
    [
        ("assessment", None, None),
        ("direction", "assessment", None),
        ("operation", "direction", None),
        ("assessment", "direction", "root_has_parent"),
        ("direction", None, "wrong_parent_level"),
        ("operation", "assessment", "wrong_parent_level"),
    ],
)
def test_indicator_levels(level, parent_level, problem):
    assert rules.level_problem(level, parent_level) == problem


def test_reminders_three_days_apart_at_most_twice_and_never_after_closing():
    sent = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    closes = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    assert rules.next_reminder(sent_at=sent, reminders_sent=0, closes_at=closes) == sent + timedelta(days=3)
    assert rules.next_reminder(sent_at=sent, reminders_sent=1, closes_at=closes) == sent + timedelta(days=6)
    assert rules.next_reminder(sent_at=sent, reminders_sent=2, closes_at=closes) is None
    assert rules.next_reminder(sent_at=sent, reminders_sent=0, closes_at=sent + timedelta(days=2)) is None


@pytest.mark.parametrize(
    ("weights", "problem"),
    [
        (rules.Weights(40, 20, 20, 20), None),
        (rules.Weights(40, 20, 20, 10), "sum_not_100"),
        (rules.Weights(30, 10, 20, 40), "profit_above_satisfaction"),
        (rules.Weights(25, 25, 25, 25), "profit_above_satisfaction"),
    ],
)
def test_scorecard_weights(weights, problem):
    assert rules.weights_problem(weights) == problem


def test_customer_score_weights_the_known_figures():
    weights = rules.Weights(40, 20, 20, 20)
    # (40·80 + 20·50 + 20·70) / 80 = 70
    assert rules.customer_score(weights, satisfaction=80, handling_rate=50, loyalty=70) == 70.0
    # no complaints received: the other two are renormalised, (40·80 + 20·70) / 60 = 76.7
    assert rules.customer_score(weights, satisfaction=80, handling_rate=None, loyalty=70) == 76.7
    assert rules.customer_score(weights, satisfaction=None, handling_rate=None, loyalty=None) is None


@pytest.mark.parametrize("days", [0, 1, 364, 365, 366, 700, 1095, 1096, 2000])
def test_moved_in_ranges_match_the_owner_phase(days):
    today = date(2026, 11, 22)
    moved_in = today - timedelta(days=days)
    phase = customer_rules.owner_phase(moved_in, today)
    after, until = rules.moved_in_range(phase, today)
    assert moved_in <= until
    assert after is None or moved_in > after
    for other in {"run_in", "settled", "long_time"} - {phase}:
        low, high = rules.moved_in_range(other, today)
        assert not (moved_in <= high and (low is None or moved_in > low))


def test_add_months_clamps_to_the_month_end():
    assert rules.add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 1, 15), -12) == date(2025, 1, 15)
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
