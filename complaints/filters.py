"""The one set of complaint list filters: the staff list page and GET /api/v1/complaints/ both narrow
their scoped queryset with ``ComplaintFilter``, so a filter means the same on both and a value one
refuses the other refuses with the same message (the API answers 400 with the errors, the page
shows them with a 400 and no rows)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, MomentFilter

from . import rules, selectors
from .models import Category, Channel, Complaint, Status, Tier


class ComplaintFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(method="filter_number", max_length=20)
    company = IdFilter(field_name="company_id")
    project = IdFilter(field_name="project_id")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    received_after = MomentFilter(field_name="received_at", lookup_expr="gte")
    received_before = MomentFilter(field_name="received_at", lookup_expr="lt")
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
        return queryset.filter(
            selectors.overdue_q(now) if value == rules.OVERDUE else selectors.at_risk_q(now)
        )

    def filter_number(self, queryset, name, value):
        # Numbers are stored upper case (TS202611-000123); staff type them as they read them.
        return queryset.filter(number=value.upper())
