from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.models import Department
from customers.models import Segment
from organization import access
from organization.models import Project

from . import rules, selectors
from .models import (
    Answer,
    ImprovementNote,
    ImprovementPlan,
    Indicator,
    Method,
    Question,
    Questionnaire,
    Respondent,
    SurveyPlan,
    SurveyStage,
)
from .services import survey_link


def segment_field(**kwargs) -> serializers.ChoiceField:
    """A customer segment, or "" for every segment (the schema says both)."""
    return serializers.ChoiceField(choices=Segment.choices, allow_blank=True, **kwargs)


class SurveyPlanSerializer(serializers.ModelSerializer):
    segment = segment_field(read_only=True)

    class Meta:
        model = SurveyPlan
        fields = [
            "id",
            "year",
            "name",
            "company",
            "project",
            "stage",
            "segment",
            "questionnaire",
            "sample_size",
            "method",
            "opens_on",
            "closes_on",
            "exclude_months",
            "status",
        ]
        read_only_fields = fields


class SurveyPlanInput(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    name = serializers.CharField(max_length=100)
    stage = serializers.ChoiceField(choices=SurveyStage.choices)
    segment = serializers.ChoiceField(choices=[("", ""), *Segment.choices], required=False, default="")
    sample_size = serializers.IntegerField(min_value=1, max_value=rules.SAMPLE_SIZE_MAX)
    method = serializers.ChoiceField(choices=Method.choices)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    exclude_months = serializers.IntegerField(
        min_value=0, max_value=60, required=False, default=rules.DEFAULT_EXCLUDE_MONTHS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user)


class SampleOut(serializers.Serializer):
    drawn = serializers.IntegerField()


class RespondentSerializer(serializers.ModelSerializer):
    segment = segment_field(read_only=True)
    link = serializers.SerializerMethodField()

    class Meta:
        model = Respondent
        fields = [
            "id",
            "plan",
            "customer",
            "project",
            "year",
            "stage",
            "segment",
            "method",
            "status",
            "started_at",
            "completed_at",
            "reminders_sent",
            "link",
        ]
        read_only_fields = fields

    def get_link(self, respondent) -> str | None:
        """The private answer link (send it to this owner only); null for callers without the right
        to see links (auditors, integrators): the link is a key to the owner's survey."""
        request = self.context.get("request")
        if request is None or not request.user.has_perm("surveys.view_respondent_link"):
            return None
        return survey_link(respondent.token)


class AnswerItemInput(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    value = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=32767)
    expectation = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=32767)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AnswersInput(serializers.Serializer):
    answers = AnswerItemInput(many=True, allow_empty=True)
    complete = serializers.BooleanField(
        default=True, help_text=gettext_lazy("Finish the survey when every required question is answered.")
    )


class AnswersOut(serializers.Serializer):
    saved = serializers.IntegerField()
    completed = serializers.BooleanField()
    errors = serializers.DictField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.IntegerField())


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Answer
        fields = ["id", "respondent", "question", "value", "expectation", "score", "text", "answered_at"]
        read_only_fields = fields


class ImprovementPlanSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "company",
            "project",
            "indicator",
            "survey",
            "baseline_score",
            "goal",
            "department",
            "owner",
            "deadline",
            "measures",
            "status",
            "overdue",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_overdue(self, plan) -> bool:
        from django.utils import timezone

        return rules.is_overdue(deadline=plan.deadline, status=plan.status, today=timezone.localdate())


class MovementOut(serializers.Serializer):
    year = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)


class ImprovementNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImprovementNote
        fields = ["id", "author", "text", "at"]
        read_only_fields = fields


class ImprovementPlanDetailSerializer(ImprovementPlanSerializer):
    next_survey = serializers.SerializerMethodField()
    notes = ImprovementNoteSerializer(many=True, read_only=True)

    class Meta(ImprovementPlanSerializer.Meta):
        fields = [*ImprovementPlanSerializer.Meta.fields, "next_survey", "notes"]
        read_only_fields = fields

    @extend_schema_field(MovementOut(allow_null=True))
    def get_next_survey(self, plan) -> dict | None:
        """The indicator's score in the next survey and its change since the plan was made."""
        request = self.context.get("request")
        if request is None:
            return None
        return selectors.plan_movement(user=request.user, plan=plan)


class ImprovementPlanInput(serializers.ModelSerializer):
    class Meta:
        model = ImprovementPlan
        fields = ["project", "indicator", "goal", "department", "owner", "deadline", "measures"]
        extra_kwargs = {"project": {"required": True, "allow_null": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user)
            self.fields["owner"].queryset = access.assignable_staff(
                request.user, None, perm=access.OWN_IMPROVEMENT_PLANS
            )


class FollowUpInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=ImprovementPlan.Status.choices, required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReportQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    company = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    project = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class ScorecardQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


# --- The catalogue (read): indicators and questionnaires with their questions ---------------------


class IndicatorSerializer(serializers.ModelSerializer):
    department = serializers.ChoiceField(
        choices=Department.choices,
        allow_blank=True,
        read_only=True,
        help_text=gettext_lazy("Direction indicators: the responsible department; empty otherwise."),
    )

    class Meta:
        model = Indicator
        fields = ["id", "level", "parent", "code", "name", "order", "department"]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "order", "text", "kind", "indicator", "scale_max", "required"]
        read_only_fields = fields


class QuestionnaireSerializer(serializers.ModelSerializer):
    segment = segment_field(read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "name", "stage", "segment", "intro", "questions"]
        read_only_fields = fields


class WeightsInput(serializers.Serializer):
    """The scorecard's weights of a year in percent: they add up to 100 and satisfaction weighs
    more than profit (the service's rules, a 400 with a code)."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    satisfaction = serializers.IntegerField(min_value=0, max_value=100)
    complaint_handling = serializers.IntegerField(min_value=0, max_value=100)
    loyalty = serializers.IntegerField(min_value=0, max_value=100)
    profit = serializers.IntegerField(min_value=0, max_value=100)


class WeightsOut(serializers.Serializer):
    year = serializers.IntegerField()
    satisfaction = serializers.IntegerField()
    complaint_handling = serializers.IntegerField()
    loyalty = serializers.IntegerField()
    profit = serializers.IntegerField()
