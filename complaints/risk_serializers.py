"""The REST shapes of risk facts and risk signals (``complaints.risk_api``; the signals also appear in
``ComplaintDetailSerializer``). They translate; ``services.risk`` decides, so the page and the API
refuse the same things with the same messages and codes."""

from rest_framework import serializers

from . import rules
from .models import Litigation, Media, RiskSignal


class RiskSignalSerializer(serializers.ModelSerializer):
    words = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="The words in the text that raised it."
    )

    class Meta:
        model = RiskSignal
        fields = ["id", "signal", "words", "source", "at", "state"]


class FactsInput(serializers.Serializer):
    """The facts to change; a fact left out stays as it is."""

    litigation = serializers.ChoiceField(choices=Litigation.choices, required=False)
    media = serializers.ChoiceField(choices=Media.choices, required=False)
    complainant_count = serializers.IntegerField(
        required=False,
        help_text=f"From 1 to {rules.MAX_COMPLAINANTS}.",
    )
    needs_outside_support = serializers.BooleanField(required=False)
    note = serializers.CharField(
        max_length=5000, allow_blank=True, help_text="Why the facts changed (required, not blank)."
    )


class SignalConfirmInput(serializers.Serializer):
    complainant_count = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Required to confirm a collective signal: how many complain together "
        f"({rules.COLLECTIVE_MIN_COMPLAINANTS} or more).",
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class SignalDismissInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, allow_blank=True, help_text="Why the signal is wrong (required, not blank)."
    )
