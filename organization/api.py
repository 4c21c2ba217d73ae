from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound

from core.api import ScopedReadOnlyViewSet
from core.pagination import IdCursorPagination
from core.permissions import requires

from . import access
from .filters import BuildingFilter, ProjectFilter, UnitFilter
from .models import Building, Company, Project, Unit, User
from .serializers import (
    BuildingSerializer,
    CompanySerializer,
    ProjectSerializer,
    StaffQuery,
    StaffSerializer,
    UnitSerializer,
)


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


@extend_schema_view(list=extend_schema(parameters=[StaffQuery]))
class StaffViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The people the caller may give complaints to (handler, handover), as the complaint page offers
    them (``access.assignable_staff``): a company's staff and group-level staff, never integrators or
    auditors. Company callers get their own company's; group-level callers name one with
    ``?company=`` (without it, everyone they may assign in any of their companies; ``company`` says
    whose each is). Needs the permission to handle complaints."""

    queryset = User.objects.none()
    serializer_class = StaffSerializer
    permission_classes = [requires(access.HANDLE_COMPLAINTS)]
    pagination_class = IdCursorPagination  # by id, like every list: a cursor is an id
    filter_backends = []

    def get_queryset(self):
        query = StaffQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        user = self.request.user
        company_id = query.validated_data.get("company", user.company_id)
        if company_id is None:
            return access.assignable_staff(user, None)
        company = Company.objects.visible_to(user).filter(pk=company_id).first()
        if company is None:
            raise NotFound
        return access.assignable_staff(user, company)
