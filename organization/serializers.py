from rest_framework import serializers

from .models import Building, Company, Project, Unit


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
