"""The tier table of DOMAIN.md and the complaint clocks, as pure functions; also the status flow,
attachments, and issue groups, second complaints, working hours and the reminder clocks.

Highest tier that applies wins; every rule that applies is a reason. "For reasons on the
company's side" means time spent waiting on the complainant (awaiting_customer) does not count.
Callers import ``complaints.rules`` (the package re-exports these names), not this module.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

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
    "same_issue_10_complainants": MAJOR,  # a mass complaint (群诉), see "Issue groups" below
    "unresolved_one_month": MAJOR,
    "litigation_possible": HOT,
    "media_possible": HOT,
    "same_issue_3_complainants": HOT,
    "collective_3_or_more": HOT,
    "unresolved_one_week": HOT,
    "second_complaint": IMPORTANT,
    "needs_outside_support": IMPORTANT,
    "government_referral": IMPORTANT,  # rules/government.py: the authority already holds it
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
    # The most distinct complainants of the issue group within any one month (mass complaints).
    issue_group_complainants: int = 1
    government_referral: bool = False  # came through the government channel


def tier_reasons(facts: TierFacts) -> list[str]:
    checks = {
        "litigation_filed": facts.litigation == "filed",
        "media_exposed": facts.media == "exposed",
        "collective_10_or_more": facts.complainant_count >= MAJOR_COLLECTIVE_MIN,
        "same_issue_10_complainants": is_mass_complaint(facts.issue_group_complainants),
        "unresolved_one_month": facts.unresolved_for >= MAJOR_UNRESOLVED_AFTER,
        "litigation_possible": facts.litigation == "possible",
        "media_possible": facts.media == "possible",
        "same_issue_3_complainants": facts.same_issue_complainants >= HOT_REPEATED_COMPLAINANTS_MIN,
        "collective_3_or_more": facts.complainant_count >= HOT_COLLECTIVE_MIN,
        "unresolved_one_week": facts.unresolved_for >= HOT_UNRESOLVED_AFTER,
        "second_complaint": facts.second_complaint,
        "needs_outside_support": facts.needs_outside_support,
        "government_referral": facts.government_referral,
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


def next_escalation(
    *,
    received_at: datetime,
    paused_seconds: int,
    paused: bool,
    resolved: bool,
    tier: str,
    done: frozenset[tuple[str, bool]] = frozenset(),
) -> datetime | None:
    """When the clock next lifts the tier (a threshold, not its warning): what "3天后升级为热点"
    counts down to. None while the clock is stopped, once handled, or when no rise is left."""
    if paused or resolved:
        return None
    moments = clock_moments(received_at=received_at, paused_seconds=paused_seconds, tier=tier, done=set(done))
    return next((moment.at for moment in moments if not moment.warning), None)


def resolve_limit(*, received_at: datetime, paused_seconds: int) -> datetime:
    """The last moment to resolve a complaint: a month on the company's clock (time waiting on the
    complainant so far added). Past it, the complaint is overdue, whatever its tier."""
    return received_at + timedelta(seconds=paused_seconds) + MAJOR_UNRESOLVED_AFTER


def escalation_target(*, received_at: datetime, paused_seconds: int, escalates_at: datetime) -> str:
    """The tier the clock lifts a complaint to at ``escalates_at`` (a moment ``next_escalation`` gave)."""
    start = received_at + timedelta(seconds=paused_seconds)
    return HOT if escalates_at <= start + HOT_UNRESOLVED_AFTER else MAJOR


def time_left(now: datetime, at: datetime) -> tuple[int, str]:
    """How long until ``at``, in the largest whole unit a countdown shows: (n, "days" | "hours" |
    "minutes"); negative n when ``at`` has passed. Rounded down, so "3 days" means at least three."""
    seconds = int((at - now).total_seconds())
    sign, seconds = (-1 if seconds < 0 else 1), abs(seconds)
    for unit, size in (("days", 86400), ("hours", 3600)):
        if seconds >= size:
            return sign * (seconds // size), unit
    return sign * (seconds // 60), "minutes"


def clock_columns(
    *,
    received_at: datetime,
    paused_seconds: int,
    paused: bool,
    resolved: bool,
    tier: str,
    done: frozenset[tuple[str, bool]] = frozenset(),
) -> dict[str, datetime | None]:
    """The complaint's clock columns (``next_due_at``, ``escalates_at``, ``resolve_by``) from its
    state: what the services keep and what bulk seeding writes."""
    clock = {
        "received_at": received_at,
        "paused_seconds": paused_seconds,
        "paused": paused,
        "resolved": resolved,
        "tier": tier,
        "done": done,
    }
    return {
        "next_due_at": next_clock_due(**clock),
        "escalates_at": next_escalation(**clock),
        "resolve_by": resolve_limit(received_at=received_at, paused_seconds=paused_seconds),
    }


# --- Overdue and at risk: one definition for the dashboard, the scorecard, the lists and home -----
# Its SQL twin is ``complaints.selectors.overdue_q`` / ``at_risk_q`` (tested to agree).

AT_RISK_WITHIN = timedelta(hours=24)
OVERDUE, AT_RISK, ON_TRACK = "overdue", "at_risk", "on_track"


def urgency(
    *,
    now: datetime,
    resolved_at: datetime | None,
    deadline: datetime | None,
    resolve_by: datetime | None,
    escalates_at: datetime | None,
    paused_since: datetime | None,
    external_deadline: datetime | None = None,
) -> str | None:
    """``OVERDUE`` once the plan deadline or the month to resolve has passed while unresolved (the
    month stops while waiting on the complainant, so a pause never makes a complaint overdue);
    ``AT_RISK`` within ``AT_RISK_WITHIN`` of the plan deadline, the next escalation or that month;
    else ``ON_TRACK``. None once resolved (at ``now``). The authority's deadline of a government
    complaint counts like the plan deadline (it runs whatever we wait on)."""
    if resolved_at is not None and resolved_at <= now:
        return None
    clock_now = paused_since or now
    deadlines = [at for at in (deadline, external_deadline) if at is not None]
    if any(at <= now for at in deadlines) or (resolve_by is not None and resolve_by <= clock_now):
        return OVERDUE
    soon = now + AT_RISK_WITHIN
    if any(at <= soon for at in deadlines) or (escalates_at is not None and escalates_at <= soon):
        return AT_RISK
    if paused_since is None and resolve_by is not None and resolve_by <= soon:
        return AT_RISK
    return ON_TRACK


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


# --- Issue groups, second complaints, intake ownership and reminders ------------------------------
# Mass complaints (群诉), cluster suggestions, "follows" found at intake, reopening, and the clocks that
# make someone own a new complaint (working hours, plan deadline, silence toward the owner).

MASS_COMPLAINT_MIN = 10  # distinct complainants of one issue group within a month: major (DOMAIN.md)
CLUSTER_WINDOW = timedelta(days=30)  # complaints of one building (or project) and category …
CLUSTER_MIN_COMPLAINANTS = 3  # … from this many distinct complainants are suggested as one issue
FOLLOWS_WINDOW = timedelta(days=90)  # a new complaint this soon after a handled one follows it
FOLLOWS_SAME_CUSTOMER, FOLLOWS_SAME_UNIT = "same_customer", "same_unit"
REOPENABLE_STATUSES = HANDLED_STATUSES  # resolved (not solved after all) and closed (unhappy call-back)


def is_mass_complaint(issue_group_complainants: int) -> bool:
    """Ten or more owners complaining separately about one issue within a month are a collective
    complaint of ten or more: the whole issue group is major."""
    return issue_group_complainants >= MASS_COMPLAINT_MIN


def peak_complainants(members: Iterable[tuple[datetime, str]], window: timedelta = SAME_ISSUE_WINDOW) -> int:
    """The most distinct complainants among ``(received_at, complainant)`` pairs received within any
    one ``window`` (both ends included). A sliding window over the members in time order."""
    ordered = sorted(members)
    inside: dict[str, int] = {}
    best, right = 0, 0
    for start, leaving in ordered:
        while right < len(ordered) and ordered[right][0] - start <= window:
            inside[ordered[right][1]] = inside.get(ordered[right][1], 0) + 1
            right += 1
        best = max(best, len(inside))
        inside[leaving] -= 1
        if not inside[leaving]:
            del inside[leaving]
    return best


def is_second_complaint(*, follows: bool, reopen_count: int) -> bool:
    """二次投诉: it follows a handled complaint, or it was itself reopened after being handled."""
    return follows or reopen_count > 0


def can_reopen(status: str) -> bool:
    return status in REOPENABLE_STATUSES


def follows_reason(
    *,
    same_customer: bool,
    same_unit: bool,
    same_category: bool,
    handled_at: datetime | None,
    received_at: datetime,
) -> str | None:
    """Why a new complaint follows an earlier one, or None: the same customer (else the same unit),
    the same category, and received within FOLLOWS_WINDOW after the earlier one was handled."""
    if not same_category or handled_at is None:
        return None
    if not received_at - FOLLOWS_WINDOW <= handled_at <= received_at:
        return None
    if same_customer:
        return FOLLOWS_SAME_CUSTOMER
    if same_unit:
        return FOLLOWS_SAME_UNIT
    return None


def tier_after_unlink(*, current: str, rules_tier: str, set_by_manager: bool) -> str:
    """The tier after staff unlink a complaint from the one it follows. The link gave at most
    "important" (a second complaint); only that falls, and only if the rules no longer give it and no
    manager set the current tier by hand. Hot and major came from other rules and stay."""
    if current == IMPORTANT and not set_by_manager and TIER_RANK[rules_tier] < TIER_RANK[IMPORTANT]:
        return rules_tier
    return current


# Working time: the response clocks count only working hours on working days. A working day comes
# from the company's calendar (``organization.rules.WorkingCalendar.is_working_day``: weekends, public
# holidays, 调休), handed in as ``working_day``; the escalation clocks above stay in calendar time.


@dataclass(frozen=True)
class WorkingHours:
    start: time
    end: time  # 00:00: until midnight (the whole day, for promises counted in working days)
    tz: tzinfo

    def span(self, day: date) -> tuple[datetime, datetime]:
        """When ``day``'s working hours open and close."""
        opens = datetime.combine(day, self.start, tzinfo=self.tz)
        closes_on = day + timedelta(days=1) if self.end == time(0) else day
        return opens, datetime.combine(closes_on, self.end, tzinfo=self.tz)


def whole_days(tz: tzinfo) -> WorkingHours:
    """Every hour of a working day counts (the 24-hour reply on working days, the owner update)."""
    return WorkingHours(start=time(0), end=time(0), tz=tz)


def is_weekday(day: date) -> bool:
    return day.weekday() < 5


MAX_CALENDAR_DAYS = 400  # a calendar with no working day for this long is a configuration error


def add_working_time(
    start: datetime,
    duration: timedelta,
    *,
    hours: WorkingHours,
    working_day: Callable[[date], bool] = is_weekday,
) -> datetime:
    """The moment ``duration`` of working time after ``start``: time outside working hours and on
    days that are not ``working_day`` does not count (Friday 17:00 + 2 h → Monday 09:30)."""
    cursor = start.astimezone(hours.tz)
    remaining = duration
    for _day in range(MAX_CALENDAR_DAYS):
        day = cursor.date()
        if working_day(day):
            opens, closes = hours.span(day)
            cursor = max(cursor, opens)
            if cursor < closes:
                if remaining <= closes - cursor:
                    return cursor + remaining
                remaining -= closes - cursor
        cursor = datetime.combine(day + timedelta(days=1), time(0), tzinfo=hours.tz)
    raise ValueError("no working day within MAX_CALENDAR_DAYS")


def working_time_between(
    start: datetime, end: datetime, *, hours: WorkingHours, working_day: Callable[[date], bool] = is_weekday
) -> timedelta:
    """The working time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
    total = timedelta(0)
    start, end = start.astimezone(hours.tz), end.astimezone(hours.tz)
    day = start.date()
    while day <= end.date():
        if working_day(day):
            opens, closes = hours.span(day)
            total += max(min(closes, end) - max(opens, start), timedelta(0))
        day += timedelta(days=1)
    return total


Pause = tuple[datetime, datetime | None]  # (paused at, resumed at; None while paused)


def working_time_paused(
    pauses: Iterable[Pause],
    *,
    until: datetime,
    hours: WorkingHours,
    working_day: Callable[[date], bool] = is_weekday,
) -> timedelta:
    """The working time spent paused before ``until`` (a pause still running counts up to it)."""
    return sum(
        (
            working_time_between(start, min(end or until, until), hours=hours, working_day=working_day)
            for start, end in pauses
        ),
        timedelta(0),
    )


def add_working_time_unpaused(
    start: datetime,
    duration: timedelta,
    *,
    pauses: Iterable[Pause],
    hours: WorkingHours,
    working_day: Callable[[date], bool] = is_weekday,
) -> datetime | None:
    """``add_working_time`` with the pauses taken out: the clock stands still while paused. None
    while a pause that began before the moment is still running (the clock is stopped)."""
    cursor, remaining = start, duration
    for paused_at, resumed_at in sorted(pauses, key=lambda pause: pause[0]):
        if resumed_at is not None and resumed_at <= cursor:
            continue
        due = add_working_time(cursor, remaining, hours=hours, working_day=working_day)
        if paused_at >= due:
            return due
        remaining -= working_time_between(cursor, paused_at, hours=hours, working_day=working_day)
        if resumed_at is None:
            return None
        cursor = max(cursor, resumed_at)
    return add_working_time(cursor, remaining, hours=hours, working_day=working_day)


ASSIGN_WITHIN = timedelta(hours=2)  # working time from receipt to an assigned handler
# An open complaint tells its owner something at least this often: three days, counted in working days.
OWNER_UPDATE_WITHIN = timedelta(days=3)
# Vanke's customer centre answers a complaint within 24 hours, counted on working days only.
REPLY_WITHIN = timedelta(hours=24)
ASSIGN, PLAN, OWNER_UPDATE = "assign", "plan", "owner_update"
REMINDER_CLOCKS = (ASSIGN, PLAN, OWNER_UPDATE)


def reminder_due_times(
    *,
    status: str,
    received_at: datetime,
    deadline: datetime | None,
    last_update_at: datetime | None,
    fired: Collection[tuple[str, datetime]],
    hours: WorkingHours,
    working_day: Callable[[date], bool] = is_weekday,
    pauses: Iterable[Pause] = (),
) -> dict[str, datetime | None]:
    """When each reminder falls due, or None: not assigned within ASSIGN_WITHIN working time of
    receipt; the plan deadline; OWNER_UPDATE_WITHIN of working days after the last update the owner
    could see. The response clocks (assign, owner update) stand still while the response clock is
    paused (``pauses``); the plan deadline is a date staff promised and stays. Each occurrence
    (clock, moment) happens once: one already in ``fired`` gives None."""
    due: dict[str, datetime | None] = dict.fromkeys(REMINDER_CLOCKS)
    if status not in OPEN_STATUSES:
        return due
    pauses = list(pauses)
    if status == "received":
        due[ASSIGN] = add_working_time_unpaused(
            received_at, ASSIGN_WITHIN, pauses=pauses, hours=hours, working_day=working_day
        )
    due[PLAN] = deadline
    due[OWNER_UPDATE] = add_working_time_unpaused(
        last_update_at or received_at,
        OWNER_UPDATE_WITHIN,
        pauses=pauses,
        hours=whole_days(hours.tz),
        working_day=working_day,
    )
    return {clock: None if (clock, at) in fired else at for clock, at in due.items()}


def reply_due(
    *,
    received_at: datetime,
    pauses: Iterable[Pause],
    tz: tzinfo,
    working_day: Callable[[date], bool] = is_weekday,
) -> datetime | None:
    """When the reply within REPLY_WITHIN on working days falls due, paused time added; None while a
    pause that began before that moment is still running (the clock is stopped)."""
    return add_working_time_unpaused(
        received_at, REPLY_WITHIN, pauses=pauses, hours=whole_days(tz), working_day=working_day
    )


def replied_in_time(
    *,
    received_at: datetime,
    first_response_at: datetime | None,
    now: datetime,
    pauses: Iterable[Pause],
    tz: tzinfo,
    working_day: Callable[[date], bool] = is_weekday,
) -> bool | None:
    """Whether the complaint was answered within REPLY_WITHIN on working days, paused time left out:
    True / False, or None while it is unanswered and still within the promise."""
    due = reply_due(received_at=received_at, pauses=pauses, tz=tz, working_day=working_day)
    if first_response_at is not None:
        return due is None or first_response_at <= due
    return None if due is None or now <= due else False


def first_response_working_seconds(
    *,
    received_at: datetime,
    first_response_at: datetime | None,
    pauses: Iterable[Pause],
    hours: WorkingHours,
    working_day: Callable[[date], bool] = is_weekday,
) -> int | None:
    """The working time from receipt to the first response, paused working time left out, in whole
    seconds; None until the first response. Pauses after the first response do not change it."""
    if first_response_at is None:
        return None
    elapsed = working_time_between(received_at, first_response_at, hours=hours, working_day=working_day)
    paused = working_time_paused(pauses, until=first_response_at, hours=hours, working_day=working_day)
    return round(max(elapsed - paused, timedelta(0)).total_seconds())


# --- The auditable pause of the response clock ---------------------------------------------------

PAUSE_OWNER_UNAVAILABLE = "owner_unavailable"
PAUSE_THIRD_PARTY = "third_party"
PAUSE_OWNER_MATERIALS = "owner_materials"
PAUSE_REASONS = (PAUSE_OWNER_UNAVAILABLE, PAUSE_THIRD_PARTY, PAUSE_OWNER_MATERIALS)
PAUSE_LIMIT = timedelta(days=15)  # working days a pause may last without a manager's approval


def pause_limit(
    paused_at: datetime, *, tz: tzinfo, working_day: Callable[[date], bool] = is_weekday
) -> datetime:
    """The end of the PAUSE_LIMIT working days a pause may last without a manager's approval."""
    return add_working_time(paused_at, PAUSE_LIMIT, hours=whole_days(tz), working_day=working_day)


def pause_needs_approval(
    *,
    paused_at: datetime,
    until: datetime | None,
    tz: tzinfo,
    working_day: Callable[[date], bool] = is_weekday,
) -> bool:
    """A resume date past the limit needs a manager's approval."""
    return until is not None and until > pause_limit(paused_at, tz=tz, working_day=working_day)


def pause_resume_due(
    *,
    paused_at: datetime,
    until: datetime | None,
    approved: bool,
    tz: tzinfo,
    working_day: Callable[[date], bool] = is_weekday,
) -> datetime | None:
    """When the sweep resumes a pause by itself: at its resume date, and never later than the limit
    unless a manager approved it (an approved pause without a date runs until someone resumes it)."""
    if approved:
        return until
    limit = pause_limit(paused_at, tz=tz, working_day=working_day)
    return limit if until is None else min(until, limit)
