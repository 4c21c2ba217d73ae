from datetime import datetime, timedelta
from difflib import SequenceMatcher

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When

from organization.models import Company, Region

from . import rules
from .models import Complaint, Status

DUPLICATE_WINDOW = timedelta(days=30)


# --- Overdue and at risk: ``rules.urgency`` in SQL, over the partial indexes of unresolved complaints --


def unresolved_q(at: datetime) -> Q:
    """Received by ``at`` and not resolved by then (a reopened complaint's resolved_at is cleared)."""
    return Q(received_at__lte=at) & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=at))


def overdue_q(at: datetime) -> Q:
    """Overdue at ``at`` (``rules.urgency``): the plan deadline or the month to resolve has passed;
    the month stops while waiting on the complainant."""
    limit_passed = Q(resolve_by__lte=at) & (
        Q(paused_since__isnull=True) | Q(resolve_by__lte=F("paused_since"))
    )
    return unresolved_q(at) & (Q(deadline__lte=at) | limit_passed)


def at_risk_q(at: datetime) -> Q:
    """At risk at ``at`` (``rules.urgency``): not overdue, and within ``rules.AT_RISK_WITHIN`` of the
    plan deadline, the next escalation, or (clock running) the month to resolve."""
    soon = at + rules.AT_RISK_WITHIN
    near = (
        Q(deadline__lte=soon) | Q(escalates_at__lte=soon) | Q(resolve_by__lte=soon, paused_since__isnull=True)
    )
    return unresolved_q(at) & near & ~overdue_q(at)


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


SIMILAR_TITLE_RATIO = 0.5


def complaint_list(*, user, before: tuple[datetime, int] | None = None) -> QuerySet[Complaint]:
    """The complaints ``user`` sees, most recently received first, from after ``before`` (received
    at, id) on. Narrow it with ``filters.ComplaintFilter``, as the API does."""
    complaints = Complaint.objects.visible_to(user).select_related("project")
    if before:
        at, pk = before
        complaints = complaints.filter(Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk))
    return complaints.order_by("-received_at", "-id")


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
        )
        .prefetch_related("events__by", "repairs__contractor", "attachments__added_by")
        .get(pk=complaint_id)
    )


def possible_duplicates(complaint: Complaint, limit: int = 5) -> list[Complaint]:
    """Earlier complaints of the same project and category in the last 30 days with a similar title."""
    candidates = (
        Complaint.objects.filter(
            project_id=complaint.project_id,
            category=complaint.category,
            received_at__gte=complaint.received_at - DUPLICATE_WINDOW,
            received_at__lte=complaint.received_at,
        )
        .exclude(pk=complaint.pk)
        .exclude(issue_root_id=complaint.issue_root_id or complaint.pk)
        .order_by("-received_at")[:200]
    )
    scored = [
        (SequenceMatcher(None, complaint.title, other.title).ratio(), other)
        for other in candidates
        if other.pk != complaint.issue_root_id
    ]
    return [
        other for score, other in sorted(scored, key=lambda pair: -pair[0]) if score >= SIMILAR_TITLE_RATIO
    ][:limit]


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
