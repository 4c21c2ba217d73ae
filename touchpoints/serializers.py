from django.utils.translation import gettext_lazy
from rest_framework import serializers

from customers.models import Customer
from organization.models import Project

from .models import CheckAnswer, CheckQuestion, ServiceTask


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
        ]


class CompleteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CheckAnswerSerializer(serializers.ModelSerializer):
    question = serializers.SlugRelatedField(slug_field="code", queryset=CheckQuestion.objects.all())
    quarter = serializers.RegexField(
        r"^20\d{2}Q[1-4]$",
        error_messages={"invalid": gettext_lazy("Give the quarter as YYYYQn, e.g. 2026Q4.")},
    )

    class Meta:
        model = CheckAnswer
        fields = ["id", "question", "project", "customer", "quarter", "answer", "recorded_at"]
        read_only_fields = ["id", "recorded_at"]
        validators = []  # a repeated answer is a 409 from the service, not a 400

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user)
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user)
