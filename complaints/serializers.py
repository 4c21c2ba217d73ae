from rest_framework import serializers

from .models import Complaint


class ComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "company",
            "project",
            "unit",
            "channel",
            "category",
            "status",
            "tier",
            "title",
            "description",
            "received_at",
        ]
