"""The surveys REST surface: plans, respondents (the private links) and their answers, improvement
plans, the report and the scorecard. Everything is scoped to the caller's companies."""

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ID_PATTERN, ScopedReadOnlyViewSet
from core.filters import IdFilter
from core.permissions import requires

from . import rules, selectors, services
from .models import Answer, ImprovementPlan, Indicator, Questionnaire, Respondent, SurveyPlan
from .serializers import (
    AnswerSerializer,
    AnswersInput,
    AnswersOut,
    FollowUpInput,
    ImprovementPlanDetailSerializer,
    ImprovementPlanInput,
    ImprovementPlanSerializer,
    IndicatorSerializer,
    QuestionnaireSerializer,
    ReportQuery,
    RespondentSerializer,
    SampleOut,
    ScorecardQuery,
    SurveyPlanInput,
    SurveyPlanSerializer,
    WeightsInput,
    WeightsOut,
)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(django_filters.NumberFilter):
    """A plan's year, 2000 to 2100; the schema says so."""


class SurveyPlanFilter(django_filters.FilterSet):
    year = YearFilter(min_value=2000, max_value=2100)
    project = IdFilter(field_name="project_id")
    status = django_filters.ChoiceFilter(choices=SurveyPlan.Status.choices)

    class Meta:
        model = SurveyPlan
        fields = ["year", "project", "status"]


class SurveyPlanViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Survey plans of the yearly programme (who, how, when); POST …/sample/ draws the respondents."""

    queryset = SurveyPlan.objects.all()
    serializer_class = SurveyPlanSerializer
    filterset_class = SurveyPlanFilter

    @extend_schema(request=SurveyPlanInput, responses={201: SurveyPlanSerializer})
    def create(self, request, *args, **kwargs):
        data = SurveyPlanInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        plan = services.plan_create(by=request.user, **data.validated_data)
        return Response(SurveyPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SampleOut, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"], permission_classes=[requires("surveys.change_surveyplan")])
    def sample(self, request, pk=None):
        """Draw the respondents (nobody surveyed within the plan's exclusion months); online plans get
        their invitation SMS. Drawing twice is a 409."""
        return Response({"drawn": services.plan_draw_sample(plan=self.get_object())})

    @extend_schema(request=None, responses={200: SurveyPlanSerializer})
    @action(detail=True, methods=["post"], permission_classes=[requires("surveys.change_surveyplan")])
    def close(self, request, pk=None):
        """Finish the survey: its links stop working and no more reminders are sent (as on the page;
        closing a finished survey changes nothing)."""
        plan = services.plan_close(plan=self.get_object())
        return Response(SurveyPlanSerializer(plan).data)


class RespondentFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    customer = IdFilter(field_name="customer_id")
    status = django_filters.ChoiceFilter(choices=Respondent.Status.choices)

    class Meta:
        model = Respondent
        fields = ["plan", "customer", "status"]


class RespondentViewSet(ScopedReadOnlyViewSet):
    """Sampled respondents with their private links; the call centre posts phone answers to
    …/answers/ (the same rules as the web link: one answer per link, values on the scale)."""

    queryset = Respondent.objects.all()
    serializer_class = RespondentSerializer
    filterset_class = RespondentFilter

    @extend_schema(request=AnswersInput, responses={200: AnswersOut, 400: AnswersOut, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"], permission_classes=[requires("surveys.add_answer")])
    def answers(self, request, pk=None):
        respondent = self.get_object()
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = {
            item["question"]: services.AnswerInput(
                value=item.get("value"), expectation=item.get("expectation"), text=item.get("text", "")
            )
            for item in data.validated_data["answers"]
        }
        result = services.answers_save(
            respondent=respondent,
            answers=given,
            complete=data.validated_data["complete"],
            entered_by=request.user,
        )
        body = {
            "saved": result.saved,
            "completed": result.completed,
            "errors": {str(key): value for key, value in result.errors.items()},
            "missing": result.missing,
        }
        return Response(body, status=400 if result.errors else 200)


class AnswerFilter(django_filters.FilterSet):
    respondent = IdFilter(field_name="respondent_id")
    plan = IdFilter(field_name="respondent__plan_id")

    class Meta:
        model = Answer
        fields = ["respondent", "plan"]


class AnswerViewSet(ScopedReadOnlyViewSet):
    """Answers (scores on 0–100 beside the raw values) of the caller's companies."""

    queryset = Answer.objects.all()
    serializer_class = AnswerSerializer
    filterset_class = AnswerFilter


class ImprovementPlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImprovementPlan.Status.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    indicator = IdFilter(field_name="indicator_id")

    class Meta:
        model = ImprovementPlan
        fields = ["status", "indicator"]

    def filter_overdue(self, queryset, name, value):
        late = selectors.overdue(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class ImprovementPlanViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Improvement plans (改进计划) for low-scoring indicators; POST …/follow-up/ adds a note or
    moves the status (open → in_progress → done, or cancelled)."""

    queryset = ImprovementPlan.objects.select_related("survey")

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related("notes")
        return queryset

    serializer_class = ImprovementPlanSerializer
    filterset_class = ImprovementPlanFilter

    def get_serializer_class(self):
        return ImprovementPlanDetailSerializer if self.action == "retrieve" else ImprovementPlanSerializer

    @extend_schema(request=ImprovementPlanInput, responses={201: ImprovementPlanSerializer})
    def create(self, request, *args, **kwargs):
        data = ImprovementPlanInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        plan = services.improvement_plan_create(by=request.user, **data.validated_data)
        return Response(ImprovementPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FollowUpInput, responses={200: ImprovementPlanSerializer, 409: OpenApiResponse()})
    @action(
        detail=True,
        methods=["post"],
        url_path="follow-up",
        permission_classes=[requires("surveys.change_improvementplan")],
    )
    def follow_up(self, request, pk=None):
        data = FollowUpInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.improvement_plan_follow_up(
            plan=self.get_object(), by=request.user, **data.validated_data
        )
        return Response(ImprovementPlanSerializer(plan).data)


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """The indicator tree (assessment → direction → operation), the same for every company (the
    group centre edits it in the admin); ``parent`` links a node to the level above."""

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    pagination_class = None
    lookup_value_regex = ID_PATTERN


class QuestionnaireViewSet(viewsets.ReadOnlyModelViewSet):
    """Questionnaires per owner stage (and segment) with their questions in order; each scored
    question names its indicator. The same for every company (edited in the admin)."""

    queryset = Questionnaire.objects.prefetch_related("questions")
    serializer_class = QuestionnaireSerializer
    pagination_class = None
    lookup_value_regex = ID_PATTERN


class SurveyReportView(APIView):
    """The survey report of a year: indicator tree with scores (0–100) and last year's, satisfaction
    and loyalty per company, project, stage and segment with response rates, questions with
    expectation vs experience."""

    permission_classes = [requires("surveys.view_answer")]

    @extend_schema(parameters=[ReportQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        query = ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = selectors.report_scope(
            user=request.user,
            year=data["year"],
            company_id=data.get("company"),
            project_id=data.get("project"),
        )
        if scope is None:
            raise NotFound
        return Response(selectors.survey_report(user=request.user, scope=scope))


class ScorecardView(APIView):
    """The performance scorecard per company and department for a year, with the weights."""

    permission_classes = [requires("surveys.view_scorecardweights")]

    @extend_schema(parameters=[ScorecardQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        query = ScorecardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["year"]
        weights = selectors.weights_for(year)
        rows = selectors.scorecard(user=request.user, year=year, weights=weights)
        return Response({"year": year, "weights": weights.__dict__, "companies": rows})


class ScorecardWeightsView(APIView):
    """Set the scorecard's weights of a year, as the group centre does on the scorecard page."""

    permission_classes = [requires("surveys.change_scorecardweights")]

    @extend_schema(request=WeightsInput, responses={200: WeightsOut})
    def put(self, request):
        data = WeightsInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        year = values.pop("year")
        row = services.weights_set(year=year, weights=rules.Weights(**values), by=request.user)
        return Response(
            {
                "year": row.year,
                "satisfaction": row.satisfaction,
                "complaint_handling": row.complaint_handling,
                "loyalty": row.loyalty,
                "profit": row.profit,
            }
        )
