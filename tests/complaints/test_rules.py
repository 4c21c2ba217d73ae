"""One row per line of the tier table in DOMAIN.md, plus the clocks and the status flow."""

from datetime import UTC, datetime, timedelta

import pytest

from complaints import rules
from complaints.rules import TierFacts


def facts(**overrides) -> TierFacts:
    base = {
        "litigation": "none",
        "media": "none",
        "complainant_count": 1,
        "same_issue_complainants": 1,
        "unresolved_for": timedelta(0),
        "second_complaint": False,
        "needs_outside_support": False,
    }
    return TierFacts(**{**base, **overrides})


@pytest.mark.parametrize(
    ("case", "expected_tier", "expected_reason"),
    [
        # 重大 major
        (facts(litigation="filed"), "major", "litigation_filed"),
        (facts(media="exposed"), "major", "media_exposed"),
        (facts(complainant_count=10), "major", "collective_10_or_more"),
        (facts(unresolved_for=timedelta(days=30)), "major", "unresolved_one_month"),
        # 热点 hot
        (facts(litigation="possible"), "hot", "litigation_possible"),
        (facts(media="possible"), "hot", "media_possible"),
        (facts(same_issue_complainants=3), "hot", "same_issue_3_complainants"),
        (facts(complainant_count=3), "hot", "collective_3_or_more"),
        (facts(unresolved_for=timedelta(days=7)), "hot", "unresolved_one_week"),
        # 重要 important
        (facts(second_complaint=True), "important", "second_complaint"),
        (facts(needs_outside_support=True), "important", "needs_outside_support"),
        # 一般 normal
        (facts(), "normal", None),
    ],
)
def test_each_line_of_the_tier_table(case, expected_tier, expected_reason):
    tier, reasons = rules.tier_for(case)
    assert tier == expected_tier
    assert (reasons == []) if expected_reason is None else (expected_reason in reasons)


@pytest.mark.parametrize(
    ("case", "tier"),
    [
        (facts(complainant_count=9), "hot"),
        (facts(complainant_count=2), "normal"),
        (facts(same_issue_complainants=2), "normal"),
        (facts(unresolved_for=timedelta(days=6, hours=23)), "normal"),
        (facts(unresolved_for=timedelta(days=29, hours=23)), "hot"),
    ],
)
def test_just_below_each_threshold(case, tier):
    assert rules.tier_for(case)[0] == tier


def test_highest_tier_wins_and_every_reason_is_listed():
    tier, reasons = rules.tier_for(facts(second_complaint=True, media="possible", litigation="filed"))
    assert tier == "major"
    assert reasons == ["litigation_filed", "media_possible", "second_complaint"]


T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_waiting_on_the_complainant_does_not_count():
    elapsed = rules.company_side_elapsed(
        received_at=T0,
        now=T0 + timedelta(days=8),
        paused_seconds=int(timedelta(days=2).total_seconds()),
        paused_since=None,
    )
    assert elapsed == timedelta(days=6)
    running_pause = rules.company_side_elapsed(
        received_at=T0, now=T0 + timedelta(days=8), paused_seconds=0, paused_since=T0 + timedelta(days=5)
    )
    assert running_pause == timedelta(days=5)


def test_next_clock_due_warns_a_day_before_each_threshold():
    def due(tier="normal", paused_seconds=0, done=frozenset()):
        return rules.next_clock_due(
            received_at=T0, paused_seconds=paused_seconds, paused=False, resolved=False, tier=tier, done=done
        )

    assert due() == T0 + timedelta(days=6)
    assert due(done=frozenset({("hot", True)})) == T0 + timedelta(days=7)
    assert due(done=frozenset({("hot", True), ("hot", False)})) == T0 + timedelta(days=29)
    assert due(tier="hot", paused_seconds=3600) == T0 + timedelta(days=29, hours=1)
    assert due(tier="major") is None


def test_a_stopped_or_finished_clock_has_nothing_due():
    for paused, resolved in ((True, False), (False, True)):
        assert (
            rules.next_clock_due(
                received_at=T0, paused_seconds=0, paused=paused, resolved=resolved, tier="normal"
            )
            is None
        )


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("received", "assigned", True),
        ("assigned", "in_progress", True),
        ("in_progress", "awaiting_customer", True),
        ("awaiting_customer", "in_progress", True),
        ("in_progress", "resolved", True),
        ("resolved", "closed", True),
        ("resolved", "in_progress", True),
        ("received", "closed", False),
        ("closed", "in_progress", False),
        ("assigned", "resolved", False),
    ],
)
def test_status_flow(current, target, allowed):
    assert rules.can_transition(current, target) is allowed
