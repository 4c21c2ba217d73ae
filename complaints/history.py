"""The complaint page's handling history: the events (status changes, plans, progress updates,
call-backs, handovers, tier changes, files, risk decisions, reminders) and the repairs in one
chronological list. Each entry says its kind, who did it and what changed in words: status, tier and
call-back labels and people's names, never the codes or user ids the events store.

``complaint_history`` reads what the detail selector prefetched plus one query for the people the
events name by id (handovers) and the repairs' recorders; ``chronological`` is the ordering alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import TIER_REASON_LABELS, Channel, Complaint, ComplaintEvent, FollowsReason, Repair, Status

Kind = ComplaintEvent.Kind
REPAIR = "repair"


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # the event's kind, or "repair": the entry's icon and style
    label: str
    by: str = ""
    change: str = ""  # "处理中 → 已解决", "张三 → 李四", "满意"
    note: str = ""
    details: tuple[tuple[str, str], ...] = ()
    deadline: datetime | None = None
    owner_visible: bool = False
    summary: bool = False  # the note is a resolution summary
    event: ComplaintEvent | None = field(default=None, compare=False)
    # Ties at the same moment keep the order things were written in: events, then repairs, by id.
    order: tuple[int, int] = (0, 0)


def chronological(entries: Iterable[HistoryEntry]) -> list[HistoryEntry]:
    """Oldest first; entries of the same moment in the order they were recorded."""
    return sorted(entries, key=lambda entry: (entry.at, entry.order))


def _person(users: dict, user_id: str | int | None) -> str:
    if user_id in ("", None):
        return "—"
    person = users.get(int(user_id)) if str(user_id).isdigit() else None
    return str(person) if person is not None else "—"


def _change(event: ComplaintEvent, users: dict) -> str:
    kind = event.kind
    if kind == Kind.HANDOVER:
        return f"{_person(users, event.from_value)} → {_person(users, event.to_value)}"
    if kind == Kind.FEEDBACK:
        return f"{event.to_value}/5"
    if kind == Kind.ATTACHMENT:
        count = int(event.to_value) if event.to_value.isdigit() else 0
        return ngettext("%(count)d file", "%(count)d files", count) % {"count": count}
    if kind in (Kind.CREATED, Kind.REMINDER, Kind.FACTS, Kind.RISK_SIGNAL):
        return ""  # the note or the risk lines say it
    if kind == Kind.FOLLOWS_UNLINKED:
        return event.from_value
    before = event.from_label if event.from_value else ""
    after = event.to_label if event.to_value else ""
    return f"{before} → {after}" if before and after else after or before


def _details(event: ComplaintEvent) -> tuple[tuple[str, str], ...]:
    if event.kind == Kind.TIER_RAISED:
        reasons = [str(TIER_REASON_LABELS[code]) for code in event.reasons if code in TIER_REASON_LABELS]
        return ((_("tier reasons"), "；".join(reasons)),) if reasons else ()
    if event.kind == Kind.FOLLOWS_LINKED:
        reasons = [str(FollowsReason(code).label) for code in event.reasons if code in FollowsReason.values]
        return ((_("why it follows"), "；".join(reasons)),) if reasons else ()
    basis = event.closing_basis_labels  # why a closed complaint could close
    return (("", "；".join(basis)),) if basis else ()


def _author(event: ComplaintEvent, complaint: Complaint) -> str:
    if event.by is not None:
        return str(event.by)
    from_owner = (
        event.kind in (Kind.FEEDBACK, Kind.CONFIRMED)
        or (event.kind == Kind.ATTACHMENT and event.visible_to_complainant)
        or (event.kind == Kind.CREATED and complaint.channel == Channel.ONLINE_FORM)
    )
    return _("from the complainant") if from_owner else _("System")


def event_entry(event: ComplaintEvent, complaint: Complaint, users: dict) -> HistoryEntry:
    resolve = event.kind == Kind.STATUS and event.to_value == Status.RESOLVED
    return HistoryEntry(
        at=event.at,
        kind=event.kind,
        label=str(Status.RESOLVED.label) if resolve else event.get_kind_display(),
        by=_author(event, complaint),
        change=_change(event, users),
        note=event.note,
        details=_details(event),
        deadline=event.deadline,
        owner_visible=event.visible_to_complainant,
        summary=resolve and bool(event.note),
        event=event,
        order=(0, event.pk),
    )


def repair_entry(repair: Repair, users: dict) -> HistoryEntry:
    yes, no, unknown = _("yes,no,—").split(",")
    yes_no = {True: yes, False: no, None: unknown}
    details = [
        (_("contractor or supplier"), repair.contractor.name),
        (_("started on"), repair.started_on.isoformat()),
        (_("finished on"), repair.finished_on.isoformat() if repair.finished_on else "—"),
        (_("fixed the first time"), yes_no[repair.fixed_first_time]),
    ]
    return HistoryEntry(
        at=repair.recorded_at,
        kind=REPAIR,
        label=_("Repair"),
        by=_person(users, repair.recorded_by_id),
        note=repair.work,
        details=tuple(details),
        order=(1, repair.pk),
    )


def complaint_history(complaint: Complaint) -> list[HistoryEntry]:
    """Events and repairs of ``complaint`` (prefetched by ``selectors.complaint_detail``), oldest
    first. One query reads the people named by id: handover ends and repair recorders."""
    events = list(complaint.events.all())
    repairs = list(complaint.repairs.all())
    ids = {repair.recorded_by_id for repair in repairs}
    for event in events:
        if event.kind == Kind.HANDOVER:
            ids |= {int(value) for value in (event.from_value, event.to_value) if value.isdigit()}
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    return chronological(
        [
            *(event_entry(event, complaint, users) for event in events),
            *(repair_entry(repair, users) for repair in repairs),
        ]
    )


def latest_resolution(complaint: Complaint) -> ComplaintEvent | None:
    """The latest resolve event (its note is the resolution summary) of a resolved or closed
    complaint, from the prefetched events; None while the complaint is open."""
    if complaint.status not in (Status.RESOLVED, Status.CLOSED):
        return None
    resolves = [e for e in complaint.events.all() if e.kind == Kind.STATUS and e.to_value == Status.RESOLVED]
    return resolves[-1] if resolves else None
