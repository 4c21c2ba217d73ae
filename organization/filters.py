import django_filters

from core.filters import IdFilter

from .models import Building, Project, Unit


class ProjectFilter(django_filters.FilterSet):
    company = IdFilter(field_name="company_id")
    external_id = django_filters.CharFilter(max_length=64)

    class Meta:
        model = Project
        fields = ["company", "external_id"]


class BuildingFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")
    external_id = django_filters.CharFilter(max_length=64)

    class Meta:
        model = Building
        fields = ["project", "external_id"]


class UnitFilter(django_filters.FilterSet):
    building = IdFilter(field_name="building_id")
    project = IdFilter(field_name="building__project_id")
    external_id = django_filters.CharFilter(max_length=64)

    class Meta:
        model = Unit
        fields = ["building", "project", "external_id"]
