"""The defect catalogue and the defect register over the REST API; a complaint's defect type is
set through ``POST /api/v1/complaints/{id}/defect-type/`` (``api.ComplaintViewSet``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ScopedRelatedField
from core.permissions import requires
from organization.models import Building, Project

from .models import DefectType
from .reports import defects as queries


class DefectTypeSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, allow_null=True, read_only=True)

    class Meta:
        model = DefectType
        fields = ["id", "code", "name", "parent", "parent_code", "active", "order"]


class DefectTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The defect catalogue (缺陷分类): top-level types (`parent` null) and their leaf types, which
    construction and design complaints carry. The group centre edits it in the admin."""

    queryset = DefectType.objects.select_related("parent")
    serializer_class = DefectTypeSerializer
    pagination_class = None


class RegisterQuery(serializers.Serializer):
    project = ScopedRelatedField(Project, required=False, help_text="A project the caller sees.")
    building = ScopedRelatedField(Building, required=False, help_text="A building the caller sees.")

    def validate(self, data):
        building, project = data.get("building"), data.get("project")
        if building is not None and project is not None and building.project_id != project.pk:
            raise serializers.ValidationError({"building": [_("The building is not in the chosen project.")]})
        return data


class CountedOut(serializers.Serializer):
    """Counted over the defect register's sources: complaints, warranty repairs."""

    complaints = serializers.IntegerField(help_text="Complaints with the defect type.")
    by_source = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='Per source: {"complaints": n, "repairs": m}.',
    )
    total = serializers.IntegerField(help_text="All sources.")


class RegisterRowOut(CountedOut):
    type_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    parent_code = serializers.CharField()
    parent_name = serializers.CharField()
    units = serializers.IntegerField(help_text="Distinct units affected, across the sources.")


class MonthOut(CountedOut):
    month = serializers.DateField()


class HotspotOut(CountedOut):
    project_id = serializers.IntegerField()
    project_name = serializers.CharField()
    building_id = serializers.IntegerField()
    building_name = serializers.CharField()
    type_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    units = serializers.IntegerField()


class RegisterOut(CountedOut):
    since = serializers.DateField()
    until = serializers.DateField(help_text="Exclusive.")
    units = serializers.IntegerField()
    leaves = RegisterRowOut(many=True)
    parents = RegisterRowOut(many=True)
    months = MonthOut(many=True)
    hotspots = HotspotOut(many=True)


class DefectRegisterView(APIView):
    """The defect register (缺陷登记) of the caller's companies, or of one project or building: typed
    complaints and warranty repairs of the last 12 months by leaf and by parent type, counted per
    source (`by_source`, `complaints`) and in all (`total`), with the distinct units affected, the
    monthly trend, and the hotspots (a building with 3 or more records of one type in 30 days: a
    mass-complaint risk). A project or building outside the caller's companies is a 400."""

    permission_classes = [requires("complaints.view_complaint")]

    @extend_schema(parameters=[RegisterQuery], responses=RegisterOut)
    def get(self, request):
        query = RegisterQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        project, building = query.validated_data.get("project"), query.validated_data.get("building")
        register = queries.defect_register(
            user=request.user,
            as_of=timezone.localdate(),
            project_id=project.pk if project else None,
            building_id=building.pk if building else None,
        )
        return Response(RegisterOut(register).data)


class TopQuery(serializers.Serializer):
    quarter = serializers.RegexField(
        r"^[0-9]{4}-Q[1-4]$", required=False, help_text="e.g. 2026-Q3; the last full quarter when left out."
    )


class TopDefectOut(CountedOut):
    code = serializers.CharField()
    name = serializers.CharField()
    parent_name = serializers.CharField()
    units = serializers.IntegerField()
    projects = serializers.IntegerField()
    share = serializers.FloatField(help_text="Percent of the band's typed complaints and repairs.")


class TopBandOut(serializers.Serializer):
    band = serializers.ChoiceField(choices=queries.BANDS)
    defects = TopDefectOut(many=True)


class TopOut(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField(help_text="Exclusive.")
    bands = TopBandOut(many=True)


class TopDefectsView(APIView):
    """The top defect types of a quarter (complaints and warranty repairs, per source and in all)
    across the caller's companies, per project age (years since
    the project's first handover: 0-1, 1-2, 2-5, 5+, or not delivered yet): the 客户缺陷手册's figures."""

    permission_classes = [requires("complaints.view_complaint")]

    @extend_schema(parameters=[TopQuery], responses=TopOut)
    def get(self, request):
        query = TopQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, until = queries.quarter_bounds(query.validated_data.get("quarter"))
        bands = queries.top_defects(user=request.user, since=since, until=until)
        return Response(
            TopOut(
                {
                    "since": since,
                    "until": until,
                    "bands": [{"band": band, "defects": rows} for band, rows in bands.items()],
                }
            ).data
        )
