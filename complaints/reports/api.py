"""The report API: the monthly and weekly complaint reports and the contractor statistics."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import requires
from organization.models import Company, Region

from .. import selectors
from . import queries
from .periods import Period
from .serializers import ComplaintReportOut, ContractorReportOut, MonthQuery, WeekQuery


class _ReportView(APIView):
    permission_classes = [requires("complaints.view_complaint")]
    query_class: type[serializers.Serializer]

    def period(self, data) -> Period:
        raise NotImplementedError

    def compute(self, base, period) -> dict | list:
        return queries.complaint_report(base, period)

    def get(self, request):
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            period = self.period(query.validated_data)
        except ValueError:
            raise serializers.ValidationError({"week": [_("There is no such week.")]}) from None
        try:
            base = selectors.report_base(
                user=request.user,
                company_id=query.validated_data.get("company"),
                region_id=query.validated_data.get("region"),
            )
        except (Company.DoesNotExist, Region.DoesNotExist):
            raise NotFound from None
        return Response(self.compute(base, period))


@extend_schema_view(get=extend_schema(parameters=[MonthQuery], responses=ComplaintReportOut))
class MonthlyReportView(_ReportView):
    """The monthly complaint report (客户投诉月报) for the caller's scope, or one company of it."""

    query_class = MonthQuery

    def period(self, data):
        return Period.parse_month(data["month"])


@extend_schema_view(get=extend_schema(parameters=[WeekQuery], responses=ComplaintReportOut))
class WeeklyReportView(_ReportView):
    """The weekly complaint report: the same figures for an ISO week."""

    query_class = WeekQuery

    def period(self, data):
        return Period.parse_week(data["week"])


@extend_schema_view(get=extend_schema(parameters=[MonthQuery], responses=ContractorReportOut))
class ContractorReportView(_ReportView):
    """Monthly repairs per contractor and supplier (月度质量投诉及返修统计), ranked."""

    query_class = MonthQuery

    def period(self, data):
        return Period.parse_month(data["month"])

    def compute(self, base, period):
        return {
            "period": period.label,
            "contractors": queries.contractor_statistics(base, period),
            "back_charges": queries.cost_statistics(base, period)["by_contractor"],
        }
