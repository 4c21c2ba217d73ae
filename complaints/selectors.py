from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from organization.models import Company, Region

from . import rules
from .models import Complaint, Status

# --- Overdue and at risk: ``rules.urgency`` in SQL, over the partial indexes of unresolved complaints --


def unresolved_q(at: datetime, *, present: bool = False) -> Q:
    """Received by ``at`` and not resolved by then (a reopened complaint's resolved_at is cleared).

    ``present``: ``at`` is now. Then "not resolved by now" is "not resolved" (a resolve is stamped with
    the time it happens), which lets the database read the partial indexes of unresolved complaints
    (deadline, resolve_by) instead of every complaint of the scope."""
    if present:
        return Q(resolved_at__isnull=True)
    return Q(received_at__lte=at) & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=at))


def overdue_q(at: datetime, *, present: bool = False) -> Q:
    """Overdue at ``at`` (``rules.urgency``): the plan deadline or the month to resolve has passed;
    the month stops while waiting on the complainant."""
    limit_passed = Q(resolve_by__lte=at) & (
        Q(paused_since__isnull=True) | Q(resolve_by__lte=F("paused_since"))
    )
    return unresolved_q(at, present=present) & (
        Q(deadline__lte=at) | Q(external_deadline__lte=at) | limit_passed
    )


def resolved_in_time_q() -> Q:
    """Resolved before becoming overdue (``overdue_q`` at the moment of resolving): by the plan
    deadline, by the authority's deadline of a government referral (both clocks must be met,
    docs/ARCHITECTURE.md "In time, for a government referral"), and within the month to resolve,
    which does not run while waiting on the complainant."""
    by_deadline = Q(deadline__isnull=True) | Q(resolved_at__lte=F("deadline"))
    by_authority = Q(external_deadline__isnull=True) | Q(resolved_at__lte=F("external_deadline"))
    within_month = (
        Q(resolve_by__isnull=True)
        | Q(resolved_at__lte=F("resolve_by"))
        | Q(paused_since__isnull=False, resolve_by__gt=F("paused_since"))
    )
    return Q(resolved_at__isnull=False) & by_deadline & by_authority & within_month


def at_risk_q(at: datetime, *, present: bool = False) -> Q:
    """At risk at ``at`` (``rules.urgency``): not overdue, and within ``rules.AT_RISK_WITHIN`` of the
    plan deadline, the authority's deadline, the next escalation, or (clock running) the month to
    resolve."""
    soon = at + rules.AT_RISK_WITHIN
    near = (
        Q(deadline__lte=soon)
        | Q(external_deadline__lte=soon)
        | Q(escalates_at__lte=soon)
        | Q(resolve_by__lte=soon, paused_since__isnull=True)
    )
    return unresolved_q(at, present=present) & near & ~overdue_q(at)


def with_urgency(complaints: QuerySet[Complaint], at: datetime) -> QuerySet[Complaint]:
    """Annotate ``urgency``: ``rules.OVERDUE``, ``rules.AT_RISK``, ``rules.ON_TRACK`` or None (resolved)."""
    return complaints.annotate(
        urgency=Case(
            When(~unresolved_q(at), then=Value(None)),
            When(overdue_q(at), then=Value(rules.OVERDUE)),
            When(at_risk_q(at), then=Value(rules.AT_RISK)),
            default=Value(rules.ON_TRACK),
            output_field=CharField(null=True),
        )
    )


# --- The work queue: sorts and keyset pages ---------------------------------------------------------

# The tier sort's expression, the same text as the index of migration 0019 (so that both databases
# read the rows in index order: a CASE over an unindexed expression would sort every row).
TIER_RANK_SQL = (
    "(CASE \"complaints_complaint\".\"tier\" WHEN 'major' THEN 0 WHEN 'hot' THEN 1 "
    "WHEN 'important' THEN 2 ELSE 3 END)"
)


@dataclass(frozen=True)
class SortKey:
    """One column of a sort: ``field`` (a column, or the annotation ``tier_rank``), descending or not,
    and whether it can be empty (empty values come last in both directions)."""

    field: str
    descending: bool
    nullable: bool = False


# Each sort ends with the id in the direction of its last column, so that a page's last row is a
# unique cursor. Every sort has an index per scope (all, a company, one handler): see Complaint.Meta
# and migration 0019.
QUEUE_SORTS: dict[str, tuple[SortKey, ...]] = {
    "received": (SortKey("received_at", True),),
    "escalation": (SortKey("escalates_at", False, nullable=True),),
    "updated": (SortKey("last_event_at", True, nullable=True),),
    "tier": (SortKey("tier_rank", False), SortKey("received_at", True)),
}
DEFAULT_SORT = "received"
Cursor = tuple  # the sort's values then the id, as read from the page's first or last row


def _after(key: SortKey, value, backwards: bool) -> Q:
    """Rows strictly after ``value`` in ``key``'s order (before it when ``backwards``)."""
    if backwards:
        if value is None:
            return Q(**{f"{key.field}__isnull": False})
        return Q(**{f"{key.field}__{'gt' if key.descending else 'lt'}": value})
    if value is None:
        return Q(pk__in=[])
    beyond = Q(**{f"{key.field}__{'lt' if key.descending else 'gt'}": value})
    return beyond | Q(**{f"{key.field}__isnull": True}) if key.nullable else beyond


def _equal(key: SortKey, value) -> Q:
    return Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})


def keyset_q(keys: tuple[SortKey, ...], cursor: Cursor, *, backwards: bool = False) -> Q:
    """The rows after (or before) ``cursor`` in the order of ``keys`` then the id."""
    *values, pk = cursor
    id_key = SortKey("id", keys[-1].descending)
    condition, same = Q(pk__in=[]), Q()
    for key, value in [*zip(keys, values, strict=True), (id_key, pk)]:
        condition |= same & _after(key, value, backwards)
        same &= _equal(key, value)
    return condition


def keyset_order(keys: tuple[SortKey, ...], *, backwards: bool = False) -> list:
    order = []
    for key in (*keys, SortKey("id", keys[-1].descending)):
        descending = key.descending != backwards
        # NULLS FIRST/LAST only where a column can be empty: on PostgreSQL a "DESC NULLS LAST" on a
        # column whose index is plain DESC would sort every row instead of reading the index.
        nulls = {} if not key.nullable else {"nulls_first": True} if backwards else {"nulls_last": True}
        expression = F(key.field)
        order.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
    return order


def cursor_of(complaint: Complaint, sort: str) -> Cursor:
    return (*(getattr(complaint, key.field) for key in QUEUE_SORTS[sort]), complaint.pk)


def complaint_list(*, user, sort: str = DEFAULT_SORT) -> QuerySet[Complaint]:
    """The complaints ``user`` sees, in the order of ``QUEUE_SORTS[sort]``. Narrow it with
    ``filters.ComplaintFilter``, as the API does, then read a page with ``queue_page``."""
    complaints = Complaint.objects.visible_to(user).select_related("project", "handler")
    if sort == "tier":
        # A constant expression (no user input): it must match the index text of migration 0019.
        rank = RawSQL(TIER_RANK_SQL, (), output_field=IntegerField())  # noqa: S611
        complaints = complaints.annotate(tier_rank=rank)
    return complaints.order_by(*keyset_order(QUEUE_SORTS[sort]))


def queue_page(
    complaints: QuerySet[Complaint], *, sort: str, cursor: Cursor | None = None, backwards: bool = False
) -> QuerySet[Complaint]:
    """``complaints`` (from ``complaint_list(sort=sort)``, filtered) after ``cursor`` in the sort's
    order, or before it in reverse order when ``backwards`` (the previous page, read back to front):
    one query per page in index order, at any depth."""
    keys = QUEUE_SORTS[sort]
    if cursor is not None:
        complaints = complaints.filter(keyset_q(keys, cursor, backwards=backwards))
    return complaints.order_by(*keyset_order(keys, backwards=backwards))


def complaint_detail(*, user, complaint_id: int) -> Complaint:
    return (
        Complaint.objects.visible_to(user)
        .select_related(
            "project__company",
            "unit__building",
            "customer",
            "handler",
            "first_responder",
            "follows",
            "issue_root",
            "defect_type__parent",
        )
        .prefetch_related("events__by", "repairs__contractor", "attachments__added_by")
        .get(pk=complaint_id)
    )


def report_base(*, user, company_id: int | None = None, region_id: int | None = None) -> QuerySet[Complaint]:
    """The complaints a report for ``user`` counts (one company, one region, or all the user sees);
    a company or region outside the user's scope does not exist (Company/Region.DoesNotExist)."""
    base = Complaint.objects.visible_to(user)
    if company_id is not None:
        Company.objects.visible_to(user).get(pk=company_id)
        base = base.filter(company_id=company_id)
    if region_id is not None:
        Region.objects.visible_to(user).filter(pk=region_id).distinct().get()
        base = base.filter(company__region_id=region_id)
    return base


def callbacks_due(*, user, due_by: datetime | None = None, handler=None) -> QuerySet[Complaint]:
    """Resolved complaints ``user`` sees that still owe their call-back (回访), the longest due
    first; ``due_by`` keeps those due by then (the workbench passes now), ``handler`` one person's.
    Reads the partial index on ``callback_due_at``."""
    complaints = (
        Complaint.objects.visible_to(user)
        .filter(callback_due_at__isnull=False, status=Status.RESOLVED)
        .select_related("project", "handler")
    )
    if due_by is not None:
        complaints = complaints.filter(callback_due_at__lte=due_by)
    if handler is not None:
        complaints = complaints.filter(handler=handler)
    return complaints.order_by("callback_due_at", "id")
