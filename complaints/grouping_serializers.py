"""The REST shapes of issue groups and second complaints (clusters, linking, unlinking)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Category
from .services.grouping import CLUSTER_LINK_MAX

MAX_ID = 10**18 - 1  # ids are 64-bit; the URL patterns allow 18 digits


class ClusterMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class ClusterSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    project_name = serializers.CharField()
    building = serializers.IntegerField(
        source="building_id",
        allow_null=True,
        help_text="Null: the unit is unknown; the cluster is the project's.",
    )
    building_name = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    complainants = serializers.IntegerField(help_text="Distinct complainants (customer file, else phone).")
    complaints = serializers.SerializerMethodField()
    first_received_at = serializers.DateTimeField()
    last_received_at = serializers.DateTimeField()

    @extend_schema_field(ClusterMemberSerializer(many=True))
    def get_complaints(self, cluster) -> list[dict]:
        return [{"id": pk, "number": number} for pk, number in cluster.complaints]


class ClusterLinkInput(serializers.Serializer):
    complaints = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=2,
        max_length=CLUSTER_LINK_MAX,
        help_text="Ids of the complaints to make one issue group (a cluster's, or any of one company).",
    )


class IssueGroupSerializer(serializers.Serializer):
    issue_root = serializers.IntegerField(source="pk", help_text="The group's first complaint.")
    number = serializers.CharField()
    tier = serializers.CharField()
    complaints = serializers.SerializerMethodField()

    def get_complaints(self, root) -> list[int]:
        return sorted([root.pk, *root.issue_members.values_list("pk", flat=True)])


class UnlinkFollowsInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("Why it is not a second complaint after all."))
