from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import FieldsBuiltOnce, RowsReadOnce, ScopedRelatedField
from customers.models import Customer
from customers.serializers import validate_phone
from organization import access
from organization.models import Project, Unit

from . import rules, services
from .forms import validate_received_at
from .models import (
    TIER_REASON_LABELS,
    Attachment,
    CallbackOutcome,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintPause,
    Contractor,
    DefectType,
    Department,
    ExternalVerdict,
    PauseReason,
    Repair,
    Status,
    Tier,
)
from .risk_serializers import RiskSignalSerializer

DEFECT_TYPE_HELP = (
    "A leaf type of `GET /api/v1/defect-types/` (one with a parent), active, on a construction or design "
    "complaint only; otherwise 400 `defect_type_not_leaf`, `defect_type_inactive` or `defect_type_category`."
)
REASONS_HELP = "; ".join(f"`{code}`: {label}" for code, label in TIER_REASON_LABELS.items())


class ComplaintEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.__str__", default=None, read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = [
            "id",
            "kind",
            "at",
            "by",
            "from_value",
            "to_value",
            "reasons",
            "note",
            "deadline",
            "visible_to_complainant",
        ]


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


class ComplaintSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
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
            "defect_type",
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
            "external_source",
            "external_ref",
            "external_deadline",
            "external_verdict",
            "resolved_at",
            "closed_at",
            "callback_due_at",
            "response_paused_since",
            "rating",
        ]
        list_serializer_class = RowsReadOnce

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_tier_reason_labels(self, complaint) -> list[dict]:
        return [
            {"code": code, "label": str(TIER_REASON_LABELS.get(code, code))}
            for code in complaint.tier_reasons
        ]


class PossibleDuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="complaint.pk")
    number = serializers.CharField(source="complaint.number")
    status = serializers.ChoiceField(source="complaint.status", choices=Status.choices)
    similarity = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        help_text="1.00: same unit, category and defect type; 0.90 one side untyped or the same phone "
        "instead of the unit; 0.80 the same phone, one side untyped.",
    )


class WithDuplicatesSerializer(ComplaintSerializer):
    """A complaint with its undecided possible duplicates (create and retrieve answers): earlier
    complaints the caller sees of the same unit or phone and category (and defect type when both
    have one), open or handled within 90 days. Decide each with ``POST duplicate-decision/``."""

    possible_duplicates = serializers.SerializerMethodField()

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "possible_duplicates"]

    @extend_schema_field(PossibleDuplicateSerializer(many=True))
    def get_possible_duplicates(self, complaint) -> list[dict]:
        found = services.possible_duplicates(complaint, user=self.context["request"].user)
        return PossibleDuplicateSerializer(found, many=True).data


class ComplaintDetailSerializer(WithDuplicatesSerializer):
    events = ComplaintEventSerializer(many=True, read_only=True)
    repairs = RepairSerializer(many=True, read_only=True)
    # Only on the detail: the list stays one query per page.
    risk_signals = RiskSignalSerializer(many=True, read_only=True)

    class Meta(WithDuplicatesSerializer.Meta):
        fields = [*WithDuplicatesSerializer.Meta.fields, "events", "repairs", "risk_signals"]


class ComplaintCreateInput(FieldsBuiltOnce, serializers.ModelSerializer):
    """The public intake contract; related ids must be visible to the caller."""

    # Scoped when read, so that a field left out costs nothing. The project's duty handler comes
    # along: intake routes to them (complaints.services.ownership).
    project = ScopedRelatedField(Project, select_related=("duty_handler",))
    unit = ScopedRelatedField(Unit, select_related=("building",), required=False, allow_null=True)
    customer = ScopedRelatedField(Customer, required=False, allow_null=True)
    same_issue_as = ScopedRelatedField(Complaint, required=False, allow_null=True)
    follows = ScopedRelatedField(Complaint, required=False, allow_null=True)
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_phone]
    )
    received_at = serializers.DateTimeField(required=False, validators=[validate_received_at])
    defect_type = serializers.PrimaryKeyRelatedField(
        queryset=DefectType.objects.all(),
        required=False,
        allow_null=True,
        help_text=DEFECT_TYPE_HELP,
    )

    class Meta:
        model = Complaint
        fields = [
            "project",
            "unit",
            "customer",
            "channel",
            "category",
            "sub_category",
            "defect_type",
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
            "external_source",
            "external_ref",
            "external_deadline",
        ]
        extra_kwargs = {
            "external_source": {"help_text": "Government channel only (required there)."},
            "external_ref": {"help_text": "The authority's case number; unique per authority and company."},
            "external_deadline": {"help_text": "The authority's deadline; government channel only."},
        }

    def validate(self, data):
        """The three external fields are required for the government channel and refused otherwise."""
        external = ("external_source", "external_ref", "external_deadline")
        if data.get("channel") == Channel.GOVERNMENT:
            missing = {
                name: _("Required for a government referral.") for name in external if not data.get(name)
            }
            if missing:
                raise serializers.ValidationError(missing)
        else:
            given = {name: _("Only for a government referral.") for name in external if data.get(name)}
            if given:
                raise serializers.ValidationError(given)
        return data


@extend_schema_field(OpenApiTypes.INT)
class AssignableStaffField(serializers.PrimaryKeyRelatedField):
    """A person the caller may give the complaint to (``organization.access.assignable_staff`` for the
    complaint's company, as on the page; ``GET /api/v1/staff/`` lists them). Anyone else does not
    exist here."""

    def get_queryset(self):
        return access.assignable_staff(self.context["request"].user, self.context["complaint"].company)


ASSIGN_FIELDS = ("handler", "department", "deadline")


class TransitionInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why, for the timeline. With `resolved` it is the resolution summary the complainant "
        "reads, and required (400 `summary_required` when blank).",
    )
    handler = AssignableStaffField(
        required=False,
        help_text="Only with status `assigned`: who handles the complaint (assigning again while it is "
        "assigned changes the handler). `department` and `deadline` go with it; left out, they stay.",
    )
    department = serializers.ChoiceField(choices=Department.choices, required=False)
    deadline = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, data):
        if data["status"] != Status.ASSIGNED:
            given = [name for name in ASSIGN_FIELDS if name in data]
            if given:
                raise serializers.ValidationError(
                    {key: [_("Only an assignment (status “assigned”) takes this.")] for key in given}
                )
        elif "handler" not in data and ("department" in data or "deadline" in data):
            raise serializers.ValidationError({"handler": [_("Choose a handler.")]})
        return data


class DefectTypeInput(serializers.Serializer):
    defect_type = serializers.PrimaryKeyRelatedField(
        queryset=DefectType.objects.all(), allow_null=True, help_text=DEFECT_TYPE_HELP + " null clears it."
    )


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


# --- The handling actions' request bodies (the services decide; these only parse) ---------------


class HandoverInput(serializers.Serializer):
    to_user = AssignableStaffField(help_text="Who takes over as first responder (首问责任人).")
    note = serializers.CharField(max_length=5000, help_text="Why, and what the next person needs to know.")


class PlanInput(serializers.Serializer):
    measures = serializers.CharField(
        max_length=5000, help_text="What will be done (told to the complainant)."
    )
    deadline = serializers.DateTimeField(help_text="By when; in the future.")


class ProgressInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    visible_to_complainant = serializers.BooleanField(
        default=False,
        help_text="Shown on the complainant's tracking page when true; an internal note when false or "
        "left out.",
    )


class RepairInput(serializers.Serializer):
    contractor = serializers.PrimaryKeyRelatedField(queryset=Contractor.objects.filter(active=True))
    work = serializers.CharField(max_length=500)
    started_on = serializers.DateField()
    finished_on = serializers.DateField(required=False, allow_null=True, default=None)
    fixed_first_time = serializers.BooleanField(required=False, allow_null=True, default=None)


class LowerTierInput(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Tier.choices, help_text="A tier below the current one.")
    reason = serializers.CharField(max_length=500)


class LinkInput(serializers.Serializer):
    earlier = ScopedRelatedField(
        Complaint, help_text="An earlier complaint of the same company about the same issue."
    )


class DuplicateDecisionInput(serializers.Serializer):
    earlier = ScopedRelatedField(Complaint, help_text="One of the complaint's `possible_duplicates`.")
    decision = serializers.ChoiceField(
        choices=[
            (rules.SAME_ISSUE, "same issue: join its issue group"),
            (rules.FOLLOW_UP, "follow-up: a second complaint of the handled earlier one"),
            (rules.SEPARATE, "separate: not the same problem"),
        ]
    )


class CallbackInput(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=CallbackOutcome.choices,
        help_text="`satisfied` lets the complaint close; `not_satisfied` reopens it (the note is the "
        "reason); three `unreachable` since the latest resolve let it close too.",
    )
    note = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the complainant said; required unless `unreachable`.",
    )


class ExternalVerdictInput(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=ExternalVerdict.choices,
        help_text="`accepted` lets the resolved complaint close; `sent_back` reopens it as a redo.",
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False, help_text="When the authority judged; now if left out.")


class RatingInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PauseInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PauseReason.choices)
    note = serializers.CharField(max_length=2000, help_text="Why, for the timeline.")
    until = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the sweep resumes it by itself. More than 15 working days ahead needs a manager "
        "(400 `pause_needs_approval` for anyone else); without it the pause ends after 15 working days.",
    )


class ResumeInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class PauseApprovalInput(serializers.Serializer):
    until = serializers.DateTimeField(
        allow_null=True, help_text="The new resume date; null: until someone resumes it."
    )
    note = serializers.CharField(max_length=2000)


class ComplaintPauseSerializer(serializers.ModelSerializer):
    paused_by = serializers.StringRelatedField()
    # Null until someone approves or resumes the pause; the schema says so.
    approved_by = serializers.StringRelatedField(allow_null=True)
    resumed_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = ComplaintPause
        fields = [
            "id",
            "complaint",
            "reason",
            "note",
            "paused_at",
            "paused_by",
            "until",
            "approved_by",
            "resume_due_at",
            "resumed_at",
            "resumed_by",
            "resume_note",
        ]
