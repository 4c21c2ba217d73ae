import django_filters

from core.filters import IdFilter, MomentFilter

from .models import Category, Channel, Complaint, Status, Tier


class ComplaintFilter(django_filters.FilterSet):
    company = IdFilter(field_name="company_id")
    project = IdFilter(field_name="project_id")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    received_after = MomentFilter(field_name="received_at", lookup_expr="gte")
    received_before = MomentFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = Complaint
        fields = ["company", "project", "channel", "category", "status", "tier"]
