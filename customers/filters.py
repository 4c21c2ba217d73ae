import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from core.filters import IdFilter

from . import selectors
from .models import Communication, Customer, OwnerPhase, Purchase, Segment, Stage

PHONE_TAIL = r"^\d{4,11}$"


@extend_schema_field({"type": "string", "pattern": PHONE_TAIL})
class PhoneTailFilter(django_filters.CharFilter):
    """The schema says the digits the server requires (a generated client can check them first)."""


class CustomerFilter(django_filters.FilterSet):
    """The API's customer filters; they feed the same selector as the staff list page."""

    q = django_filters.CharFilter(
        method="noop", max_length=50, help_text=_("A name prefix or the phone's last digits.")
    )
    phone_tail = PhoneTailFilter(
        method="noop",
        help_text=_("The last 4 or more digits of the phone."),
        validators=[RegexValidator(PHONE_TAIL, _("Enter the last 4 to 11 digits of the phone."))],
    )
    project = IdFilter(method="noop")
    segment = django_filters.ChoiceFilter(choices=Segment.choices, method="noop")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, method="noop")
    owner_phase = django_filters.ChoiceFilter(choices=OwnerPhase.choices, method="noop")
    external_id = django_filters.CharFilter(
        method="noop", max_length=64, help_text=_("The file's id in your sales system.")
    )

    class Meta:
        model = Customer
        fields = []

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        filters = selectors.CustomerFilters(
            query=data.get("phone_tail") or data.get("q") or "",
            project_id=data.get("project"),
            segment=data.get("segment") or "",
            stage=data.get("stage") or "",
            owner_phase=data.get("owner_phase") or "",
        )
        customers = selectors.customer_list(user=self.request.user, filters=filters)
        if data.get("external_id"):
            customers = customers.filter(external_id=data["external_id"])
        return customers


class PurchaseFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    project = IdFilter(field_name="unit__building__project_id")
    external_id = django_filters.CharFilter(max_length=64)

    class Meta:
        model = Purchase
        fields = ["customer", "project", "external_id"]


class CommunicationFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id")

    class Meta:
        model = Communication
        fields = ["customer"]
