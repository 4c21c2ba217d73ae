from rest_framework import serializers

from .models import Building, Company, Project, Unit, User


class CompanySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Company
        fields = ["id", "name", "city", "region", "region_name"]


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "company", "address"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "name", "project"]


class UnitSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="building.project_id", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "number", "building", "project", "floor", "layout", "area", "list_price"]


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
