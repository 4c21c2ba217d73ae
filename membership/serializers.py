from decimal import Decimal

from rest_framework import serializers

from core.api import ScopedRelatedField
from customers import rules as customer_rules

from . import rules
from .models import Event, EventSignup, Gift, Member, PointEntry, Redemption


class MemberSerializer(serializers.ModelSerializer):
    """A member as the API shows it; the phone is always masked here."""

    name = serializers.CharField(source="customer.name", read_only=True)
    phone = serializers.SerializerMethodField()
    benefits = serializers.SerializerMethodField()

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
        ]
        read_only_fields = fields

    def get_seats_left(self, event) -> int:
        return 0 if event.called_off_at else max(0, event.capacity - event.confirmed_count)


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
