"""Escalation: the facts for the tier table (incl. the issue group of same-issue complaints),
``evaluate`` (raise the tier once per tier, warn before a clock runs out, recompute the next due
time) and the sweep ``escalate_due`` that the task and the command run. It owns the issue group
helpers and the clock bookkeeping that intake and handling import from here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import webhooks

from .. import rules
from ..models import Complaint, ComplaintEvent
from .notifications import _notify, _rise_message, _warning_message


def _issue_root(same_issue_as: Complaint | None) -> Complaint | None:
    if same_issue_as is None:
        return None
    return same_issue_as.issue_root or same_issue_as


def _group_members(complaint: Complaint):
    root_id = complaint.issue_root_id or complaint.pk
    return Complaint.objects.filter(Q(pk=root_id) | Q(issue_root_id=root_id))


def issue_group_complainants(complaint: Complaint) -> tuple[int, int]:
    """Distinct complainants of the complaint's issue group (DOMAIN.md), in one query: those within a
    month of the complaint (three make it hot), and the most within any one month of the whole group
    (a mass complaint makes every member major, however far apart the members are). A complaint on
    its own is a group of one."""
    members = [
        (received_at, str(customer_id or phone or f"#{pk}"))
        for pk, received_at, customer_id, phone in _group_members(complaint).values_list(
            "pk", "received_at", "customer_id", "contact_phone"
        )
    ]
    window = rules.SAME_ISSUE_WINDOW
    near = {who for received_at, who in members if abs(received_at - complaint.received_at) <= window}
    return max(len(near), 1), rules.peak_complainants(members, window)


def facts_for(complaint: Complaint, now: datetime, *, alone: bool = False) -> rules.TierFacts:
    """The tier table's facts; ``alone``: the caller knows the complaint is in no issue group."""
    resolved = complaint.status in rules.HANDLED_STATUSES
    elapsed = rules.company_side_elapsed(
        received_at=complaint.received_at,
        now=now,
        paused_seconds=complaint.paused_seconds,
        paused_since=complaint.paused_since,
    )
    same_issue, group_peak = (1, 1) if alone else issue_group_complainants(complaint)
    return rules.TierFacts(
        litigation=complaint.litigation,
        media=complaint.media,
        complainant_count=complaint.complainant_count,
        same_issue_complainants=same_issue,
        unresolved_for=timedelta(0) if resolved else elapsed,
        second_complaint=rules.is_second_complaint(
            follows=complaint.follows_id is not None, reopen_count=complaint.reopen_count
        ),
        needs_outside_support=complaint.needs_outside_support,
        issue_group_complainants=group_peak,
        government_referral=complaint.channel == rules.GOVERNMENT,
    )


def _clock_done(complaint: Complaint) -> set[tuple[str, bool]]:
    """(tier, warning) pairs already recorded automatically: each rise and each warning happens once."""
    events = complaint.events.filter(
        kind__in=[ComplaintEvent.Kind.TIER_RAISED, ComplaintEvent.Kind.CLOCK_WARNING], by__isnull=True
    ).values_list("kind", "to_value")
    return {(tier, kind == ComplaintEvent.Kind.CLOCK_WARNING) for kind, tier in events}


def _record_once(complaint: Complaint, **event) -> bool:
    """Insert an automatic event; False when a concurrent sweep already recorded it."""
    try:
        with transaction.atomic():
            ComplaintEvent.objects.create(complaint=complaint, **event)
    except IntegrityError:
        return False
    return True


def evaluate(complaint: Complaint, *, now: datetime, by=None, just_recorded: bool = False) -> bool:
    """Raise the tier if the rules now give a higher one, warn before a clock runs out, and
    recompute the next due time. Call it inside a transaction holding the complaint's row.
    Returns whether the tier rose.

    ``by``: the person whose new facts made the table's answer higher (``services.risk``); their
    rise is recorded as theirs, and is not held back by an earlier automatic rise to the same tier
    that a manager lowered from, because the manager decided on the facts as they were.

    ``just_recorded``: intake's call, in the transaction that recorded the complaint. It has no
    automatic events yet, and outside an issue group it is a group of one: both known without a read.
    The ``TIER_FIELDS`` it sets are left for intake to save with the number."""
    alone = just_recorded and complaint.issue_root_id is None
    tier, reasons = rules.tier_for(facts_for(complaint, now, alone=alone))
    done = set() if just_recorded else _clock_done(complaint)
    rose = False
    # A tier a manager lowered from is not raised again by the same rules (one rise per tier).
    if rules.higher(tier, complaint.tier) and (by is not None or (tier, False) not in done):
        if _record_once(
            complaint,
            kind=ComplaintEvent.Kind.TIER_RAISED,
            by=by,
            from_value=complaint.tier,
            to_value=tier,
            reasons=reasons,
        ):
            _notify(complaint, tier, _rise_message(complaint, tier))
            complaint.tier = tier
            rose = True
        done.add((tier, False))
    if _clock_running(complaint):
        for moment in rules.clock_moments(
            received_at=complaint.received_at,
            paused_seconds=complaint.paused_seconds,
            tier=complaint.tier,
            done=done,
        ):
            if moment.warning and moment.at <= now:
                if _record_once(complaint, kind=ComplaintEvent.Kind.CLOCK_WARNING, to_value=moment.tier):
                    _notify(complaint, rules.IMPORTANT, _warning_message(complaint, moment.tier))
                done.add((moment.tier, True))
    complaint.tier_reasons = reasons
    set_clocks(complaint, done)
    if not just_recorded:
        complaint.save(update_fields=TIER_FIELDS)
    if rose:
        webhooks.emit("complaint.tier_raised", complaint, company_id=complaint.company_id)
    return rose


def _clock_running(complaint: Complaint) -> bool:
    return complaint.status not in rules.HANDLED_STATUSES and complaint.paused_since is None


CLOCK_FIELDS = ("next_due_at", "escalates_at", "resolve_by")
TIER_FIELDS = ("tier", "tier_reasons", *CLOCK_FIELDS)


def set_clocks(complaint: Complaint, done: set[tuple[str, bool]]) -> None:
    """Set the clock columns (``CLOCK_FIELDS``) from the complaint's state; the caller saves them."""
    columns = rules.clock_columns(
        received_at=complaint.received_at,
        paused_seconds=complaint.paused_seconds,
        paused=complaint.paused_since is not None,
        resolved=complaint.status in rules.HANDLED_STATUSES,
        tier=complaint.tier,
        done=frozenset(done),
    )
    for column, value in columns.items():
        setattr(complaint, column, value)


def escalate_due(*, as_of: datetime | None = None, batch_size: int = 500) -> int:
    """The sweep: look at complaints whose due time has come, in batches, skipping rows another
    worker holds. Safe to run twice or concurrently: a rise is recorded once per (complaint, tier)."""
    as_of = as_of or timezone.now()
    seen: set[int] = set()
    raised = 0
    while True:
        with transaction.atomic():
            batch = list(
                Complaint.objects.select_for_update(skip_locked=True)
                .filter(next_due_at__lte=as_of)
                .exclude(pk__in=seen)
                .order_by("next_due_at")[:batch_size]
            )
            if not batch:
                return raised
            for complaint in batch:
                seen.add(complaint.pk)
                raised += evaluate(complaint, now=as_of)
