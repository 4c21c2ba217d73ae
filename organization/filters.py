import django_filters

from core.filters import IdFilter

from .models import Building, Project, Unit


class ProjectFilter(django_filters.FilterSet):
    company = IdFilter(field_name="company_id")

    class Meta:
        model = Project
        fields = ["company"]


class BuildingFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")

    class Meta:
        model = Building
        fields = ["project"]


class UnitFilter(django_filters.FilterSet):
    building = IdFilter(field_name="building_id")
    project = IdFilter(field_name="building__project_id")

    class Meta:
        model = Unit
        fields = ["building", "project"]
