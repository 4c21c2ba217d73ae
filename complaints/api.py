from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet
from core.pagination import IdCursorPagination

from . import services
from .filters import ComplaintFilter
from .models import Complaint
from .serializers import (
    ComplaintCreateInput,
    ComplaintDetailSerializer,
    ComplaintSerializer,
    TransitionConflict,
    TransitionInput,
)


class RecentFirstPagination(IdCursorPagination):
    ordering = ("-received_at", "-id")


class ComplaintViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Complaints (客户投诉) of the caller's companies, most recently received first."""

    queryset = Complaint.objects.all()
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    pagination_class = RecentFirstPagination

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events__by", "repairs__contractor")
        return queryset

    def get_serializer_class(self):
        return ComplaintDetailSerializer if self.action == "retrieve" else ComplaintSerializer

    @extend_schema(request=ComplaintCreateInput, responses={201: ComplaintSerializer})
    def create(self, request, *args, **kwargs):
        data = ComplaintCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        complaint = services.complaint_create(
            intake=services.Intake(**data.validated_data), received_by=request.user
        )
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionInput, responses={200: ComplaintSerializer, 409: TransitionConflict})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the complaint along the flow:
        received → assigned → in_progress ⇄ awaiting_customer → resolved → closed."""
        complaint = self.get_object()
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.complaint_transition(complaint=complaint, by=request.user, **data.validated_data)
        return Response(ComplaintSerializer(updated).data)
