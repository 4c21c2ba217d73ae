"""The government channel's rules (complaints/rules/government.py), table-tested."""

from datetime import UTC, datetime, timedelta

import pytest

from complaints import rules

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("channel", "status", "verdict", "refusal"),
    [
        ("government", "resolved", "accepted", None),
        ("government", "resolved", "sent_back", None),
        ("government", "closed", "sent_back", None),
        ("government", "closed", "accepted", rules.VERDICT_NOT_HANDLED),
        ("government", "in_progress", "accepted", rules.VERDICT_NOT_HANDLED),
        ("government", "in_progress", "sent_back", rules.VERDICT_NOT_HANDLED),
        ("government", "received", "accepted", rules.VERDICT_NOT_HANDLED),
        ("government", "awaiting_customer", "sent_back", rules.VERDICT_NOT_HANDLED),
        ("hotline", "resolved", "accepted", rules.VERDICT_NOT_GOVERNMENT),
        ("hotline", "resolved", "sent_back", rules.VERDICT_NOT_GOVERNMENT),
    ],
)
def test_when_a_verdict_may_be_recorded(channel, status, verdict, refusal):
    assert rules.verdict_refusal(channel=channel, status=status, verdict=verdict) == refusal


@pytest.mark.parametrize(("verdict", "effect"), [("accepted", "may_close"), ("sent_back", "reopen")])
def test_what_a_verdict_does(verdict, effect):
    assert rules.verdict_effect(verdict) == effect


@pytest.mark.parametrize(
    ("channel", "verdict", "refusal"),
    [
        ("government", "", rules.EXTERNAL_VERDICT_REQUIRED),
        ("government", "sent_back", rules.EXTERNAL_VERDICT_REQUIRED),
        ("government", "accepted", None),
        ("hotline", "", None),
    ],
)
def test_closing_a_government_referral_needs_acceptance(channel, verdict, refusal):
    assert rules.government_closing_refusal(channel=channel, verdict=verdict) == refusal


def facts(**changes):
    base = {
        "litigation": "none",
        "media": "none",
        "complainant_count": 1,
        "same_issue_complainants": 1,
        "unresolved_for": timedelta(0),
        "second_complaint": False,
        "needs_outside_support": False,
    }
    return rules.TierFacts(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        ({"government_referral": True}, "important"),
        ({"government_referral": False}, "normal"),
        ({"government_referral": True, "media": "possible"}, "hot"),
        ({"government_referral": True, "litigation": "filed"}, "major"),
    ],
)
def test_a_government_referral_is_at_least_important(changes, tier):
    assert rules.tier_for(facts(**changes))[0] == tier


@pytest.mark.parametrize(
    ("external_deadline", "expected"),
    [
        (NOW + timedelta(hours=25), rules.ON_TRACK),
        (NOW + timedelta(hours=23), rules.AT_RISK),
        (NOW - timedelta(minutes=1), rules.OVERDUE),
        (None, rules.ON_TRACK),
    ],
)
def test_the_authoritys_deadline_is_at_risk_a_day_before(external_deadline, expected):
    assert (
        rules.urgency(
            now=NOW,
            resolved_at=None,
            deadline=None,
            resolve_by=NOW + timedelta(days=20),
            escalates_at=NOW + timedelta(days=5),
            paused_since=None,
            external_deadline=external_deadline,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("resolved_at", "deadline", "expected"),
    [(NOW, NOW, True), (NOW, NOW - timedelta(seconds=1), False), (None, NOW, False), (NOW, None, False)],
)
def test_on_time_against_the_authoritys_deadline(resolved_at, deadline, expected):
    assert rules.on_time(resolved_at=resolved_at, external_deadline=deadline) is expected
