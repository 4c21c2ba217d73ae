from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# The largest id a 64-bit primary key can hold; larger numbers are a validation error, not an overflow.
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """Filter by the id of a related object, validated as a positive 64-bit integer."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class MomentField(IsoDateTimeField):
    """An ISO 8601 moment, converted to UTC: databases accept fewer UTC offsets than Python
    (PostgreSQL stops at ±15:59), so the offset never reaches the query."""

    default_error_messages = {"out_of_range": _("Give a moment between the years 1900 and 2199.")}

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        if not 1900 <= moment.year <= 2199:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return moment.astimezone(UTC)


@extend_schema_field(OpenApiTypes.DATETIME)
class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = MomentField


class FilterSet(django_filters.FilterSet):
    """A filter set whose form class is built once, not on every request.

    django-filter builds a form field from every filter and a new form class on each request; for a
    list with a dozen filters that costs as much as the page's query. Only for filter sets whose
    fields do not depend on the request (no querysets chosen per caller).

    A request naming none of its filters is answered without building the filter set at all
    (``FilterBackend``), so each filter must leave the rows as they are when its parameter is absent,
    as django-filter's filters and method filters do (no ``filter_queryset`` of its own)."""

    @classmethod
    def names_none_of_its_filters(cls, query_params) -> bool:
        # A filter with a multi-value widget reads its name with suffixes (``received_min``).
        return not any(
            key == name or key.startswith(f"{name}_") for key in query_params for name in cls.base_filters
        )

    def get_form_class(self):
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            for name, field in form_class.base_fields.items():
                if isinstance(field, forms.DateTimeField) and not isinstance(field, MomentField):
                    form_class.base_fields[name] = _as_moment_field(field)
            type(self)._form_class = form_class
        return form_class


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, with every date-time filter read as a MomentField: whatever a filter
    set declares (IsoDateTimeFilter, or one generated from a model field), a moment with any UTC
    offset or out of range is a 400, not a database error."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if (
            filterset_class is not None
            and issubclass(filterset_class, FilterSet)
            and filterset_class.names_none_of_its_filters(request.query_params)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            for name, field in filterset.form.fields.items():
                if isinstance(field, forms.DateTimeField) and not isinstance(field, MomentField):
                    filterset.form.fields[name] = _as_moment_field(field)
        return filterset


def _as_moment_field(field: forms.DateTimeField) -> MomentField:
    return MomentField(required=field.required, label=field.label, help_text=field.help_text)
