from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.api import ScopedRelatedField
from customers.models import Customer
from organization.models import Project, User

from .models import (
    CHANNEL_CHOICES,
    OUTCOME_CHOICES,
    ActionType,
    CheckAnswer,
    CheckQuestion,
    PlanItem,
    ServiceTask,
    Step,
)


class ServiceTaskSerializer(serializers.ModelSerializer):
    action_code = serializers.CharField(source="action.code", read_only=True)
    action_name = serializers.CharField(source="action.name", read_only=True)
    step = serializers.CharField(source="action.step.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = ServiceTask
        fields = [
            "id",
            "step",
            "action_code",
            "action_name",
            "project",
            "unit",
            "customer",
            "customer_name",
            "occasion",
            "due_on",
            "assignee",
            "status",
            "done_at",
            "done_by",
            "note",
            "outcome",
            "channel",
        ]


def _outcome_fields():
    """Outcome and channel of a call-back or visit: required for those (a 400 names them when
    missing), refused for any other action. "not_recorded" marks legacy rows and cannot be sent."""
    outcome = serializers.ChoiceField(
        choices=OUTCOME_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "Call-backs and visits: what happened. Required for them, not allowed otherwise."
        ),
    )
    channel = serializers.ChoiceField(
        choices=CHANNEL_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy(
            "Call-backs and visits: how the owner was reached. Required for them, not allowed otherwise."
        ),
    )
    return outcome, channel


class ActionRecordInput(serializers.Serializer):
    action = serializers.SlugRelatedField(slug_field="code", queryset=ActionType.objects.all())
    project = ScopedRelatedField(Project)
    customer = ScopedRelatedField(Customer)
    plan_item = ScopedRelatedField(PlanItem, required=False)
    done_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    outcome, channel = _outcome_fields()


class AssignInput(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True
    )


class CompleteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    outcome, channel = _outcome_fields()


class CheckAnswerSerializer(serializers.ModelSerializer):
    question = serializers.SlugRelatedField(slug_field="code", queryset=CheckQuestion.objects.all())
    project = ScopedRelatedField(Project)
    customer = ScopedRelatedField(Customer)
    quarter = serializers.RegexField(
        r"^20\d{2}Q[1-4]$",
        error_messages={"invalid": gettext_lazy("Give the quarter as YYYYQn, e.g. 2026Q4.")},
    )

    class Meta:
        model = CheckAnswer
        fields = ["id", "question", "project", "customer", "quarter", "answer", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]
        validators = []  # a repeated answer is a 409 from the service, not a 400


class ActionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionType
        fields = ["code", "name", "standard"]


class CheckQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckQuestion
        fields = ["code", "text"]


class StepSerializer(serializers.ModelSerializer):
    actions = ActionTypeSerializer(many=True, read_only=True)
    questions = CheckQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Step
        fields = ["id", "order", "code", "name", "moment", "actions", "questions"]


class PlanItemSerializer(serializers.ModelSerializer):
    action = serializers.SlugRelatedField(slug_field="code", queryset=ActionType.objects.all())
    project = ScopedRelatedField(Project)

    class Meta:
        model = PlanItem
        fields = ["id", "project", "action", "planned_on", "note"]
        validators = []  # a second item on the same day is a 409 from the service


class AttendeesInput(serializers.Serializer):
    customers = ScopedRelatedField(Customer, many=True)

    def validate_customers(self, customers):
        if not customers:
            raise serializers.ValidationError(gettext_lazy("Give at least one customer."))
        if len({customer.pk for customer in customers}) != len(customers):
            raise serializers.ValidationError(gettext_lazy("A customer is listed twice."))
        return customers


class PlanItemChangeInput(serializers.Serializer):
    """Only the fields sent change; the project and the action stay (plan another item instead)."""

    planned_on = serializers.DateField()
    note = serializers.CharField(max_length=200, allow_blank=True)


class CheckQuery(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quarter = serializers.RegexField(
        r"^20\d{2}Q[1-4]$",
        required=False,
        help_text=gettext_lazy("YYYYQn, e.g. 2026Q4; this quarter when left out."),
        error_messages={"invalid": gettext_lazy("Give the quarter as YYYYQn, e.g. 2026Q4.")},
    )


class CheckFigureOut(serializers.Serializer):
    name = serializers.CharField()
    done = serializers.IntegerField(help_text=gettext_lazy("Actions done, or owners who answered yes."))
    total = serializers.IntegerField(help_text=gettext_lazy("Actions due, or owners who answered."))
    percent = serializers.FloatField(allow_null=True)


class StepCheckOut(serializers.Serializer):
    step = serializers.CharField(help_text=gettext_lazy("The step's code."))
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    actions = CheckFigureOut(many=True)
    questions = CheckFigureOut(many=True)


class QuarterlyCheckOut(serializers.Serializer):
    project = serializers.IntegerField()
    quarter = serializers.CharField()
    steps = StepCheckOut(many=True)


class BoardQuery(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class ActionCoverageOut(serializers.Serializer):
    name = serializers.CharField()
    done = serializers.IntegerField()
    due = serializers.IntegerField()
    overdue = serializers.IntegerField()


class StepCoverageOut(serializers.Serializer):
    step = serializers.CharField(help_text=gettext_lazy("The step's code."))
    name = serializers.CharField()
    done = serializers.IntegerField()
    due = serializers.IntegerField()
    overdue = serializers.IntegerField()
    done_percent = serializers.FloatField(allow_null=True)
    actions = ActionCoverageOut(many=True)


class ServiceBoardOut(serializers.Serializer):
    project = serializers.IntegerField()
    steps = StepCoverageOut(many=True)
