"""Closing after a call-back (回访, 反馈结案), as pure functions.

DOMAIN.md, "Product decisions: closing": a complaint closes after a satisfied call-back or the
owner's confirmation, and an unhappy call-back reopens it. Only what happened since the latest
resolve counts: a reopened complaint is called back again after it is resolved again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

CALLBACK_DUE_AFTER = timedelta(days=3)  # a resolved complaint is called back within three days
UNREACHABLE_ATTEMPTS_TO_CLOSE = 3  # three call-backs that did not reach the owner allow closing
SATISFIED, NOT_SATISFIED, UNREACHABLE = "satisfied", "not_satisfied", "unreachable"
CALLBACK_OUTCOMES = (SATISFIED, NOT_SATISFIED, UNREACHABLE)
ANSWERED_OUTCOMES = (SATISFIED, NOT_SATISFIED)  # the owner was reached and gave an answer

# Why a complaint may close (the close event's reasons) …
CLOSED_AFTER_SATISFIED_CALLBACK = "callback_satisfied"
CLOSED_ON_OWNER_CONFIRMATION = "owner_confirmed"
CLOSED_AFTER_UNREACHABLE_CALLBACKS = "callback_unreachable_3_times"
# … and why it may not (the code of the refusal).
CALLBACK_REQUIRED = "callback_required"
CALLBACK_NOT_SATISFIED = "callback_not_satisfied"


def callback_due(resolved_at: datetime) -> datetime:
    return resolved_at + CALLBACK_DUE_AFTER


def _last_answer(outcomes: list[str]) -> str | None:
    answers = [outcome for outcome in outcomes if outcome in ANSWERED_OUTCOMES]
    return answers[-1] if answers else None


def closing_basis(outcomes_since_resolve: list[str], owner_confirmed: bool) -> str | None:
    """Why a resolved complaint may close now, or None. ``outcomes_since_resolve`` are the call-back
    outcomes recorded since the latest resolve, oldest first. The owner's own confirmation suffices;
    otherwise the latest answer decides (satisfied closes, not satisfied does not, whatever came
    before); with no answer at all, three call-backs that did not reach the owner allow closing."""
    if owner_confirmed:
        return CLOSED_ON_OWNER_CONFIRMATION
    answer = _last_answer(outcomes_since_resolve)
    if answer is not None:
        return CLOSED_AFTER_SATISFIED_CALLBACK if answer == SATISFIED else None
    if outcomes_since_resolve.count(UNREACHABLE) >= UNREACHABLE_ATTEMPTS_TO_CLOSE:
        return CLOSED_AFTER_UNREACHABLE_CALLBACKS
    return None


def closing_refusal(outcomes_since_resolve: list[str], owner_confirmed: bool) -> str | None:
    """Why a resolved complaint may not close yet (a refusal code), or None when it may."""
    if closing_basis(outcomes_since_resolve, owner_confirmed) is not None:
        return None
    if _last_answer(outcomes_since_resolve) == NOT_SATISFIED:
        return CALLBACK_NOT_SATISFIED
    return CALLBACK_REQUIRED


def callback_settled(outcomes_since_resolve: list[str], owner_confirmed: bool) -> bool:
    """Whether the resolved complaint no longer owes a call-back: an answer was recorded (satisfied,
    or not satisfied, which reopens it) or it may close anyway."""
    return _last_answer(outcomes_since_resolve) is not None or (
        closing_basis(outcomes_since_resolve, owner_confirmed) is not None
    )
