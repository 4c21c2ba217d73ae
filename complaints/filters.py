"""The one set of complaint list filters: the staff list page and GET /api/v1/complaints/ both narrow
their scoped queryset with ``ComplaintFilter``, so a filter means the same on both and a value one
refuses the other refuses with the same message (the API answers 400 with the errors, the page
shows them with a 400 and no rows)."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from core.filters import FilterSet, IdFilter, MomentFilter

from . import rules, selectors
from .models import Category, Channel, Complaint, Status, Tier


class ComplaintFilter(FilterSet):
    number = django_filters.CharFilter(method="filter_number", max_length=20)
    company = IdFilter(field_name="company_id")
    project = IdFilter(field_name="project_id")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    received_after = MomentFilter(field_name="received_at", lookup_expr="gte")
    received_before = MomentFilter(field_name="received_at", lookup_expr="lt")
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        widget=BooleanWidget,
        help_text="`true` (or `1`): the complaints whose handler is the caller; `false`: the others.",
    )
    unassigned = django_filters.BooleanFilter(
        method="filter_unassigned",
        widget=BooleanWidget,
        help_text="`true`: open complaints (not resolved or closed) without a handler; `false`: the others.",
    )
    q = django_filters.CharFilter(
        method="filter_keyword",
        max_length=100,
        help_text="Words in the title or the description (case-insensitive substring; trigram indexes "
        "on PostgreSQL).",
    )
    urgency = django_filters.ChoiceFilter(
        choices=[(rules.OVERDUE, _("Overdue")), (rules.AT_RISK, _("At risk"))],
        method="filter_urgency",
        help_text="`overdue`: the plan deadline or the month to resolve has passed; `at_risk`: within "
        "24 hours of the plan deadline, the next escalation or that month (one rule, `rules.urgency`).",
    )

    class Meta:
        model = Complaint
        fields = ["number", "company", "project", "channel", "category", "status", "tier"]

    def filter_urgency(self, queryset, name, value):
        now = timezone.now()
        urgent = selectors.overdue_q if value == rules.OVERDUE else selectors.at_risk_q
        return queryset.filter(urgent(now, present=True))

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none() if value else queryset
        return queryset.filter(handler_id=user.pk) if value else queryset.exclude(handler_id=user.pk)

    def filter_unassigned(self, queryset, name, value):
        unassigned = Q(handler__isnull=True, status__in=rules.OPEN_STATUSES)
        return queryset.filter(unassigned) if value else queryset.exclude(unassigned)

    def filter_keyword(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_number(self, queryset, name, value):
        # Numbers are stored upper case (TS202611-000123); staff type them as they read them.
        return queryset.filter(number=value.upper())
