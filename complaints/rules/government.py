"""The government channel (12345, the housing bureau, city platforms), as pure functions.

Product decision (docs/ARCHITECTURE.md, "The government channel"): a complaint the authority
referred is at least important, since the authority already holds it and judges our handling; the
other tier rules may raise it further. Resolving is not closing: the authority's verdict decides.
``accepted`` allows closing; ``sent_back`` reopens the complaint as a redo (a second complaint).
"""

from __future__ import annotations

from datetime import datetime

GOVERNMENT = "government"
GOVERNMENT_REFERRAL = "government_referral"  # the tier reason; REASON_TIERS gives it "important"
ACCEPTED, SENT_BACK = "accepted", "sent_back"
VERDICTS = (ACCEPTED, SENT_BACK)
# The refusal codes of a verdict and of closing without one.
VERDICT_NOT_GOVERNMENT = "not_government"
VERDICT_NOT_HANDLED = "verdict_before_resolved"
EXTERNAL_VERDICT_REQUIRED = "external_verdict_required"

# The statuses the authority may judge: we resolved it (or closed it after its acceptance).
_JUDGEABLE = {ACCEPTED: ("resolved",), SENT_BACK: ("resolved", "closed")}


def verdict_refusal(*, channel: str, status: str, verdict: str) -> str | None:
    """Why the authority's verdict cannot be recorded now (a refusal code), or None when it can.
    A verdict needs a government complaint we resolved; a sent-back may also reopen a closed one."""
    if channel != GOVERNMENT:
        return VERDICT_NOT_GOVERNMENT
    if status not in _JUDGEABLE[verdict]:
        return VERDICT_NOT_HANDLED
    return None


def verdict_effect(verdict: str) -> str:
    """What a recorded verdict does: ``"may_close"`` (accepted) or ``"reopen"`` (sent back)."""
    return "may_close" if verdict == ACCEPTED else "reopen"


def government_closing_refusal(*, channel: str, verdict: str) -> str | None:
    """A government complaint closes only after the authority accepted it (its latest verdict)."""
    if channel == GOVERNMENT and verdict != ACCEPTED:
        return EXTERNAL_VERDICT_REQUIRED
    return None


def on_time(*, resolved_at: datetime | None, external_deadline: datetime | None) -> bool:
    """Whether we resolved it by the authority's deadline (the monthly report's on-time figure)."""
    return resolved_at is not None and external_deadline is not None and resolved_at <= external_deadline
