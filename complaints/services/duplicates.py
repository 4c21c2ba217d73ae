"""Repeat complaints caught at intake (issue 19 §4).

``possible_duplicates`` finds the earlier complaints a complaint may repeat (``rules.duplicate_
similarity``) with one query on the (unit, category) and (phone, category) indexes: a unit's or a
phone's complaints of one category are a handful, so the check stays a few index probes at any
size (``make bench ONLY=complaints``). Staff decide each one (``complaint_duplicate_decide``): the
same issue joins the earlier one's issue group, a follow-up is the second-complaint ("follows")
link, separate keeps them apart; the choice is a ``duplicate`` timeline event and the earlier one is
no longer offered. The public form links an owner's second filing by itself (``public_auto_link``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError

from .. import rules
from ..models import Complaint, ComplaintEvent, FollowsReason
from .escalation import evaluate
from .grouping import _lock
from .handling import complaint_link_same_issue

# What the rule and the answers read of a candidate (its other columns stay in the table).
CANDIDATE_FIELDS = (
    "number",
    "status",
    "unit_id",
    "contact_phone",
    "category",
    "defect_type_id",
    "received_at",
    "resolved_at",
)


@dataclass(frozen=True)
class PossibleDuplicate:
    complaint: Complaint
    similarity: Decimal


def duplicate_candidates(
    complaints: QuerySet,
    *,
    unit_id: int | None,
    phone: str,
    category: str,
    defect_type_id: int | None,
    received_at: datetime,
    exclude: Q | None = None,
) -> list[PossibleDuplicate]:
    """The earlier complaints among ``complaints`` (the caller's scope, or one company) that a
    complaint with these facts may repeat, most alike first, then newest. One query."""
    if unit_id is None and not phone:
        return []  # nothing to repeat
    same = Q(pk__in=[])
    if unit_id is not None:
        same |= Q(unit_id=unit_id)
    if phone:
        same |= Q(contact_phone=phone)
    rows = complaints.filter(same, category=category, received_at__lte=received_at).filter(
        Q(status__in=rules.OPEN_STATUSES) | Q(resolved_at__gte=received_at - rules.DUPLICATE_WINDOW)
    )
    if exclude is not None:
        rows = rows.exclude(exclude)
    found = []
    rows = rows.only(*CANDIDATE_FIELDS).order_by("-received_at", "-id")
    for earlier in rows[: rules.DUPLICATES_SHOWN * 2]:
        similarity = rules.duplicate_similarity(
            same_unit=unit_id is not None and earlier.unit_id == unit_id,
            same_phone=bool(phone) and earlier.contact_phone == phone,
            same_category=earlier.category == category,
            defect_types=(earlier.defect_type_id, defect_type_id),
            earlier_open=earlier.status in rules.OPEN_STATUSES,
            handled_at=earlier.resolved_at,
            received_at=received_at,
        )
        if similarity is not None:
            found.append(PossibleDuplicate(earlier, similarity))
    found.sort(key=lambda item: -item.similarity)  # stable: newest first among equals
    return found[: rules.DUPLICATES_SHOWN]


def possible_duplicates(complaint: Complaint, *, user) -> list[PossibleDuplicate]:
    """The undecided possible duplicates of ``complaint`` that ``user`` sees: not itself, not already
    in its issue group or the complaint it follows, not one staff already decided."""
    if complaint.unit_id is None and not complaint.contact_phone:
        return []  # nothing to repeat
    decided = complaint.events.filter(kind=ComplaintEvent.Kind.DUPLICATE).values("from_value")
    exclude = Q(pk=complaint.pk) | Q(number__in=decided)
    root = complaint.issue_root_id or complaint.pk
    exclude |= Q(pk=root) | Q(issue_root_id=root)
    if complaint.follows_id is not None:
        exclude |= Q(pk=complaint.follows_id)
    return duplicate_candidates(
        Complaint.objects.visible_to(user),
        unit_id=complaint.unit_id,
        phone=complaint.contact_phone,
        category=complaint.category,
        defect_type_id=complaint.defect_type_id,
        received_at=complaint.received_at,
        exclude=exclude,
    )


def intake_duplicates(
    *, user, project, unit_id: int | None, phone: str, category: str, defect_type_id: int | None
) -> list[PossibleDuplicate]:
    """What staff see while typing a new complaint, before it is filed: the same query as
    ``possible_duplicates`` after filing, over the project's company's complaints that ``user``
    sees, as if it were received now. Nothing to match on (no unit, no phone) finds nothing."""
    if unit_id is None and not phone:
        return []
    return duplicate_candidates(
        Complaint.objects.visible_to(user).filter(company_id=project.company_id),
        unit_id=unit_id,
        phone=phone,
        category=category,
        defect_type_id=defect_type_id,
        received_at=timezone.now(),
    )


AUTO_LINK_TEXT = _(
    "You filed about the same problem in %(number)s a few days ago: both are handled together as one issue."
)
DECISION_TEXTS = {
    rules.SAME_ISSUE: _("Same issue as %(number)s"),
    rules.FOLLOW_UP: _("Follow-up of %(number)s"),
    rules.SEPARATE: _("Kept separate from %(number)s"),
}


@transaction.atomic
def complaint_duplicate_decide(*, complaint: Complaint, earlier: Complaint, decision: str, by) -> Complaint:
    """Staff decide a possible duplicate: ``same_issue`` joins the earlier one's issue group,
    ``follow_up`` links it as the earlier (handled) one's second complaint, ``separate`` keeps it
    apart. Each is a ``duplicate`` event; the earlier one must be among the undecided candidates."""
    if decision not in rules.DUPLICATE_DECISIONS:
        raise DomainError(_("Choose same issue, follow-up or separate."), code="bad_decision")
    complaint = _lock(complaint)
    if earlier.pk not in {item.complaint.pk for item in possible_duplicates(complaint, user=by)}:
        raise Conflict(_("That complaint is not an undecided possible duplicate."), code="not_a_candidate")
    if decision == rules.FOLLOW_UP and earlier.status not in rules.HANDLED_STATUSES:
        raise Conflict(
            _("A second complaint follows a complaint that was already handled."), code="follows_unhandled"
        )
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.DUPLICATE,
        by=by,
        from_value=earlier.number,
        to_value=decision,
        note=str(DECISION_TEXTS[decision] % {"number": earlier.number}),
    )
    if decision == rules.SAME_ISSUE:
        return complaint_link_same_issue(complaint=complaint, earlier=earlier, by=by)
    if decision == rules.FOLLOW_UP:
        same_customer = complaint.customer_id is not None and complaint.customer_id == earlier.customer_id
        complaint.follows = earlier
        complaint.follows_reason = FollowsReason.SAME_CUSTOMER if same_customer else FollowsReason.SAME_UNIT
        complaint.save(update_fields=["follows", "follows_reason"])
        ComplaintEvent.objects.create(
            complaint=complaint, kind=ComplaintEvent.Kind.FOLLOWS_LINKED, by=by, to_value=earlier.number
        )
        evaluate(complaint, now=timezone.now())
    return complaint


def public_auto_link(
    *, company_id: int, unit_id: int | None, category: str, received_at: datetime
) -> Complaint | None:
    """The earlier complaint an owner's public-form filing joins by itself: the newest of the same
    unit and category received within PUBLIC_AUTO_LINK_WINDOW (``rules.links_by_itself``)."""
    if unit_id is None:
        return None
    earlier = (
        Complaint.objects.filter(
            company_id=company_id,
            unit_id=unit_id,
            category=category,
            received_at__gte=received_at - rules.PUBLIC_AUTO_LINK_WINDOW,
            received_at__lte=received_at,
        )
        .order_by("-received_at", "-id")
        .first()
    )
    if earlier is None or not rules.links_by_itself(
        same_unit=True, same_category=True, earlier_received_at=earlier.received_at, received_at=received_at
    ):
        return None
    return earlier


def record_auto_link(complaint: Complaint, *, earlier: Complaint) -> None:
    """The timeline entries of a public-form filing intake linked by itself (no one decided it)."""
    ComplaintEvent.objects.bulk_create(
        [
            ComplaintEvent(complaint=complaint, kind=ComplaintEvent.Kind.LINKED, to_value=earlier.number),
            ComplaintEvent(
                complaint=complaint,
                kind=ComplaintEvent.Kind.DUPLICATE,
                from_value=earlier.number,
                to_value=rules.SAME_ISSUE,
                note=str(AUTO_LINK_TEXT % {"number": earlier.number}),
                visible_to_complainant=True,
            ),
        ]
    )


def auto_linked_to(complaint: Complaint) -> str:
    """The number of the earlier complaint the public form linked this one to, or ''."""
    return (
        complaint.events.filter(
            kind=ComplaintEvent.Kind.DUPLICATE, by__isnull=True, to_value=rules.SAME_ISSUE
        )
        .values_list("from_value", flat=True)
        .first()
        or ""
    )
