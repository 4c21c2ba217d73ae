from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import ScopedRelatedField, VersionedPatchInput

from .feed import MAX_ROWS
from .models import Building, Company, Project, Unit, User


class CompanySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Company
        fields = ["id", "name", "city", "region", "region_name"]


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "company", "address", "external_id", "version"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "name", "project", "external_id", "version"]


class UnitSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="building.project_id", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "number",
            "building",
            "project",
            "floor",
            "layout",
            "area",
            "list_price",
            "external_id",
            "version",
        ]


class StaffSerializer(serializers.ModelSerializer):
    """Who a person is to a colleague assigning work: no phone, no e-mail."""

    class Meta:
        model = User
        fields = ["id", "username", "name", "company"]


class StaffQuery(serializers.Serializer):
    company = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The company whose work is being assigned: company callers may give only their own; "
        "group-level callers without it get every company's.",
    )


# --- Writes -------------------------------------------------------------------------------------

EXTERNAL_ID_HELP = _("The record's id in your sales system; unique within the company when given.")
VERSION_HELP = _("The version you read; a newer save in between answers 409 (stale_version).")


def _external_id(**kwargs):
    return serializers.CharField(max_length=64, allow_blank=True, help_text=EXTERNAL_ID_HELP, **kwargs)


def _version():
    return serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


class ProjectInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200, allow_blank=True, default="")
    external_id = _external_id(default="")
    company = ScopedRelatedField(
        Company,
        required=False,
        help_text=_("Group-level callers name the company; company callers may give only their own."),
    )


class ProjectUpdateInput(VersionedPatchInput):
    name = serializers.CharField(max_length=100, required=False)
    address = serializers.CharField(max_length=200, allow_blank=True, required=False)
    external_id = _external_id(required=False)
    version = _version()


class BuildingInput(serializers.Serializer):
    project = ScopedRelatedField(Project)
    name = serializers.CharField(max_length=50)
    external_id = _external_id(default="")


class BuildingUpdateInput(VersionedPatchInput):
    name = serializers.CharField(max_length=50, required=False)
    external_id = _external_id(required=False)
    version = _version()


class UnitValues(serializers.Serializer):
    number = serializers.CharField(max_length=20)
    floor = serializers.IntegerField(min_value=-32768, max_value=32767)
    layout = serializers.CharField(max_length=50)
    area = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("1"))
    list_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))


class UnitInput(UnitValues):
    building = ScopedRelatedField(Building)
    external_id = _external_id(default="")


class UnitUpdateInput(UnitValues, VersionedPatchInput):
    external_id = _external_id(required=False)
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("number", "floor", "layout", "area", "list_price"):
            self.fields[name].required = False


class UnitFeedRow(UnitValues):
    """One unit of the sales system's feed."""

    project_external_id = serializers.CharField(max_length=64, help_text=_("The project's external id."))
    building_external_id = serializers.CharField(max_length=64, help_text=_("The building's external id."))
    building_name = serializers.CharField(
        max_length=50, default="", allow_blank=True, help_text=_("Needed when the building is new.")
    )
    external_id = serializers.CharField(max_length=64, help_text=_("The unit's external id."))


def too_many_rows(data) -> dict | None:
    """The refusal of a call with more rows than ``MAX_ROWS``, before any row is read."""
    rows = data.get("rows") if isinstance(data, dict) else None
    if isinstance(rows, list) and len(rows) > MAX_ROWS:
        return {"rows": [_("Send at most %(count)d rows per call.") % {"count": MAX_ROWS}]}
    return None


def _rows_field(row_serializer):
    return row_serializer(many=True, max_length=MAX_ROWS, allow_empty=False)


class UnitFeedInput(serializers.Serializer):
    company = ScopedRelatedField(
        Company,
        required=False,
        help_text=_("Group-level callers name the company; company callers may give only their own."),
    )
    rows = _rows_field(UnitFeedRow)


class FeedRowResult(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The row's position in the call, from 0."))
    external_id = serializers.CharField()
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    id = serializers.IntegerField(allow_null=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text=_("Why the row was skipped.")
    )


class FeedAnswer(serializers.Serializer):
    rows = FeedRowResult(many=True)
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField(help_text=_("How many rows were skipped for errors."))
