"""Closing after a call-back (DOMAIN.md, "Product decisions: closing"), one row per case of the rule:
the outcomes of the call-backs since the latest resolve, oldest first, and whether the complainant
confirmed the solution."""

from datetime import UTC, datetime

import pytest

from complaints import rules

S, N, U = rules.SATISFIED, rules.NOT_SATISFIED, rules.UNREACHABLE


@pytest.mark.parametrize(
    ("outcomes", "confirmed", "basis", "refusal", "settled"),
    [
        # nothing yet: a call-back is owed
        ([], False, None, "callback_required", False),
        # the complainant's own confirmation suffices, whatever the call-backs found
        ([], True, "owner_confirmed", None, True),
        ([N], True, "owner_confirmed", None, True),
        # a satisfied call-back
        ([S], False, "callback_satisfied", None, True),
        ([U, U, S], False, "callback_satisfied", None, True),
        # the latest answer decides
        ([S, N], False, None, "callback_not_satisfied", True),
        ([N, S], False, "callback_satisfied", None, True),
        ([N], False, None, "callback_not_satisfied", True),
        # unreachable: three allow closing, fewer do not
        ([U], False, None, "callback_required", False),
        ([U, U], False, None, "callback_required", False),
        ([U, U, U], False, "callback_unreachable_3_times", None, True),
        ([U, U, U, U], False, "callback_unreachable_3_times", None, True),
        # an unhappy answer is not outweighed by unreachable attempts after it
        ([N, U, U, U], False, None, "callback_not_satisfied", True),
        ([S, U, U, U], False, "callback_satisfied", None, True),
    ],
)
def test_closing_rule(outcomes, confirmed, basis, refusal, settled):
    assert rules.closing_basis(outcomes, confirmed) == basis
    assert rules.closing_refusal(outcomes, confirmed) == refusal
    assert rules.callback_settled(outcomes, confirmed) is settled


def test_a_call_back_is_due_three_days_after_resolving():
    resolved = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    assert rules.callback_due(resolved) == datetime(2026, 12, 3, 22, 0, tzinfo=UTC)


def test_every_closing_basis_and_outcome_has_a_label():
    from complaints.models import CLOSING_BASIS_LABELS, CallbackOutcome

    assert set(CLOSING_BASIS_LABELS) == {
        rules.CLOSED_AFTER_SATISFIED_CALLBACK,
        rules.CLOSED_ON_OWNER_CONFIRMATION,
        rules.CLOSED_AFTER_UNREACHABLE_CALLBACKS,
    }
    assert tuple(CallbackOutcome.values) == rules.CALLBACK_OUTCOMES
