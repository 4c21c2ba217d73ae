"""Each company's story in the demo: what a customer-relations manager would discuss this month.

Per company, written out rather than drawn at random: an open major complaint with its reason
(media exposure in Shenzhen, a lawsuit in Beijing, a collective complaint of 12 owners in Shanghai, a
month unresolved in Wuhan), open hot ones (a lawyer, a television threat, a collective complaint),
an issue group of three or four owners about one building, a second complaint after a handled one,
a complaint reopened after an unhappy call-back, plans whose deadline passed (overdue), call-backs
that were satisfied, unhappy or could not reach the owner, ratings, repairs by contractors this
month, and in Shenzhen a suggested cluster (three owners, one building, not yet linked). Times are
relative to the moment of seeding; the tier is what the rules give the facts, never typed in.

``demo.generate_complaints`` seeds it once, as the first complaints of a run of at least
``STORY_MIN_COMPLAINTS`` (the story's complaints count toward the number asked for).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from organization.models import Company

from . import rules
from .demo_scripts import (
    CLOSED,
    FALLBACK_NAMES,
    IN_PROGRESS,
    RECEIVED,
    RESOLVED,
    SCRIPTS,
    SHENZHEN,
    UNREACHABLE,
    Beat,
)
from .models import Complaint, ComplaintEvent, Repair

STORY_MIN_COMPLAINTS = 100


def story_exists() -> bool:
    """The story is seeded once: its first complaint's title is its mark."""
    return Complaint.objects.filter(title=SHENZHEN[0].title).exists()


def tier_of(*, facts: dict, received_at: datetime, until: datetime, second: bool, group: int = 1):
    """The tier and reasons the rules give these facts (the demo never invents a tier)."""
    return rules.tier_for(
        rules.TierFacts(
            litigation=facts["litigation"],
            media=facts["media"],
            complainant_count=facts["complainant_count"],
            same_issue_complainants=group,
            unresolved_for=max(until - received_at, timedelta(0)),
            second_complaint=second,
            needs_outside_support=facts["needs_outside_support"],
            issue_group_complainants=group,
        )
    )


class _People:
    """A company's complainants for the story: distinct files, owners of the project first."""

    def __init__(self, world, company_id: int, projects: list[int]):
        self.world, self.company_id, self.used = world, company_id, set()
        self.projects = projects

    def take(self, project_id: int, index: int) -> tuple:
        """(customer or None, unit or None, name, phone): an owner of the project with their unit,
        else another file of the company without a unit."""
        for candidate in self.world.buyers_by_project.get(project_id, []):
            if candidate[0] not in self.used:
                self.used.add(candidate[0])
                return candidate
        elsewhere = (
            *(buyer for other in self.projects for buyer in self.world.buyers_by_project.get(other, [])),
            *self.world.customers_by_company.get(self.company_id, []),
        )
        for candidate in elsewhere:
            if candidate[0] not in self.used:
                self.used.add(candidate[0])
                return (candidate[0], None, candidate[2], candidate[3])
        # Nobody on file (a demo without customers): a contact of its own, a distinct phone.
        return (
            None,
            None,
            FALLBACK_NAMES[index % len(FALLBACK_NAMES)],
            f"139{self.company_id % 1000:03d}{index % 100000:05d}",  # 11 digits whatever the ids
        )


@transaction.atomic
def seed_story(world, numbers) -> int:
    """Insert every company's story; returns how many complaints it added."""
    now = world.now
    projects_of: dict[int, list[int]] = {}
    for project_id, company_id in world.projects:
        projects_of.setdefault(company_id, []).append(project_id)
    made: list[tuple[Beat, Complaint, dict]] = []
    for company_id, name in Company.objects.order_by("id").values_list("id", "name"):
        projects = projects_of.get(company_id)
        if not projects:
            continue
        script = SCRIPTS.get(name, SHENZHEN)
        people, by_key = _People(world, company_id, projects), {}
        groups = {
            beat.group: sum(1 for other in script if other.group == beat.group)
            for beat in script
            if beat.group
        }
        for index, beat in enumerate(script):
            project_id = projects[beat.project % len(projects)]
            earlier = by_key.get(beat.follows)
            who = (
                (earlier.customer_id, earlier.unit_id, earlier.contact_name, earlier.contact_phone)
                if earlier is not None
                else people.take(project_id, index)
            )
            unit_id = who[1]
            if beat.group:
                units = _building_units(world, project_id, beat.building)
                unit_id = units[(index * 7) % len(units)] if units else None
            elif unit_id is None:
                units = world.units_by_project.get(project_id, [])
                unit_id = units[(index * 13) % len(units)] if units else None
            complaint = _complaint(
                world, beat, company_id, project_id, unit_id, who, numbers, groups.get(beat.group, 1)
            )
            by_key[beat.key] = complaint
            made.append((beat, complaint, by_key))
    Complaint.objects.bulk_create([complaint for _beat, complaint, _keys in made])
    _link(made)
    _events(made, now)
    _repairs(world, made, timezone.localdate(now))
    return len(made)


def _building_units(world, project_id: int, building: int) -> list[int]:
    buildings = sorted({world.building_of[unit] for unit in world.units_by_project.get(project_id, [])})
    if not buildings:
        return []
    return world.units_by_building[buildings[building % len(buildings)]]


def _ago(now: datetime, days: float | None) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def _complaint(
    world, beat: Beat, company_id, project_id, unit_id, who, numbers, group_size: int
) -> Complaint:
    now = world.now
    received_at = now - timedelta(days=beat.days_ago)
    resolved_at = None if beat.reopened else _ago(now, beat.resolved_days_ago)
    closed_at = _ago(now, beat.closed_days_ago)
    facts = {
        "litigation": beat.litigation,
        "media": beat.media,
        "complainant_count": beat.complainant_count,
        "needs_outside_support": beat.needs_outside_support,
    }
    tier, reasons = tier_of(
        facts=facts,
        received_at=received_at,
        until=resolved_at or now,
        second=bool(beat.follows) or beat.reopened,
        group=group_size if beat.group and beat.linked else 1,
    )
    handler = world.handler_of.get(company_id) if beat.status != RECEIVED else None
    answered = [outcome for outcome in beat.callbacks if outcome in rules.ANSWERED_OUTCOMES]
    settled = beat.confirmed or bool(answered) or len(beat.callbacks) >= rules.UNREACHABLE_ATTEMPTS_TO_CLOSE
    complaint = Complaint(
        number=numbers(received_at),
        company_id=company_id,
        project_id=project_id,
        unit_id=unit_id,
        customer_id=who[0],
        contact_name=who[2],
        contact_phone=who[3],
        channel=beat.channel,
        category=beat.category,
        sub_category=beat.sub_category,
        status=beat.status,
        tier=tier,
        tier_reasons=reasons,
        title=beat.title,
        description=f"【{beat.sub_category}】业主反映：{beat.title}。希望尽快给出处理方案并告知进展。",
        received_at=received_at,
        **facts,
        reopen_count=1 if beat.reopened else 0,
        follows_reason=beat.follows_reason if beat.follows else "",
        handler_id=handler,
        first_responder_id=handler,
        deadline=None if beat.plan_due_days is None else now + timedelta(days=beat.plan_due_days),
        first_response_at=None if beat.status == RECEIVED else received_at + timedelta(hours=2),
        resolved_at=resolved_at,
        closed_at=closed_at,
        callback_due_at=(
            rules.callback_due(resolved_at)
            if beat.status == RESOLVED and resolved_at and not settled
            else None
        ),
        rating=beat.rating,
        rating_comment=beat.rating_comment,
        **rules.clock_columns(
            received_at=received_at,
            paused_seconds=0,
            paused=False,
            resolved=beat.status in rules.HANDLED_STATUSES,
            tier=tier,
        ),
    )
    world.set_response_figures(complaint)
    return complaint


def _link(made) -> None:
    """Second complaints follow the earlier one; members of an issue group point at its root."""
    roots: dict[tuple[int, str], Complaint] = {}
    linked = []
    for beat, complaint, by_key in made:
        if beat.follows:
            complaint.follows = by_key[beat.follows]
            linked.append(complaint)
        if beat.group and beat.linked:
            root = roots.setdefault((complaint.company_id, beat.group), complaint)
            if root is not complaint:
                complaint.issue_root = root
                linked.append(complaint)
    Complaint.objects.bulk_update(linked, ["follows", "issue_root"])


def _events(made, now: datetime) -> None:
    """The timeline of each story complaint, with its own times (set after the insert: ``at`` is
    filled on insert), inserted in time order so that it reads the same by id and by time."""
    events = []
    for beat, complaint, _keys in made:
        events.extend(sorted(_timeline(beat, complaint, now), key=lambda event: event.demo_at))
    ComplaintEvent.objects.bulk_create(events)
    for event in events:
        event.at = event.demo_at
    ComplaintEvent.objects.bulk_update(events, ["at"])


def _timeline(beat: Beat, complaint: Complaint, now: datetime) -> list[ComplaintEvent]:
    Kind, timeline = ComplaintEvent.Kind, []

    def add(complaint, at: datetime, kind, **fields):
        event = ComplaintEvent(complaint=complaint, kind=kind, **fields)
        event.demo_at = min(at, now)
        timeline.append(event)

    received = complaint.received_at
    by = complaint.handler_id
    if complaint.follows_id:
        add(
            complaint,
            received + timedelta(minutes=1),
            Kind.FOLLOWS_LINKED,
            to_value=complaint.follows.number,
            reasons=[complaint.follows_reason],
        )
    if complaint.issue_root_id:
        add(
            complaint,
            received + timedelta(minutes=5),
            Kind.LINKED,
            to_value=complaint.issue_root.number,
            by_id=by,
        )
    if complaint.tier != rules.NORMAL:
        clock_only = set(complaint.tier_reasons) <= {"unresolved_one_week", "unresolved_one_month"}
        after = rules.MAJOR_UNRESOLVED_AFTER if complaint.tier == rules.MAJOR else rules.HOT_UNRESOLVED_AFTER
        add(
            complaint,
            received + (after if clock_only else timedelta(minutes=10)),
            Kind.TIER_RAISED,
            from_value=rules.NORMAL,
            to_value=complaint.tier,
            reasons=complaint.tier_reasons,
        )
    if beat.plan:
        add(
            complaint,
            received + timedelta(hours=min(24, beat.days_ago * 8)),
            Kind.PLAN,
            note=beat.plan,
            deadline=complaint.deadline,
            visible_to_complainant=True,
            by_id=by,
        )
    if beat.progress:
        add(
            complaint,
            now - timedelta(days=beat.days_ago / 3),
            Kind.PROGRESS,
            note=beat.progress,
            visible_to_complainant=True,
            by_id=by,
        )
    if beat.resolved_days_ago is None:
        return timeline
    resolved = now - timedelta(days=beat.resolved_days_ago)
    add(complaint, resolved, Kind.STATUS, from_value=IN_PROGRESS, to_value=RESOLVED, by_id=by)
    last = complaint.closed_at or now
    for number, outcome in enumerate(beat.callbacks, start=1):
        # Spread between the resolve and the close (or now), in order; the last one is what the
        # owner said (a note is required when they were reached).
        at = resolved + (last - resolved) * number / (len(beat.callbacks) + 1)
        if number == len(beat.callbacks) and beat.callback_note:
            note = beat.callback_note
        else:
            note = "电话无人接听" if outcome == UNREACHABLE else "业主表示满意"
        add(complaint, at, Kind.CALLBACK, to_value=outcome, note=note, by_id=by)
    if beat.reopened:
        add(
            complaint,
            resolved + (last - resolved) * 0.6,
            Kind.STATUS,
            from_value=RESOLVED,
            to_value=IN_PROGRESS,
            note=beat.callback_note,
            by_id=by,
        )
    if beat.confirmed:
        add(complaint, last - timedelta(minutes=30), Kind.CONFIRMED, visible_to_complainant=True)
    if beat.status == CLOSED:
        basis = rules.closing_basis(list(beat.callbacks), beat.confirmed)
        add(
            complaint,
            last,
            Kind.STATUS,
            from_value=RESOLVED,
            to_value=CLOSED,
            reasons=[basis],
            visible_to_complainant=True,
            by_id=by,
        )
    return timeline


def _repairs(world, made, today: date) -> None:
    """The story's repairs, started this month (the contractor statistics have something to show)."""
    first_of_month = today.replace(day=1)
    repairs = []
    for beat, complaint, _keys in made:
        recorder = world.recorder(complaint.company_id)
        for number, (index, held) in enumerate(beat.repairs):
            contractor = world.contractors[index]
            if contractor is None or recorder is None:
                continue
            started = max(today - timedelta(days=len(beat.repairs) - number), first_of_month)
            repairs.append(
                Repair(
                    complaint=complaint,
                    contractor_id=contractor,
                    work=("返修：" if number else "") + beat.title,
                    started_on=started,
                    finished_on=None if held is None else started,
                    fixed_first_time=held,
                    recorded_by_id=recorder,
                )
            )
    Repair.objects.bulk_create(repairs)
