from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from core.api import ScopedRelatedField
from customers import rules as customer_rules
from customers.models import Customer
from organization.models import Company, Project

from . import rules, selectors
from .forms import MAX_CAPACITY, MAX_POINTS, MAX_STOCK
from .models import (
    Campaign,
    Event,
    EventSignup,
    Gift,
    Member,
    Merchant,
    Offer,
    OfferCode,
    PointEntry,
    Redemption,
    Referral,
)


class MemberListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        members = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        selectors.seen_by(members, request.user if request is not None else None)
        return super().to_representation(members)


class MemberSerializer(serializers.ModelSerializer):
    """A member as the API shows it to the caller's company (万客会 across companies): its own file
    of the person (``customer``, name, phone, always masked) and the homes bought from it; level,
    balance and number are the member's, one ledger for every company that serves them."""

    name = serializers.CharField(source="customer.name", read_only=True)
    phone = serializers.SerializerMethodField()
    benefits = serializers.SerializerMethodField()
    homes = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "number",
            "customer",
            "name",
            "phone",
            "company",
            "level",
            "status",
            "homes",
            "balance",
            "earned_total",
            "benefits",
            "joined_via",
            "referred_by",
            "joined_at",
        ]
        read_only_fields = fields
        list_serializer_class = MemberListSerializer

    def to_representation(self, member):
        request = self.context.get("request")
        user = request.user if request is not None else None
        if getattr(member, "seen_by", False) != getattr(user, "pk", None) or not hasattr(
            member, "seen_homes"
        ):
            selectors.seen_by([member], user)
        return super().to_representation(member)

    def get_homes(self, member) -> int:
        """Homes the member bought from the caller's company (all of them for group-level callers)."""
        return member.seen_homes

    def get_phone(self, member) -> str:
        return customer_rules.mask_phone(member.customer.phone)

    def get_benefits(self, member) -> list[str]:
        """Codes of what the member's level brings (points, events, discount_1, discount_2,
        priority_selection)."""
        return rules.benefits_for(member.level)


class PointEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PointEntry
        fields = ["id", "member", "delta", "kind", "reason", "source", "created_at", "expires_at"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    seats_left = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "company",
            "project",
            "title",
            "kind",
            "starts_at",
            "place",
            "capacity",
            "confirmed_count",
            "seats_left",
            "points",
            "called_off_at",
            "call_off_reason",
            "version",
        ]
        read_only_fields = fields

    def get_seats_left(self, event) -> int:
        return 0 if event.called_off_at else max(0, event.capacity - event.confirmed_count)


# The company of a new record is decided by organization.access.write_company_for, in the service:
# another company's id is refused there with its code (own_company_only), not by this field.
COMPANY_HELP = _("Group-level callers name the company; a company's own users may leave it out.")


class EventPlanInput(serializers.Serializer):
    """An event's plan; starting in the future, the project of the event's company and the seats are
    the service's checks (400 with a code)."""

    project = ScopedRelatedField(Project, required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    points = serializers.IntegerField(min_value=0, max_value=MAX_POINTS, default=0)


# Named as the requests of the Event resource (EventRequest, PatchedEventRequest): the schema then
# has one EventKindEnum for the event's kind instead of a hashed name for a shared "kind".
@extend_schema_serializer(component_name="Event")
class EventCreateInput(EventPlanInput):
    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), required=False, allow_null=True, default=None, help_text=COMPANY_HELP
    )


@extend_schema_serializer(component_name="Event")
class EventChangeInput(EventPlanInput):
    """Only the fields sent change (read partially); ``version`` must always be sent."""

    version = serializers.IntegerField(
        min_value=1, help_text=_("The version you read; a newer save in between answers 409.")
    )

    def validate(self, attrs):
        if "version" not in attrs:
            raise serializers.ValidationError(
                {"version": [_("Send the version you read, so that concurrent edits are caught.")]}
            )
        return attrs


class CallOffInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class SignupSerializer(serializers.ModelSerializer):
    class Meta:
        model = EventSignup
        fields = ["id", "event", "member", "status", "channel", "signed_up_at", "attended_at"]
        read_only_fields = fields


class RedemptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Redemption
        fields = ["id", "member", "kind", "gift", "points", "amount", "created_at"]
        read_only_fields = fields


class MemberInput(serializers.Serializer):
    """The member an event action is for."""

    member = ScopedRelatedField(Member)


class GiftInput(serializers.Serializer):
    gift = ScopedRelatedField(Gift)


class FeeOffsetInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))


class GiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Gift
        fields = ["id", "company", "name", "points", "stock", "active"]
        read_only_fields = fields


class GiftCreateInput(serializers.Serializer):
    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), required=False, allow_null=True, default=None, help_text=COMPANY_HELP
    )
    name = serializers.CharField(max_length=100)
    points = serializers.IntegerField(min_value=1, max_value=MAX_POINTS)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_STOCK, default=0)


class GiftStockInput(serializers.Serializer):
    delta = serializers.IntegerField(
        min_value=-MAX_STOCK,
        max_value=MAX_STOCK,
        help_text=_("How many arrived (+) or were written off (−); more than the stock answers 409."),
    )


class MerchantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = ["id", "company", "name", "category", "active"]
        read_only_fields = fields


class MerchantCreateInput(serializers.Serializer):
    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), required=False, allow_null=True, default=None, help_text=COMPANY_HELP
    )
    name = serializers.CharField(max_length=100)
    category = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class OfferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offer
        fields = ["id", "merchant", "title", "points", "valid_until"]
        read_only_fields = fields


class OfferCreateInput(serializers.Serializer):
    merchant = ScopedRelatedField(Merchant)
    title = serializers.CharField(max_length=100)
    points = serializers.IntegerField(min_value=0, max_value=MAX_POINTS, default=0)
    valid_until = serializers.DateField()


# --- What the pages do that the API does too (issue 16: write parity) ----------------------------


class GiftChangeInput(serializers.Serializer):
    """Only the fields sent change; the stock changes through …/stock/ (a delivery or a write-off)."""

    name = serializers.CharField(max_length=100)
    points = serializers.IntegerField(min_value=1, max_value=MAX_POINTS)
    active = serializers.BooleanField(help_text=_("False: no longer offered to members."))


class MerchantChangeInput(serializers.Serializer):
    """Only the fields sent change."""

    name = serializers.CharField(max_length=100)
    category = serializers.CharField(max_length=50, allow_blank=True)
    active = serializers.BooleanField(
        help_text=_("False: the partnership ended; its offers can no longer be claimed.")
    )


class OfferChangeInput(serializers.Serializer):
    """Only the fields sent change; the merchant stays."""

    title = serializers.CharField(max_length=100)
    points = serializers.IntegerField(min_value=0, max_value=MAX_POINTS)
    valid_until = serializers.DateField()


class PartnerEarnInput(serializers.Serializer):
    points = serializers.IntegerField(min_value=1, max_value=MAX_POINTS)
    reason = serializers.CharField(max_length=200)
    idempotency_key = serializers.CharField(
        max_length=64,
        required=False,
        help_text=_(
            "Names the partner's business event (or send the Idempotency-Key header); the same key "
            "again answers with the first entry and writes nothing."
        ),
    )


class CorrectionInput(serializers.Serializer):
    delta = serializers.IntegerField(
        min_value=-MAX_POINTS, max_value=MAX_POINTS, help_text=_("Points added (+) or taken away (−).")
    )
    reason = serializers.CharField(max_length=200)


class MemberStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Member.Status.choices)


class ReferralInput(serializers.Serializer):
    customer = ScopedRelatedField(
        Customer, help_text=_("The new customer's file (of your companies; not a buyer yet).")
    )


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = ["id", "referrer", "customer", "created_at", "rewarded_at"]
        read_only_fields = fields


class OfferInput(serializers.Serializer):
    offer = ScopedRelatedField(Offer)


class OfferCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OfferCode
        fields = ["id", "offer", "member", "code", "issued_at", "used_at"]
        read_only_fields = fields


class CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=20)


class CampaignSerializer(serializers.ModelSerializer):
    segment = serializers.ChoiceField(
        choices=Campaign._meta.get_field("segment").choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "company",
            "audience",
            "segment",
            "channel",
            "subject",
            "body",
            "created_by",
            "created_at",
            "queued",
        ]
        read_only_fields = fields


class CampaignInput(serializers.Serializer):
    """A message to the members of a company; the audience and segment choose whom."""

    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), required=False, allow_null=True, default=None, help_text=COMPANY_HELP
    )
    audience = serializers.ChoiceField(choices=Campaign.Audience.choices)
    segment = serializers.ChoiceField(
        choices=Campaign._meta.get_field("segment").choices, allow_blank=True, required=False, default=""
    )
    channel = serializers.ChoiceField(choices=Campaign.Channel.choices)
    subject = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=500)
