from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.exceptions import DomainError
from organization.models import Project

from . import rules
from .models import AccessLog, Communication, Customer, OwnerPhase, Purchase, Segment
from .privacy import can_see_personal_data


@dataclass(frozen=True)
class CustomerFilters:
    query: str = ""  # a name prefix, or digits of the phone's tail
    project_id: int | None = None
    segment: str = ""
    stage: str = ""
    owner_phase: str = ""


def owner_phase_condition(phase: str, today: date) -> Q:
    run_in_start = rules.years_ago(today, rules.RUN_IN_YEARS)
    settled_start = rules.years_ago(today, rules.SETTLED_YEARS)
    return {
        OwnerPhase.RUN_IN: Q(moved_in_on__gt=run_in_start),
        OwnerPhase.SETTLED: Q(moved_in_on__gt=settled_start, moved_in_on__lte=run_in_start),
        OwnerPhase.LONG_TIME: Q(moved_in_on__lte=settled_start),
    }[phase]


def customer_list(*, user, filters: CustomerFilters) -> QuerySet[Customer]:
    customers = Customer.objects.visible_to(user)
    query = filters.query.strip()
    problem = rules.phone_search_problem(query, full_numbers_allowed=can_see_personal_data(user))
    if problem:
        raise DomainError(problem, code="phone_search")
    if query.isdigit():
        # The indexed four-digit tail narrows the search; longer input must also match the whole ending.
        customers = customers.filter(phone_tail=query[-rules.PHONE_TAIL_LENGTH :])
        if len(query) > rules.PHONE_TAIL_LENGTH:
            customers = customers.filter(phone__endswith=query)
    elif query:
        customers = customers.filter(name__startswith=query)
    if filters.project_id:
        customers = customers.filter(
            Exists(
                Purchase.objects.filter(
                    customer=OuterRef("pk"), unit__building__project_id=filters.project_id
                )
            )
        )
    if filters.segment:
        customers = customers.filter(segment=filters.segment)
    if filters.stage:
        customers = customers.filter(stage=filters.stage)
    if filters.owner_phase:
        customers = customers.filter(owner_phase_condition(filters.owner_phase, timezone.localdate()))
    return customers.order_by("-id")


def customer_detail(*, user, customer_id: int) -> Customer:
    """The customer file with what the user may see of its purchases and communications."""
    return (
        Customer.objects.visible_to(user)
        .prefetch_related(
            Prefetch(
                "purchases",
                queryset=Purchase.objects.visible_to(user).select_related("unit__building__project"),
                to_attr="visible_purchases",
            ),
            Prefetch(
                "communications",
                queryset=Communication.objects.visible_to(user).select_related("staff", "company"),
                to_attr="visible_communications",
            ),
            "sources",
        )
        .select_related("company")
        .get(pk=customer_id)
    )


@dataclass(frozen=True)
class SegmentShare:
    project: Project
    total: int
    counts: dict[str, int]

    def share(self, segment: str) -> float:
        return 100 * self.counts.get(segment, 0) / self.total if self.total else 0.0


def segment_shares(*, user) -> list[SegmentShare]:
    """Per project, how many distinct buyers fall in each segment; one GROUP BY in SQL."""
    rows = (
        Purchase.objects.visible_to(user)
        .values("unit__building__project_id", "customer__segment")
        .annotate(customers=Count("customer_id", distinct=True))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["unit__building__project_id"], {})[row["customer__segment"] or ""] = row[
            "customers"
        ]
    projects = (
        Project.objects.visible_to(user)
        .filter(pk__in=counts)
        .select_related("company")
        .order_by("company", "name")
    )
    return [
        SegmentShare(project=project, total=sum(counts[project.pk].values()), counts=counts[project.pk])
        for project in projects
    ]


SEGMENT_CODES = [code for code, _label in Segment.choices]


def access_log_list(
    *,
    username: str = "",
    customer_id: int | None = None,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AccessLog]:
    entries = AccessLog.objects.select_related("user", "customer")
    if username:
        entries = entries.filter(user__username=username)
    if customer_id:
        entries = entries.filter(customer_id=customer_id)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-id")
