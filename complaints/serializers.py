from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Customer
from customers.serializers import validate_phone
from organization.models import Project, Unit

from . import rules
from .forms import validate_received_at
from .models import TIER_REASON_LABELS, Attachment, Complaint, ComplaintEvent, Repair, Status
from .risk_serializers import RiskSignalSerializer

REASONS_HELP = "; ".join(f"`{code}`: {label}" for code, label in TIER_REASON_LABELS.items())


class ComplaintEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.__str__", default=None, read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ["id", "kind", "at", "by", "from_value", "to_value", "reasons", "note", "deadline"]


class RepairSerializer(serializers.ModelSerializer):
    contractor_name = serializers.CharField(source="contractor.name", read_only=True)

    class Meta:
        model = Repair
        fields = [
            "id",
            "contractor",
            "contractor_name",
            "work",
            "started_on",
            "finished_on",
            "fixed_first_time",
        ]


class ComplaintSerializer(serializers.ModelSerializer):
    tier_reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=REASONS_HELP
    )
    tier_reason_labels = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "company",
            "project",
            "unit",
            "customer",
            "channel",
            "category",
            "sub_category",
            "status",
            "tier",
            "tier_reasons",
            "tier_reason_labels",
            "title",
            "description",
            "received_at",
            "complainant_count",
            "litigation",
            "media",
            "needs_outside_support",
            "issue_root",
            "follows",
            "follows_reason",
            "reopen_count",
            "first_responder",
            "handler",
            "department",
            "deadline",
            "resolved_at",
            "closed_at",
            "rating",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_tier_reason_labels(self, complaint) -> list[dict]:
        return [
            {"code": code, "label": str(TIER_REASON_LABELS.get(code, code))}
            for code in complaint.tier_reasons
        ]


class ComplaintDetailSerializer(ComplaintSerializer):
    events = ComplaintEventSerializer(many=True, read_only=True)
    repairs = RepairSerializer(many=True, read_only=True)
    # Only on the detail: the list stays one query per page.
    risk_signals = RiskSignalSerializer(many=True, read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "events", "repairs", "risk_signals"]


class ComplaintCreateInput(serializers.ModelSerializer):
    """The public intake contract; related ids must be visible to the caller."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False, allow_null=True)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.none(), required=False, allow_null=True
    )
    same_issue_as = serializers.PrimaryKeyRelatedField(
        queryset=Complaint.objects.none(), required=False, allow_null=True
    )
    follows = serializers.PrimaryKeyRelatedField(
        queryset=Complaint.objects.none(), required=False, allow_null=True
    )
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_phone]
    )
    received_at = serializers.DateTimeField(required=False, validators=[validate_received_at])

    class Meta:
        model = Complaint
        fields = [
            "project",
            "unit",
            "customer",
            "channel",
            "category",
            "sub_category",
            "title",
            "description",
            "received_at",
            "complainant_count",
            "litigation",
            "media",
            "needs_outside_support",
            "same_issue_as",
            "follows",
            "contact_name",
            "contact_phone",
            "department",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        user = request.user
        self.fields["project"].queryset = Project.objects.visible_to(user)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).select_related("building")
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        self.fields["same_issue_as"].queryset = Complaint.objects.visible_to(user)
        self.fields["follows"].queryset = Complaint.objects.visible_to(user)


class TransitionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class TransitionConflict(serializers.Serializer):
    detail = serializers.CharField(help_text=_("Why the flow does not allow it."))
    code = serializers.CharField()


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True, help_text="The sender's file name.")
    from_complainant = serializers.BooleanField(read_only=True)
    added_by = serializers.CharField(source="added_by.__str__", default=None, read_only=True)
    download = serializers.SerializerMethodField(help_text="The file (needs the same credentials).")

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "uploaded_at",
            "from_complainant",
            "added_by",
            "download",
        ]

    def get_download(self, attachment) -> str:
        from django.urls import reverse

        path = reverse("complaint-attachment-download", args=[attachment.complaint_id, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"JPEG, PNG, HEIC or PDF, recognised by content and extension together; at most "
        f"{rules.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB, {rules.MAX_ATTACHMENTS_PER_COMPLAINT} files "
        "per complaint."
    )
