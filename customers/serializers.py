from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import VersionedPatchInput
from organization.feed import MAX_ROWS
from organization.models import Company, Unit

from . import privacy, rules
from .models import Communication, Customer, Gender, Purchase, Segment, SourceChannel
from .services import PROFILE_FIELDS


class CustomerSerializer(serializers.ModelSerializer):
    """A customer as the API shows it: phone and ID number masked unless the caller asked to unmask
    and may (the view records that in the access log)."""

    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    age = serializers.SerializerMethodField()
    owner_phase = serializers.SerializerMethodField()
    # An unknown address is "", which is not an e-mail format; documented as plain text.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "phone",
            "gender",
            "birth_date",
            "age",
            "email",
            "occupation",
            "id_number",
            "children_count",
            "elderly_at_home",
            "income_band",
            "purchase_motive",
            "decoration_style",
            "facility_preferences",
            "service_preferences",
            "stage",
            "owner_phase",
            "moved_in_on",
            "segment",
            "segment_overridden",
            "segment_override_reason",
            "segment_reasons",
            "external_id",
            "version",
            "created_at",
            "updated_at",
        ]
        # Output only (writes use the *Input serializers); choice fields keep their blank option.

    def _unmasked(self) -> bool:
        return self.context.get("unmasked", False)

    def get_phone(self, customer) -> str:
        return privacy.shown_phone(customer, self._unmasked())

    def get_id_number(self, customer) -> str:
        return privacy.shown_id_number(customer, self._unmasked())

    def get_age(self, customer) -> int | None:
        return rules.age_on(customer.birth_date, timezone.localdate()) if customer.birth_date else None

    def get_owner_phase(self, customer) -> str | None:
        return rules.owner_phase(customer.moved_in_on, timezone.localdate())


class CustomerProfileInput(serializers.ModelSerializer):
    """The profile fields a caller may write; every value is checked by the same rules as the forms."""

    class Meta:
        model = Customer
        fields = list(PROFILE_FIELDS)
        # Uniqueness of the ID number within the company is the service's check (a translated 409).
        extra_kwargs = {"id_number": {"validators": [], "required": False}}
        validators = []

    def validate_birth_date(self, value):
        if value:
            problem = rules.birth_date_problem(value, timezone.localdate())
            if problem:
                raise serializers.ValidationError(problem)
        return value

    def validate_id_number(self, value):
        if not value:
            return ""
        try:
            return rules.normalise_id_number(value)
        except rules.InvalidIdNumber:
            raise serializers.ValidationError(_("Enter a valid 18-character resident ID number.")) from None


def validate_phone(value: str) -> str:
    try:
        return rules.normalise_phone(value)
    except rules.InvalidPhone:
        raise serializers.ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 1, optionally with +86.")
        ) from None


EXTERNAL_ID_HELP = _("The record's id in your sales system; unique within the company when given.")


class CustomerUpsertInput(CustomerProfileInput):
    phone = serializers.CharField(max_length=20, validators=[validate_phone])
    external_id = serializers.CharField(max_length=64, required=False, help_text=EXTERNAL_ID_HELP)
    source = serializers.ChoiceField(choices=SourceChannel.choices, default=SourceChannel.SALES)
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all(), required=False)

    class Meta(CustomerProfileInput.Meta):
        fields = [*CustomerProfileInput.Meta.fields, "phone", "source", "company", "external_id"]


class CustomerUpdateInput(CustomerProfileInput):
    phone = serializers.CharField(max_length=20, validators=[validate_phone], required=False)
    external_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text=EXTERNAL_ID_HELP
    )
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version you read; a newer save in between answers 409.")
    )

    class Meta(CustomerProfileInput.Meta):
        fields = [*CustomerProfileInput.Meta.fields, "phone", "version", "external_id"]


class SegmentInput(serializers.Serializer):
    segment = serializers.ChoiceField(choices=[("", "—"), *Segment.choices], allow_blank=True)
    reason = serializers.CharField(max_length=200, allow_blank=True, default="")


class PurchaseSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="unit.building.project_id", read_only=True)

    class Meta:
        model = Purchase
        fields = [
            "id",
            "customer",
            "unit",
            "project",
            "contract_date",
            "price",
            "area",
            "layout",
            "delivery_date",
            "external_id",
            "version",
            "created_at",
        ]
        read_only_fields = ["id", "project", "version", "created_at"]
        extra_kwargs = {
            "area": {"required": False},
            "layout": {"required": False},
            "delivery_date": {
                "help_text": _("The handover (交付) of the unit to the buyer, once it happened.")
            },
            "external_id": {"validators": [], "help_text": EXTERNAL_ID_HELP},
        }
        validators = []  # the (customer, unit) pair is an upsert key, not an error

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user)
            self.fields["unit"].queryset = Unit.objects.visible_to(request.user).select_related(
                "building__project"
            )


class CommunicationSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.__str__", read_only=True, default="")

    class Meta:
        model = Communication
        fields = [
            "id",
            "customer",
            "company",
            "occurred_at",
            "channel",
            "content",
            "staff",
            "staff_name",
            "created_at",
        ]
        read_only_fields = ["id", "company", "staff", "staff_name", "created_at"]
        extra_kwargs = {"occurred_at": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user)


class PurchaseUpdateInput(VersionedPatchInput):
    """A correction of a purchase; the buyer and the unit never change."""

    contract_date = serializers.DateField(required=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    area = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=1, required=False)
    layout = serializers.CharField(max_length=50, required=False)
    delivery_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The handover (交付) of the unit to the buyer, once it happened."),
    )
    external_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text=EXTERNAL_ID_HELP
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The version you read; a newer save in between answers 409."),
    )


class FeedCustomer(serializers.Serializer):
    """The buyer of a fed purchase: found by external id, else by phone in the company, else created."""

    external_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text=EXTERNAL_ID_HELP
    )
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, validators=[validate_phone])
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class PurchaseFeedRow(serializers.Serializer):
    """One purchase of the sales system's feed."""

    external_id = serializers.CharField(max_length=64, help_text=_("The purchase's external id."))
    unit_external_id = serializers.CharField(max_length=64, help_text=_("The unit's external id."))
    customer = FeedCustomer()
    contract_date = serializers.DateField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    area = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=1, required=False)
    layout = serializers.CharField(max_length=50, required=False, allow_blank=True)
    delivery_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The handover (交付) of the unit to the buyer, once it happened."),
    )


class PurchaseFeedInput(serializers.Serializer):
    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(),
        required=False,
        help_text=_("Group-level callers name the company; company callers may give only their own."),
    )
    rows = PurchaseFeedRow(many=True, max_length=MAX_ROWS, allow_empty=False)
