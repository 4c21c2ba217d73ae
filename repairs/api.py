from functools import partial

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.reports.periods import Period
from complaints.reports.serializers import MonthQuery
from core.api import ScopedReadOnlyViewSet
from core.pagination import IdCursorPagination
from core.permissions import requires
from organization.access import access
from organization.models import Company, Region

from . import services, statistics
from .filters import RepairFilter
from .models import Confirmation, RepairRequest
from .serializers import (
    ContractorStatisticsOut,
    RepairConvertInput,
    RepairCreateInput,
    RepairDispatchInput,
    RepairFollowUpInput,
    RepairPhotoSerializer,
    RepairPhotoUploadInput,
    RepairRequestDetailSerializer,
    RepairRequestSerializer,
    RepairVisitInput,
)

CONFLICT = OpenApiResponse(description="a stale `version` (`stale_version`) or a step not possible now")


class RecentFirstPagination(IdCursorPagination):
    ordering = ("-reported_at", "-id")


class RepairViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Warranty repairs (报修) of the caller's companies, most recently reported first.

    received → dispatch → dispatched → visit (fixed → the owner or the follow-up call confirms →
    closed; not fixed or missed → redo → dispatch again). Twice not fixed or twice missed, or the
    owner asking (convert), makes it a complaint. Every action takes the `version` read (409 when
    someone else changed the repair since)."""

    queryset = RepairRequest.objects.select_related("defect_type", "complaint")
    serializer_class = RepairRequestSerializer
    filterset_class = RepairFilter
    pagination_class = RecentFirstPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("visits__contractor", "events")
        return queryset

    def get_serializer_class(self):
        return RepairRequestDetailSerializer if self.action == "retrieve" else RepairRequestSerializer

    @extend_schema(request=RepairCreateInput, responses={201: RepairRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = RepairCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        repair = services.repair_create(report=services.Report(**data.validated_data), by=request.user)
        return Response(RepairRequestSerializer(repair).data, status=status.HTTP_201_CREATED)

    def _act(self, request, pk, input_class, step):
        repair = access(RepairRequest.objects.all(), request.user, pk, "change")
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        repair = step(repair=repair, by=request.user, expected_version=version, **fields)
        return Response(RepairRequestSerializer(repair).data)

    @extend_schema(request=RepairDispatchInput, responses={200: RepairRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated], url_path="dispatch")
    def dispatch_to(self, request, pk=None):
        """Send a contractor or supplier with the appointment window (from received or redo)."""
        return self._act(request, pk, RepairDispatchInput, services.repair_dispatch)

    @extend_schema(request=RepairVisitInput, responses={200: RepairRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def visit(self, request, pk=None):
        """Record the visit's outcome: fixed, not_fixed or missed."""
        return self._act(request, pk, RepairVisitInput, services.repair_record_visit)

    @extend_schema(request=RepairFollowUpInput, responses={200: RepairRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """The follow-up call after a fix: `fixed` true closes, false sends it back to be redone."""
        return self._act(
            request, pk, RepairFollowUpInput, partial(services.repair_confirm, via=Confirmation.CALL)
        )

    @extend_schema(request=RepairFollowUpInput, responses={200: RepairRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def confirm(self, request, pk=None):
        """The owner's own word, passed on by staff (at the counter, in a message): as on the owner's
        private page, `fixed` true closes, false sends it back to be redone."""
        return self._act(
            request, pk, RepairFollowUpInput, partial(services.repair_confirm, via=Confirmation.OWNER)
        )

    @extend_schema(request=RepairConvertInput, responses={200: RepairRequestSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def convert(self, request, pk=None):
        """The owner asks for a complaint: one construction complaint, linked both ways (409 the second
        time)."""
        return self._act(request, pk, RepairConvertInput, services.repair_convert)

    @extend_schema(
        request={"multipart/form-data": RepairPhotoUploadInput},
        responses={201: RepairPhotoSerializer, 409: OpenApiResponse(description="`too_many_attachments`")},
    )
    @action(
        detail=True, methods=["post"], parser_classes=[MultiPartParser], permission_classes=[IsAuthenticated]
    )
    def photos(self, request, pk=None):
        """One more photo or PDF of the repair (multipart/form-data with a `file`), checked as a
        complaint's attachments are: type by content and extension, size, and how many."""
        repair = access(RepairRequest.objects.all(), request.user, pk, "change")
        data = RepairPhotoUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        (added,) = services.repair_photo_add(
            repair=repair, files=[data.validated_data["file"]], by=request.user
        )
        return Response(RepairPhotoSerializer(added).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(parameters=[MonthQuery], responses=ContractorStatisticsOut))
class ContractorStatisticsView(APIView):
    """Monthly quality complaints and repairs by contractor (月度质量投诉及返修统计): warranty repairs
    and construction complaints' repairs together, ranked by first-time-fix rate, then days to fix."""

    permission_classes = [requires("repairs.view_repairrequest")]

    def get(self, request):
        query = MonthQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        period = Period.parse_month(data["month"])
        try:
            rows = statistics.contractor_statistics(
                user=request.user, period=period, company_id=data.get("company"), region_id=data.get("region")
            )
        except (Company.DoesNotExist, Region.DoesNotExist):
            raise NotFound from None
        return Response({"period": period.label, "contractors": rows})
