from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet
from core.exceptions import DomainError
from core.pagination import IdCursorPagination
from core.permissions import requires

from . import access, feed, services
from .filters import BuildingFilter, ProjectFilter, UnitFilter
from .models import Building, Company, Project, Unit, User
from .serializers import (
    BuildingInput,
    BuildingSerializer,
    BuildingUpdateInput,
    CompanySerializer,
    FeedAnswer,
    ProjectInput,
    ProjectSerializer,
    ProjectUpdateInput,
    StaffQuery,
    StaffSerializer,
    UnitFeedInput,
    UnitInput,
    UnitSerializer,
    UnitUpdateInput,
    too_many_rows,
)

CONFLICT = OpenApiResponse(
    description=str(
        _(
            "The record was saved by someone else in between (stale_version), or a name, number or "
            "external id is taken."
        )
    )
)


def write_company(user, requested: Company | None) -> Company:
    """``access.write_company_for`` as a 400 on the ``company`` field."""
    try:
        return access.write_company_for(user, requested)
    except DomainError as refused:
        raise ValidationError({"company": [refused.message]}) from None


def validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class WritableViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """Create (POST) and PATCH with a version; the model permissions of ModelPermissions decide
    (add_/change_), out of scope is 404. PUT is not offered."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    def answer(self, instance, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(instance).data, status=status_code)


class CompanyViewSet(ScopedReadOnlyViewSet):
    """Regional companies (一线公司) the caller may see."""

    queryset = Company.objects.select_related("region")
    serializer_class = CompanySerializer


class ProjectViewSet(WritableViewSet):
    """Projects (项目). The group centre and integrators create and edit them; a company's
    integrator only in its own company."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter

    @extend_schema(request=ProjectInput, responses={201: ProjectSerializer, 409: CONFLICT})
    def create(self, request, *args, **kwargs):
        values = validated(ProjectInput, request.data, context={"request": request})
        company = write_company(request.user, values.pop("company", None))
        project = services.project_create(company=company, **values)
        return self.answer(project, status.HTTP_201_CREATED)

    @extend_schema(request=ProjectUpdateInput, responses={200: ProjectSerializer, 409: CONFLICT})
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        write_company(request.user, project.company)
        values = validated(ProjectUpdateInput, request.data)
        updated = services.project_update(
            project=project, expected_version=values.pop("version"), changes=values
        )
        return self.answer(updated)


class BuildingViewSet(WritableViewSet):
    """Buildings of projects; created and edited like projects."""

    queryset = Building.objects.all()
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilter

    @extend_schema(request=BuildingInput, responses={201: BuildingSerializer, 409: CONFLICT})
    def create(self, request, *args, **kwargs):
        values = validated(BuildingInput, request.data, context={"request": request})
        write_company(request.user, values["project"].company)
        building = services.building_create(**values)
        return self.answer(building, status.HTTP_201_CREATED)

    @extend_schema(request=BuildingUpdateInput, responses={200: BuildingSerializer, 409: CONFLICT})
    def partial_update(self, request, *args, **kwargs):
        building = self.get_object()
        write_company(request.user, building.company)
        values = validated(BuildingUpdateInput, request.data)
        updated = services.building_update(
            building=building, expected_version=values.pop("version"), changes=values
        )
        return self.answer(updated)


class UnitViewSet(WritableViewSet):
    """Units (房屋). Created by the group centre and integrators; edited by them and by company
    managers (as on the unit page); ``bulk`` is the sales system's feed."""

    queryset = Unit.objects.select_related("building")
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    @extend_schema(request=UnitInput, responses={201: UnitSerializer, 409: CONFLICT})
    def create(self, request, *args, **kwargs):
        values = validated(UnitInput, request.data, context={"request": request})
        write_company(request.user, values["building"].company)
        unit = services.unit_create(**values)
        return self.answer(unit, status.HTTP_201_CREATED)

    @extend_schema(request=UnitUpdateInput, responses={200: UnitSerializer, 409: CONFLICT})
    def partial_update(self, request, *args, **kwargs):
        unit = self.get_object()
        write_company(request.user, unit.company)
        values = validated(UnitUpdateInput, request.data)
        updated = services.unit_update(
            unit=unit,
            expected_version=values["version"],
            floor=values.get("floor", unit.floor),
            layout=values.get("layout", unit.layout),
            area=values.get("area", unit.area),
            list_price=values.get("list_price", unit.list_price),
            number=values.get("number"),
            external_id=values.get("external_id"),
        )
        return self.answer(updated)

    @extend_schema(
        request=UnitFeedInput,
        responses={
            200: FeedAnswer,
            409: OpenApiResponse(
                description=str(
                    _("Another call wrote some of these records at the same time; send it again.")
                )
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[
            requires("organization.add_unit"),
            requires("organization.change_unit"),
            requires("organization.add_building"),
        ],
    )
    def bulk(self, request):
        """The sales system's unit feed: up to 1,000 units per call, idempotent by external id.
        Every row is checked first; rows with errors are reported and skipped, the valid ones are
        written in one transaction. Each row's answer says created, updated, unchanged or error
        (with the reasons). Projects must exist (by external id); a building absent by external id
        is created under the row's project with ``building_name``."""
        refused = too_many_rows(request.data)
        if refused:
            raise ValidationError(refused)
        values = validated(UnitFeedInput, request.data, context={"request": request})
        company = write_company(request.user, values.get("company"))
        return Response(feed.units_feed(company=company, rows=[dict(row) for row in values["rows"]]))


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
