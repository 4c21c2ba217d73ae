from rest_framework import serializers

from .models import ServiceTask


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
