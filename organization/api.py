from core.api import ScopedReadOnlyViewSet

from .filters import BuildingFilter, ProjectFilter, UnitFilter
from .models import Building, Company, Project, Unit
from .serializers import BuildingSerializer, CompanySerializer, ProjectSerializer, UnitSerializer


class CompanyViewSet(ScopedReadOnlyViewSet):
    """Regional companies (一线公司) the caller may see."""

    queryset = Company.objects.select_related("region")
    serializer_class = CompanySerializer


class ProjectViewSet(ScopedReadOnlyViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter


class BuildingViewSet(ScopedReadOnlyViewSet):
    queryset = Building.objects.all()
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilter


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.select_related("building")
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
