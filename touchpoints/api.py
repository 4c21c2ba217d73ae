import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedReadOnlyViewSet
from core.filters import IdFilter
from core.pagination import IdCursorPagination
from core.permissions import requires
from organization import access
from organization.models import Project

from . import selectors, services
from .models import CheckAnswer, PlanItem, ServiceTask, Step
from .serializers import (
    ActionRecordInput,
    AssignInput,
    AttendeesInput,
    BoardQuery,
    CheckAnswerSerializer,
    CheckQuery,
    CompleteInput,
    PlanItemChangeInput,
    PlanItemSerializer,
    QuarterlyCheckOut,
    ServiceBoardOut,
    ServiceTaskSerializer,
    StepSerializer,
)


class ServiceTaskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ServiceTask.Status.choices)
    action = django_filters.CharFilter(field_name="action__code", max_length=40)
    project = IdFilter(field_name="project_id")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    customer = IdFilter(field_name="customer_id")
    assignee = IdFilter(field_name="assignee_id")

    class Meta:
        model = ServiceTask
        fields = ["status", "action", "project", "customer", "assignee"]


class DueFirstPagination(IdCursorPagination):
    ordering = ("due_on", "id")


class ServiceTaskViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """6+2 work of the caller's companies: generated tasks (call-backs, home visits, four-year visits,
    greetings) and recorded actions. The call centre marks call-backs done with POST …/complete/;
    POST records an action that reached a customer (once per action, customer and day)."""

    # An action on one task asks organization.access for it (out of scope 404, not the caller's to
    # complete or assign 403), so its permission classes only require a signed-in caller.
    queryset = ServiceTask.objects.select_related("action__step", "customer")
    serializer_class = ServiceTaskSerializer
    filterset_class = ServiceTaskFilter
    pagination_class = DueFirstPagination

    @extend_schema(request=CompleteInput, responses={200: ServiceTaskSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def complete(self, request, pk=None):
        task = access.access_service_task(request.user, pk, "change")
        data = CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = services.task_complete(task=task, by=request.user, **data.validated_data)
        return Response(ServiceTaskSerializer(done).data)

    @extend_schema(request=ActionRecordInput, responses={201: ServiceTaskSerializer, 409: OpenApiResponse()})
    def create(self, request, *args, **kwargs):
        data = ActionRecordInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        task = services.action_record(by=request.user, **data.validated_data)
        return Response(ServiceTaskSerializer(task).data, status=201)

    @extend_schema(
        request=None,
        responses={200: ServiceTaskSerializer, 409: OpenApiResponse(description="done, or someone else's")},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def take(self, request, pk=None):
        """Take an open, unassigned task (or one already yours), as on the my-tasks page."""
        task = access.access_service_task(request.user, pk, "change")
        task = services.task_take(task=task, by=request.user)
        return Response(ServiceTaskSerializer(task).data)

    @extend_schema(request=AssignInput, responses={200: ServiceTaskSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def assign(self, request, pk=None):
        task = access.access_service_task(request.user, pk, "assign")
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.tasks_assign(task_ids=[task.pk], by=request.user, **data.validated_data)
        task.refresh_from_db()
        return Response(ServiceTaskSerializer(task).data)


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


class StepViewSet(viewsets.ReadOnlyModelViewSet):
    """The 6+2 catalogue: the eight steps with their standard and optional actions and check questions
    (the group centre edits it in the admin)."""

    queryset = Step.objects.prefetch_related("actions", "questions")
    serializer_class = StepSerializer
    pagination_class = None


class PlanItemFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")
    action = django_filters.CharFilter(field_name="action__code", max_length=40)
    after = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte")

    class Meta:
        model = PlanItem
        fields = ["project", "action"]


class PlannedFirstPagination(IdCursorPagination):
    ordering = ("planned_on", "id")


class PlanItemViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Each project's plan of 6+2 actions on dates; POST …/attendees/ marks who took part."""

    queryset = PlanItem.objects.select_related("action")
    serializer_class = PlanItemSerializer
    filterset_class = PlanItemFilter
    pagination_class = PlannedFirstPagination

    def get_permissions(self):
        # A change asks organization.access for the item (the service-task permission, as the board).
        if self.action == "partial_update":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(responses={201: PlanItemSerializer, 409: OpenApiResponse()})
    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.plan_item_add(**data.validated_data)
        return Response(self.get_serializer(item).data, status=201)

    @extend_schema(
        request=PlanItemChangeInput,
        responses={
            200: PlanItemSerializer,
            409: OpenApiResponse(
                description="attendance already recorded, or the action is planned that day"
            ),
        },
    )
    def partial_update(self, request, pk=None):
        """Move the item to another day or change its note, until attendance is recorded for it."""
        item = access.access_plan_item(request.user, pk, "change")
        data = PlanItemChangeInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {"planned_on": item.planned_on, "note": item.note, **data.validated_data}
        item = services.plan_item_update(item=item, by=request.user, **values)
        return Response(self.get_serializer(item).data)

    @extend_schema(request=AttendeesInput, responses={200: PlanItemSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def attendees(self, request, pk=None):
        item = access.access_plan_item(request.user, pk, "change")
        data = AttendeesInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.plan_item_mark_attendees(
            item=item, customers=data.validated_data["customers"], by=request.user
        )
        return Response(self.get_serializer(item).data)


def _figures(rows) -> list[dict]:
    return [
        {"name": str(name), "done": done, "total": total, "percent": percent}
        for name, done, total, percent in rows
    ]


def _visible_project(user, project_id: int) -> Project:
    project = Project.objects.visible_to(user).filter(pk=project_id).first()
    if project is None:
        raise NotFound
    return project


class ServiceBoardView(APIView):
    """A project's 6+2 board (the page's figures): done, due and overdue work per step and action."""

    permission_classes = [requires("touchpoints.view_servicetask")]

    @extend_schema(parameters=[BoardQuery], responses={200: ServiceBoardOut})
    def get(self, request):
        query = BoardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        project = _visible_project(request.user, query.validated_data["project"])
        steps = selectors.project_board(project=project, today=timezone.localdate())
        return Response(
            {
                "project": project.pk,
                "steps": [
                    {
                        "step": row.step.code,
                        "name": row.step.name,
                        "done": row.done,
                        "due": row.due,
                        "overdue": row.overdue,
                        "done_percent": row.done_percent,
                        "actions": [{"name": name, **counts} for name, counts in row.by_action.items()],
                    }
                    for row in steps
                ],
            }
        )


class QuarterlyCheckView(APIView):
    """The quarterly execution check of a project (the page's table and CSV): per step, the coverage
    of each standard action due in the quarter and the owners' yes/no answers, with the step's score."""

    permission_classes = [requires("touchpoints.view_servicetask")]

    @extend_schema(parameters=[CheckQuery], responses={200: QuarterlyCheckOut})
    def get(self, request):
        query = CheckQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        project = _visible_project(request.user, query.validated_data["project"])
        quarter = (
            selectors.Quarter.parse(query.validated_data["quarter"])
            if query.validated_data.get("quarter")
            else selectors.Quarter.of(timezone.localdate())
        )
        steps = selectors.quarterly_check(project=project, quarter=quarter)
        return Response(
            {
                "project": project.pk,
                "quarter": quarter.label,
                "steps": [
                    {
                        "step": row.step.code,
                        "name": row.step.name,
                        "score": row.score,
                        "actions": _figures(row.actions),
                        "questions": _figures(row.questions),
                    }
                    for row in steps
                ],
            }
        )
