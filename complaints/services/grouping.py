"""Issue groups and second complaints.

*Mass complaints*: when a complaint joins an issue group (intake, a link, a cluster link) every open
member is judged again; ten or more distinct complainants within a month make each of them major
(``rules.is_mass_complaint``), with a tier event and the notifications of any rise.

*Clusters*: complaints of one building (or, unit unknown, one project) and category within 30 days,
from three or more complainants and not yet one issue group, are suggested as one; one GROUP BY
(``complaint_clusters``) feeds the page and the API, and ``issue_group_link`` joins them.

*Second complaints* (二次投诉): a new complaint of the same owner or unit and category within 90 days
of a handled one follows it (``follows_for_intake``); staff may undo that with a reason
(``complaint_unlink_follows``), the only way that tier falls without a manager. Reopening a handled
complaint (staff, the owner's "not solved", an unhappy call-back) goes through ``complaint_reopen``
and counts it as a second complaint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Aggregate, CharField, Count, Max, Min, Q, Value, When
from django.db.models import Case as SqlCase
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import webhooks
from core.exceptions import Conflict, DomainError
from customers.models import Customer
from organization.models import Unit

from .. import rules
from ..models import Category, Complaint, ComplaintEvent, FollowsReason, RiskSignal, Status
from .escalation import evaluate, facts_for
from .notifications import _notify_people
from .ownership import refresh_due
from .risk import risk_signals_read

FOLLOWS_TEXTS = {
    FollowsReason.SAME_CUSTOMER: _("Follows %(number)s: same owner, same category within 90 days"),
    FollowsReason.SAME_UNIT: _("Follows %(number)s: same unit, same category within 90 days"),
}
CLUSTERS_SHOWN = 100
CLUSTER_LINK_MAX = 200  # complaints linked in one request


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def issue_group_reevaluate(root_id: int, *, now: datetime) -> int:
    """Judge every open complaint of the issue group again (row locks in id order, so that two
    joins of one group wait for each other instead of deadlocking). Returns how many rose."""
    members = (
        Complaint.objects.select_for_update()
        .filter(Q(pk=root_id) | Q(issue_root_id=root_id), status__in=rules.OPEN_STATUSES)
        .order_by("pk")
    )
    return sum(evaluate(member, now=now) for member in members)


# --- Clusters -----------------------------------------------------------------------------------


class _JoinedText(Aggregate):
    """The group's values joined with commas (GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra_context,
        )


def _complainant():
    """The complainant of a complaint as one value: its customer file, else its phone, else itself
    (the key ``escalation.issue_group_complainants`` counts with)."""
    return SqlCase(
        When(customer_id__isnull=False, then=Concat(Value("c"), Cast("customer_id", CharField()))),
        When(contact_phone__gt="", then=Concat(Value("p"), "contact_phone")),
        default=Concat(Value("#"), Cast("id", CharField())),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Cluster:
    project_id: int
    project_name: str
    building_id: int | None  # None: the unit is unknown, the cluster is the project's
    building_name: str
    category: str
    complainants: int
    complaints: list[tuple[int, str]]  # (id, number), oldest number first
    first_received_at: datetime
    last_received_at: datetime

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)

    @property
    def ids(self) -> list[int]:
        return [pk for pk, _number in self.complaints]


def complaint_clusters(
    *, user, now: datetime | None = None, limit: int = CLUSTERS_SHOWN, building_id: int | None = None
) -> list[Cluster]:
    """Suggested issue groups among the complaints ``user`` sees, in one query: complaints received in
    the last CLUSTER_WINDOW, grouped by project, building and category, from CLUSTER_MIN_COMPLAINANTS
    or more complainants, in two or more issue groups (a complaint on its own is its own group), at
    least one still open. It reads the complaints through the (company, received_at) index. With
    ``building_id``, only that building's (the defect register's hotspots link here)."""
    now = now or timezone.now()
    complaints = Complaint.objects.visible_to(user)
    if building_id is not None:
        complaints = complaints.filter(unit__building_id=building_id)
    rows = (
        complaints.filter(received_at__gt=now - rules.CLUSTER_WINDOW, received_at__lte=now)
        .values("project_id", "project__name", "unit__building_id", "unit__building__name", "category")
        .annotate(
            complainants=Count(_complainant(), distinct=True),
            groups=Count(Coalesce("issue_root_id", "id"), distinct=True),
            open=Count("id", filter=Q(status__in=rules.OPEN_STATUSES)),
            members=_JoinedText(Concat(Cast("id", CharField()), Value(":"), "number")),
            first=Min("received_at"),
            last=Max("received_at"),
        )
        .filter(complainants__gte=rules.CLUSTER_MIN_COMPLAINANTS, groups__gte=2, open__gte=1)
        .order_by("-complainants", "-last", "project_id", "category")[:limit]
    )
    return [
        Cluster(
            project_id=row["project_id"],
            project_name=row["project__name"],
            building_id=row["unit__building_id"],
            building_name=row["unit__building__name"] or "",
            category=row["category"],
            complainants=row["complainants"],
            complaints=sorted(
                (int(pk), number) for pk, number in (item.split(":", 1) for item in row["members"].split(","))
            ),
            first_received_at=row["first"],
            last_received_at=row["last"],
        )
        for row in rows
    ]


@transaction.atomic
def issue_group_link(*, complaint_ids: Iterable[int], by) -> Complaint:
    """Make the complaints one issue group (a suggested cluster, or any choice of staff), merging the
    groups they are already in: the earliest group's first complaint stays the root. Handled ones may
    be linked (they are complainants of the issue all the same); only open ones are judged again.
    Returns the root."""
    ids = sorted({int(pk) for pk in complaint_ids})
    if len(ids) < 2:
        raise DomainError(_("Choose at least two complaints to link."), code="too_few")
    chosen = list(Complaint.objects.visible_to(by).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise DomainError(
            _("Some of these complaints do not exist or belong to another company."),
            code="unknown_complaints",
        )
    if len({complaint.company_id for complaint in chosen}) > 1:
        raise DomainError(_("Only complaints of the same company can be linked."), code="other_company")
    roots = {complaint.issue_root_id or complaint.pk for complaint in chosen}
    if len(roots) == 1:
        raise Conflict(_("These complaints are already one issue group."), code="already_grouped")
    group = list(
        Complaint.objects.select_for_update()
        .filter(Q(pk__in=roots) | Q(issue_root_id__in=roots))
        .order_by("pk")
    )
    root = min(
        (complaint for complaint in group if complaint.pk in roots), key=lambda c: (c.received_at, c.pk)
    )
    moved = [c for c in group if c.pk != root.pk and c.issue_root_id != root.pk]
    Complaint.objects.filter(pk__in=[c.pk for c in moved]).update(issue_root=root)
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint=c, kind=ComplaintEvent.Kind.LINKED, by=by, to_value=root.number)
        for c in moved
    )
    issue_group_reevaluate(root.pk, now=timezone.now())
    root.refresh_from_db()
    return root


# --- Second complaints --------------------------------------------------------------------------


def follows_text(complaint: Complaint) -> str:
    """「跟进于 TSxxxx：同一业主 90 天内同类投诉」 for a complaint intake linked; empty otherwise."""
    if not complaint.follows_reason or complaint.follows_id is None:
        return ""
    return str(FOLLOWS_TEXTS[complaint.follows_reason] % {"number": complaint.follows.number})


def follows_for_intake(
    *, company_id: int, category: str, customer: Customer | None, unit: Unit | None, received_at: datetime
) -> tuple[Complaint, str] | None:
    """The handled complaint a new one follows, with the reason (``rules.follows_reason``): the most
    recently handled of the same company and category, of the same customer or unit."""
    if customer is None and unit is None:
        return None  # nothing to be the same as
    same = Q(pk__in=[])
    if customer is not None:
        same |= Q(customer=customer)
    if unit is not None:
        same |= Q(unit=unit)
    candidates = Complaint.objects.filter(
        same,
        company_id=company_id,
        category=category,
        status__in=rules.HANDLED_STATUSES,
        resolved_at__gte=received_at - rules.FOLLOWS_WINDOW,
        resolved_at__lte=received_at,
    ).order_by("-resolved_at", "-pk")[:5]
    for earlier in candidates:
        reason = rules.follows_reason(
            same_customer=customer is not None and earlier.customer_id == customer.pk,
            same_unit=unit is not None and earlier.unit_id == unit.pk,
            same_category=earlier.category == category,
            handled_at=earlier.resolved_at,
            received_at=received_at,
        )
        if reason:
            return earlier, reason
    return None


def record_follows(complaint: Complaint) -> None:
    """The timeline entry of a link intake found by itself."""
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.FOLLOWS_LINKED,
        to_value=complaint.follows.number,
        reasons=[complaint.follows_reason],
        note=follows_text(complaint),
    )


@transaction.atomic
def complaint_unlink_follows(*, complaint: Complaint, reason: str, by) -> Complaint:
    """Staff say it is not a second complaint after all, with a reason. The tier the link gave
    ("important") falls with it unless other rules still give it or a manager set it
    (``rules.tier_after_unlink``); this and a manager's lowering are the only ways a tier falls."""
    complaint = _lock(complaint)
    if complaint.follows_id is None:
        raise Conflict(_("This complaint does not follow another one."), code="not_following")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for unlinking."), code="reason_required")
    earlier = complaint.follows.number
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.FOLLOWS_UNLINKED,
        by=by,
        from_value=earlier,
        note=reason,
    )
    complaint.follows, complaint.follows_reason = None, ""
    complaint.save(update_fields=["follows", "follows_reason"])
    now = timezone.now()
    rules_tier, _reasons = rules.tier_for(facts_for(complaint, now))
    last_change = (
        complaint.events.filter(kind__in=[ComplaintEvent.Kind.TIER_RAISED, ComplaintEvent.Kind.TIER_LOWERED])
        .order_by("-at", "-id")
        .values_list("kind", flat=True)
        .first()
    )
    tier = rules.tier_after_unlink(
        current=complaint.tier,
        rules_tier=rules_tier,
        set_by_manager=last_change == ComplaintEvent.Kind.TIER_LOWERED,
    )
    if tier != complaint.tier:
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=ComplaintEvent.Kind.TIER_LOWERED,
            by=by,
            from_value=complaint.tier,
            to_value=tier,
            note=str(_("Unlinked from %(number)s: %(reason)s") % {"number": earlier, "reason": reason}),
        )
        complaint.tier = tier
        complaint.save(update_fields=["tier"])
    evaluate(complaint, now=now)
    return complaint


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, reason: str, by=None) -> Complaint:
    """Back to in progress after it was resolved or closed: the owner says it is not solved, a
    call-back found them unhappy, or staff reopen it. It becomes a second complaint (``reopen_count``,
    so "important" by the tier table), the reason is on the timeline, and the handler hears of it.
    ``by`` is None when the owner reopened it on the tracking page."""
    complaint = _lock(complaint)
    if not rules.can_reopen(complaint.status):
        raise Conflict(_("Only a resolved or closed complaint can be reopened."), code="not_handled")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the complaint is reopened."), code="reason_required")
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=ComplaintEvent.Kind.STATUS,
        by=by,
        from_value=complaint.status,
        to_value=Status.IN_PROGRESS,
        reasons=["reopened"],
        note=reason,
        visible_to_complainant=True,
    )
    complaint.status = Status.IN_PROGRESS
    complaint.resolved_at = complaint.closed_at = None
    complaint.callback_due_at = None  # owed again once it is resolved again
    complaint.reopen_count += 1
    complaint.save(update_fields=["status", "resolved_at", "closed_at", "callback_due_at", "reopen_count"])
    webhooks.emit("complaint.status_changed", complaint, company_id=complaint.company_id)
    people = {complaint.handler, complaint.first_responder} - {None, by}
    _notify_people(
        complaint,
        people,
        str(
            _("Complaint %(number)s was reopened: %(reason)s")
            % {"number": complaint.number, "reason": reason}
        ),
    )
    evaluate(complaint, now=timezone.now())
    refresh_due(complaint)
    if by is None:  # the owner's own words, read for risk like every other message of theirs
        risk_signals_read(complaint=complaint, text=reason, source=RiskSignal.Source.OWNER_MESSAGE)
    return complaint
