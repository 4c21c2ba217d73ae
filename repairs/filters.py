"""The repair list filters, shared by the staff list page and GET /api/v1/repairs/."""

import django_filters
from django_filters.widgets import BooleanWidget

from core.filters import IdFilter, MomentFilter

from .models import Channel, RepairRequest, Status


class RepairFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(field_name="number", max_length=20)
    company = IdFilter(field_name="company_id")
    project = IdFilter(field_name="unit__building__project_id")
    unit = IdFilter(field_name="unit_id")
    customer = IdFilter(field_name="customer_id")
    contractor = IdFilter(field_name="contractor_id")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    warranty = django_filters.BooleanFilter(widget=BooleanWidget)
    reported_after = MomentFilter(field_name="reported_at", lookup_expr="gte")
    reported_before = MomentFilter(field_name="reported_at", lookup_expr="lt")
    follow_up_mine = django_filters.BooleanFilter(
        method="filter_follow_up_mine",
        widget=BooleanWidget,
        help_text="`true`: fixed repairs whose follow-up call is the caller's (the unit's customer manager).",
    )

    class Meta:
        model = RepairRequest
        fields = []

    def filter_follow_up_mine(self, queryset, name, value):
        if value is None:
            return queryset
        mine = queryset.filter(status=Status.FIXED, follow_up_by=self.request.user)
        return mine if value else queryset.exclude(pk__in=mine.values("pk"))
