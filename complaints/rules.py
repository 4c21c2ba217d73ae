"""The tier table of DOMAIN.md and the complaint clocks, as pure functions.

Highest tier that applies wins; every rule that applies is a reason. "For reasons on the
company's side" means time spent waiting on the complainant (awaiting_customer) does not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

NORMAL, IMPORTANT, HOT, MAJOR = "normal", "important", "hot", "major"
TIER_RANK = {NORMAL: 0, IMPORTANT: 1, HOT: 2, MAJOR: 3}

MAJOR_COLLECTIVE_MIN = 10  # a collective complaint of 10 or more people
HOT_COLLECTIVE_MIN = 3  # a collective complaint of 3 or more people
HOT_REPEATED_COMPLAINANTS_MIN = 3  # complaints about one issue from 3+ different complainants …
SAME_ISSUE_WINDOW = timedelta(days=30)  # … within one month
HOT_UNRESOLVED_AFTER = timedelta(days=7)  # still unresolved one week after it was made
MAJOR_UNRESOLVED_AFTER = timedelta(days=30)  # still unresolved one month after it was made
CLOCK_WARNING_BEFORE = timedelta(days=1)  # the handler is warned a day before a clock lifts the tier

# Reason code → the tier it gives.
REASON_TIERS = {
    "litigation_filed": MAJOR,
    "media_exposed": MAJOR,
    "collective_10_or_more": MAJOR,
    "unresolved_one_month": MAJOR,
    "litigation_possible": HOT,
    "media_possible": HOT,
    "same_issue_3_complainants": HOT,
    "collective_3_or_more": HOT,
    "unresolved_one_week": HOT,
    "second_complaint": IMPORTANT,
    "needs_outside_support": IMPORTANT,
}


@dataclass(frozen=True)
class TierFacts:
    litigation: str  # none / possible / filed
    media: str  # none / possible / exposed
    complainant_count: int
    same_issue_complainants: int  # distinct complainants of the issue group within SAME_ISSUE_WINDOW
    unresolved_for: timedelta  # company-side time open; zero once resolved
    second_complaint: bool
    needs_outside_support: bool


def tier_reasons(facts: TierFacts) -> list[str]:
    checks = {
        "litigation_filed": facts.litigation == "filed",
        "media_exposed": facts.media == "exposed",
        "collective_10_or_more": facts.complainant_count >= MAJOR_COLLECTIVE_MIN,
        "unresolved_one_month": facts.unresolved_for >= MAJOR_UNRESOLVED_AFTER,
        "litigation_possible": facts.litigation == "possible",
        "media_possible": facts.media == "possible",
        "same_issue_3_complainants": facts.same_issue_complainants >= HOT_REPEATED_COMPLAINANTS_MIN,
        "collective_3_or_more": facts.complainant_count >= HOT_COLLECTIVE_MIN,
        "unresolved_one_week": facts.unresolved_for >= HOT_UNRESOLVED_AFTER,
        "second_complaint": facts.second_complaint,
        "needs_outside_support": facts.needs_outside_support,
    }
    return [code for code, applies in checks.items() if applies]


def tier_for(facts: TierFacts) -> tuple[str, list[str]]:
    reasons = tier_reasons(facts)
    tier = max((REASON_TIERS[code] for code in reasons), key=TIER_RANK.__getitem__, default=NORMAL)
    return tier, reasons


def higher(tier: str, than: str) -> bool:
    return TIER_RANK[tier] > TIER_RANK[than]


# --- Clocks -----------------------------------------------------------------------------------


def company_side_elapsed(
    *, received_at: datetime, now: datetime, paused_seconds: int, paused_since: datetime | None
) -> timedelta:
    """Time since the complaint was made, minus every pause waiting on the complainant."""
    paused = timedelta(seconds=paused_seconds)
    if paused_since is not None:
        paused += max(now - paused_since, timedelta(0))
    return max(now - received_at - paused, timedelta(0))


CLOCK_THRESHOLDS = ((HOT, HOT_UNRESOLVED_AFTER), (MAJOR, MAJOR_UNRESOLVED_AFTER))


@dataclass(frozen=True)
class ClockMoment:
    at: datetime
    tier: str  # the tier the clock lifts to at the threshold
    warning: bool  # True: the warning a day before; False: the threshold itself


def clock_moments(*, received_at: datetime, paused_seconds: int, tier: str, done: set[tuple[str, bool]]):
    """The warnings and thresholds still ahead for a running clock, earliest first.

    ``done`` holds (tier, warning) pairs already recorded, so that each happens once.
    """
    start = received_at + timedelta(seconds=paused_seconds)
    moments = []
    for target, after in CLOCK_THRESHOLDS:
        if TIER_RANK[target] <= TIER_RANK[tier]:
            continue
        for warning, at in ((True, start + after - CLOCK_WARNING_BEFORE), (False, start + after)):
            if (target, warning) not in done:
                moments.append(ClockMoment(at=at, tier=target, warning=warning))
    return sorted(moments, key=lambda moment: moment.at)


def next_clock_due(
    *,
    received_at: datetime,
    paused_seconds: int,
    paused: bool,
    resolved: bool,
    tier: str,
    done: frozenset[tuple[str, bool]] = frozenset(),
) -> datetime | None:
    """When the sweep must next look: a warning or a threshold; None while the clock is stopped."""
    if paused or resolved:
        return None
    moments = clock_moments(received_at=received_at, paused_seconds=paused_seconds, tier=tier, done=set(done))
    return moments[0].at if moments else None


# --- Status flow ---------------------------------------------------------------------------------

TRANSITIONS = {
    "received": {"assigned"},
    "assigned": {"in_progress"},
    "in_progress": {"awaiting_customer", "resolved"},
    "awaiting_customer": {"in_progress", "resolved"},
    "resolved": {"closed", "in_progress"},
    "closed": set(),
}
OPEN_STATUSES = ("received", "assigned", "in_progress", "awaiting_customer")
HANDLED_STATUSES = ("resolved", "closed")


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


# --- Attachments ---------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # per file
MAX_INTAKE_ATTACHMENTS = 3  # files sent with the complaint itself (the public form)
MAX_ATTACHMENTS_PER_COMPLAINT = 20  # all files of one complaint, from the complainant and staff
ATTACHMENT_HEAD_BYTES = 16  # enough of a file's start to recognise every accepted kind

# Accepted kinds: content type → the extensions its name may have. HEIC is what iPhones take photos
# in; browsers cannot show it, so it is offered for download only.
ATTACHMENT_EXTENSIONS = {
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "application/pdf": ("pdf",),
    "image/heic": ("heic", "heif"),
}
PREVIEWABLE_TYPES = ("image/jpeg", "image/png")
HEIC_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"heif", b"mif1", b"msf1")


def attachment_kind_of_content(head: bytes) -> str | None:
    """The accepted content type whose signature the file starts with, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    # ISO base media: a 4-byte box size, "ftyp", then the major brand.
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    return None


def attachment_content_type(*, name: str, head: bytes) -> str | None:
    """The content type to store and serve a file as, when its content and its name's extension
    agree on an accepted kind; None otherwise (an HTML page renamed .jpg, an SVG, a PNG called .pdf).
    The type always comes from the content, never from the name alone."""
    kind = attachment_kind_of_content(head)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kind is None or extension not in ATTACHMENT_EXTENSIONS[kind]:
        return None
    return kind


def attachment_extension(content_type: str) -> str:
    """The extension a stored file gets (stored names never come from the sender)."""
    return ATTACHMENT_EXTENSIONS[content_type][0]


# --- Call-backs and closing (回访, 反馈结案) ------------------------------------------------------
# DOMAIN.md, "Product decisions: closing": a complaint closes after a satisfied call-back or the
# owner's confirmation, and an unhappy call-back reopens it. Only what happened since the latest
# resolve counts: a reopened complaint is called back again after it is resolved again.

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
