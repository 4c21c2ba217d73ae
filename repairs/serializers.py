from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints import rules as complaint_rules
from complaints.models import Contractor, DefectType
from core.api import ScopedRelatedField
from customers.models import Customer
from organization.models import Unit

from .models import Channel, RepairEvent, RepairPhoto, RepairRequest, RepairVisit


class RepairVisitSerializer(serializers.ModelSerializer):
    contractor_name = serializers.CharField(source="contractor.name", read_only=True)

    class Meta:
        model = RepairVisit
        fields = [
            "id",
            "contractor",
            "contractor_name",
            "window_from",
            "window_to",
            "outcome",
            "note",
            "dispatched_at",
            "recorded_at",
            "recorded_by",
        ]


class RepairEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RepairEvent
        fields = ["kind", "at", "by", "from_status", "to_status", "note"]


class RepairRequestSerializer(serializers.ModelSerializer):
    defect_type_code = serializers.CharField(source="defect_type.code", read_only=True)
    complaint_number = serializers.CharField(source="complaint.number", read_only=True, default=None)

    class Meta:
        model = RepairRequest
        fields = [
            "id",
            "number",
            "company",
            "unit",
            "customer",
            "defect_type",
            "defect_type_code",
            "description",
            "channel",
            "status",
            "warranty",
            "warranty_ends_on",
            "contractor",
            "appointment_from",
            "appointment_to",
            "reported_at",
            "fixed_at",
            "closed_at",
            "confirmed_via",
            "follow_up_by",
            "follow_up_due_at",
            "complaint",
            "complaint_number",
            "conversion_reason",
            "version",
        ]
        read_only_fields = fields


class RepairRequestDetailSerializer(RepairRequestSerializer):
    visits = RepairVisitSerializer(many=True, read_only=True)
    events = RepairEventSerializer(many=True, read_only=True)

    class Meta(RepairRequestSerializer.Meta):
        fields = [*RepairRequestSerializer.Meta.fields, "visits", "events"]
        read_only_fields = fields


class RepairCreateInput(serializers.Serializer):
    unit = ScopedRelatedField(Unit)
    customer = ScopedRelatedField(Customer, required=False, allow_null=True)
    defect_type = serializers.PrimaryKeyRelatedField(queryset=DefectType.objects.all())
    description = serializers.CharField(max_length=5000)
    channel = serializers.ChoiceField(
        choices=[Channel.STAFF, Channel.PHONE, Channel.API],
        default=Channel.API,
        help_text=_("How it came in."),
    )


class RepairVersionInput(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The repair's `version` you read (409 when stale)."
    )


class RepairDispatchInput(RepairVersionInput):
    contractor = serializers.PrimaryKeyRelatedField(queryset=Contractor.objects.all())
    window_from = serializers.DateTimeField()
    window_to = serializers.DateTimeField()


class RepairVisitInput(RepairVersionInput):
    outcome = serializers.ChoiceField(choices=RepairVisit.Outcome.choices)
    note = serializers.CharField(max_length=500, required=False, default="")


class RepairFollowUpInput(RepairVersionInput):
    fixed = serializers.BooleanField(help_text="What the owner said on the follow-up call.")
    note = serializers.CharField(max_length=2000, required=False, default="")


class RepairConvertInput(RepairVersionInput):
    note = serializers.CharField(max_length=2000, required=False, default="")


class ContractorStatisticsRowOut(serializers.Serializer):
    contractor = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    volume = serializers.IntegerField(help_text="Warranty repairs and complaint repairs together.")
    repairs = serializers.IntegerField(help_text="Warranty repairs reported in the month.")
    complaint_repairs = serializers.IntegerField(
        help_text="Construction complaints' repairs started in the month."
    )
    judged = serializers.IntegerField(help_text="Repairs with a visit said fixed or not fixed.")
    fixed_first_time = serializers.IntegerField()
    fixed = serializers.IntegerField()
    first_time_fix_rate = serializers.FloatField(allow_null=True)
    average_days_to_fix = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField()


class ContractorStatisticsOut(serializers.Serializer):
    period = serializers.CharField()
    contractors = ContractorStatisticsRowOut(many=True)


class RepairPhotoUploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"JPEG, PNG, HEIC or PDF, recognised by content and extension together; at most "
        f"{complaint_rules.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB, "
        f"{complaint_rules.MAX_ATTACHMENTS_PER_COMPLAINT} files per repair."
    )


class RepairPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The file, for a signed-in member of staff.")

    class Meta:
        model = RepairPhoto
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, photo) -> str:
        return reverse("repair-photo", args=[photo.repair_id, photo.pk])
