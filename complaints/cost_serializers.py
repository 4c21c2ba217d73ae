"""The cost ledger's API shapes (``services.costs``)."""

from rest_framework import serializers

from .models import ComplaintCost, Contractor


class ComplaintCostSerializer(serializers.ModelSerializer):
    contractor_name = serializers.CharField(source="contractor.name", read_only=True, default="")
    recorded_by_name = serializers.CharField(source="recorded_by.get_full_name", read_only=True)
    reversed = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintCost
        fields = [
            "id",
            "kind",
            "amount",
            "description",
            "contractor",
            "contractor_name",
            "state",
            "reverses",
            "reversed",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
        ]

    def get_reversed(self, cost) -> bool:
        return cost.pk in self.context.get("reversed_ids", ())


class CostTotalsSerializer(serializers.Serializer):
    spent = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Goodwill (money and in kind) and repair cost."
    )
    back_charged = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Back-charges in any state."
    )
    recovered = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Deducted back-charges only."
    )
    net = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="spent - recovered")


class CostLedgerSerializer(serializers.Serializer):
    entries = ComplaintCostSerializer(many=True)
    totals = CostTotalsSerializer()


class CostInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ComplaintCost.Kind.choices)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="Yuan, more than zero; in kind: the value given."
    )
    description = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required in kind: what was given.",
    )
    contractor = serializers.PrimaryKeyRelatedField(
        queryset=Contractor.objects.filter(active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Back-charges only: the liable contractor.",
    )


class CostReverseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)
