"""Working-day calendars, ``/api/v1/calendars/``:

- ``GET``: the group's default calendar (``company: null``) and each of the caller's companies with
  their own days (a company's day overrides the group's; a day on neither follows the week), for
  ``?year=`` (default: all years);
- ``POST`` ``{"company": id | null, "day": "2027-02-06", "working": false, "name": "春节"}``: set one
  day (a holiday off, or a 调休 working weekend day); the same day again changes it, so a retried POST
  is harmless. ``{"company", "day", "remove": true}`` takes the day off that calendar.

Writing needs ``organization.change_calendarday`` (the group centre; 403 without it). A company
outside the caller's scope is a 400 on ``company`` (it does not exist for them); only group-level users
write the group's calendar (400 ``group_calendar``). ``organization.calendars`` does the work.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from core.api import ScopedRelatedField
from core.permissions import requires

from . import calendars
from .models import CalendarDay, Company


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["day", "working", "name"]


class CalendarQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class CalendarSerializer(serializers.Serializer):
    company = serializers.IntegerField(source="company.pk", allow_null=True, default=None)
    name = serializers.CharField()
    days = CalendarDaySerializer(many=True)


class CalendarDayInput(serializers.Serializer):
    company = ScopedRelatedField(
        Company, allow_null=True, help_text="The company whose calendar it is; null: the group's default."
    )
    day = serializers.DateField()
    working = serializers.BooleanField(
        required=False, help_text="false: a public holiday off; true: a make-up working day (调休)."
    )
    name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    remove = serializers.BooleanField(default=False, help_text="true: take the day off this calendar.")

    def validate(self, data):
        if not data["remove"] and "working" not in data:
            raise serializers.ValidationError({"working": ["This field is required."]})
        return data


class CalendarViewSet(viewsets.ViewSet):
    """Working-day calendars: public holidays and make-up working days (调休) on top of the week."""

    pagination_class = None

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsAuthenticated()]
        return [IsAuthenticated(), requires(calendars.EDIT_CALENDARS)()]

    @extend_schema(
        parameters=[CalendarQuery],
        responses={200: CalendarSerializer(many=True)},
    )
    def list(self, request):
        # A year the database cannot hold (20000) is a 400, not a crash in the date lookup.
        query = CalendarQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = calendars.calendars_for(request.user, query.validated_data.get("year"))
        return Response(CalendarSerializer(found, many=True).data)

    @extend_schema(request=CalendarDayInput, responses={200: CalendarDaySerializer, 204: None})
    def create(self, request):
        data = CalendarDayInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["remove"]:
            calendars.calendar_day_remove(by=request.user, company=values["company"], day=values["day"])
            return Response(status=status.HTTP_204_NO_CONTENT)
        day = calendars.calendar_day_set(
            by=request.user,
            company=values["company"],
            day=values["day"],
            working=values["working"],
            name=values["name"],
        )
        return Response(CalendarDaySerializer(day).data)
