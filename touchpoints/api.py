import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadOnlyViewSet
from core.filters import IdFilter
from core.pagination import IdCursorPagination
from core.permissions import requires

from . import services
from .models import CheckAnswer, ServiceTask
from .serializers import CheckAnswerSerializer, CompleteInput, ServiceTaskSerializer


class ServiceTaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ServiceTask.Status.choices)
    action = django_filters.CharFilter(field_name="action__code", max_length=40)
    project = IdFilter(field_name="project_id")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = ServiceTask
        fields = ["status", "action", "project"]


class DueFirstPagination(IdCursorPagination):
    ordering = ("due_on", "id")


class ServiceTaskViewSet(ScopedReadOnlyViewSet):
    """6+2 work (call-backs, home visits, four-year visits) of the caller's companies; the call centre
    marks call-backs done with POST …/complete/."""

    queryset = ServiceTask.objects.select_related("action__step", "customer")
    serializer_class = ServiceTaskSerializer
    filterset_class = ServiceTaskFilter
    pagination_class = DueFirstPagination

    @extend_schema(request=CompleteInput, responses={200: ServiceTaskSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"], permission_classes=[requires("touchpoints.change_servicetask")])
    def complete(self, request, pk=None):
        task = self.get_object()
        data = CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.task_complete(task=task, by=request.user, **data.validated_data)
        return Response(ServiceTaskSerializer(done).data)


class CheckAnswerViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Owners' yes/no answers to the quarterly execution check questions (the call centre records them)."""

    queryset = CheckAnswer.objects.select_related("question")
    serializer_class = CheckAnswerSerializer

    @extend_schema(responses={201: CheckAnswerSerializer, 409: OpenApiResponse()})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.check_answer_record(by=request.user, **data.validated_data)
        return Response(self.get_serializer(answer).data, status=201)
