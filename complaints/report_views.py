from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core import charts
from core.exceptions import DomainError
from core.forms import form_errors_text
from core.permissions import requires
from core.staff import staff_ui
from organization.models import Company, Region

from . import report_export, report_jobs, reports, selectors
from .forms import CustomReportForm
from .models import Category, Tier

# --- Staff pages ---------------------------------------------------------------------------------


def _page_report(request):
    month = request.GET.get("month", "")
    try:
        period = reports.Period.parse_month(month) if month else reports.Period.month(*_this_month())
    except ValueError:
        raise Http404 from None
    company_id, region_id = _id_param(request, "company"), _id_param(request, "region")
    try:
        base = selectors.report_base(user=request.user, company_id=company_id, region_id=region_id)
    except (Company.DoesNotExist, Region.DoesNotExist):
        raise Http404 from None
    return base, period, company_id, region_id


def _id_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _this_month() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, today.month


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard(request):
    base, period, company_id, region_id = _page_report(request)
    report = reports.complaint_report(base, period)
    trend = reports.monthly_trend(base, today=(period.end - timezone.timedelta(days=1)).date())
    categories = dict(Category.choices)
    return render(
        request,
        "complaints/dashboard.html",
        {
            "report": report,
            "period": period,
            "company_id": company_id,
            "region_id": region_id,
            "companies": Company.objects.visible_to(request.user),
            "regions": Region.objects.visible_to(request.user).distinct(),
            "custom_form": CustomReportForm(user=request.user, initial={"company_id": company_id}),
            "trend_chart": charts.stacked_columns(trend, [(code, label) for code, label in Tier.choices]),
            "category_chart": charts.horizontal_bars(
                [
                    (str(categories.get(code, code)), count)
                    for code, count in sorted(report["by_category"].items(), key=lambda item: -item[1])
                ]
            ),
            "company_chart": charts.horizontal_bars(
                sorted(report["by_company"].items(), key=lambda item: -item[1])
            ),
            "query": request.GET.urlencode(),
        },
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard_print(request):
    base, period, _company_id, _region_id = _page_report(request)
    report = reports.complaint_report(base, period)
    return render(
        request,
        "complaints/report_print.html",
        {"report": report, "sections": report_export.sections(report), "period": period},
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard_export(request, fmt: str):
    base, period, _company_id, _region_id = _page_report(request)
    report = reports.complaint_report(base, period)
    if fmt == "xlsx":
        response = HttpResponse(
            report_export.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(report_export.to_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaints-{period.label}.{fmt}"'
    return response


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
@require_POST
def custom_report(request):
    form = CustomReportForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("reports")
    try:
        job = report_jobs.custom_report_start(user=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reports")
    return redirect("job-detail", job_id=job.pk)


# --- REST API ----------------------------------------------------------------------------------------


class MonthQuery(serializers.Serializer):
    month = serializers.RegexField(
        r"^20\d{2}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": gettext_lazy("Give the month as YYYY-MM, e.g. 2026-11.")},
    )
    company = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    region = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class WeekQuery(serializers.Serializer):
    week = serializers.RegexField(
        r"^20\d{2}-W(0[1-9]|[1-4]\d|5[0-3])$",
        error_messages={"invalid": gettext_lazy("Give the week as YYYY-Www, e.g. 2026-W47.")},
    )
    company = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    region = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class PeriodOut(serializers.Serializer):
    label = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class CountsOut(serializers.Serializer):
    new = serializers.IntegerField()
    resolved = serializers.IntegerField()
    closed = serializers.IntegerField()
    open_at_end = serializers.IntegerField()


class ComparedCountsOut(CountsOut):
    label = serializers.CharField()


class DurationsOut(serializers.Serializer):
    count = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


class SatisfactionOut(serializers.Serializer):
    rated = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    satisfied_percent = serializers.FloatField(allow_null=True)


class ProjectCountOut(serializers.Serializer):
    project = serializers.IntegerField()
    name = serializers.CharField()
    company = serializers.CharField()
    count = serializers.IntegerField()


class EscalatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    project__name = serializers.CharField()
    company__name = serializers.CharField()
    title = serializers.CharField()
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    tier_reasons = serializers.ListField(child=serializers.CharField())
    reason_labels = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    days_open = serializers.IntegerField()
    current_plan = serializers.CharField(allow_null=True)
    last_update = serializers.DateTimeField(allow_null=True)


class CategoryShareOut(serializers.Serializer):
    category = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField()


class ComplaintReportOut(serializers.Serializer):
    period = PeriodOut()
    counts = CountsOut()
    previous = ComparedCountsOut()
    year_before = ComparedCountsOut()
    by_category = serializers.DictField(child=serializers.IntegerField())
    category_share = CategoryShareOut(many=True)
    by_tier = serializers.DictField(child=serializers.IntegerField())
    by_channel = serializers.DictField(child=serializers.IntegerField())
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_company = serializers.DictField(child=serializers.IntegerField())
    by_project = ProjectCountOut(many=True)
    first_response = DurationsOut()
    resolution = DurationsOut()
    overdue = serializers.IntegerField()
    satisfaction = SatisfactionOut()
    escalated = EscalatedOut(many=True)


class ContractorRowOut(serializers.Serializer):
    contractor = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    complaints = serializers.IntegerField()
    repairs = serializers.IntegerField()
    fixed_first_time = serializers.IntegerField()
    repeat_repairs = serializers.IntegerField()
    first_time_fix_rate = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField()


class ContractorReportOut(serializers.Serializer):
    period = serializers.CharField()
    contractors = ContractorRowOut(many=True)


class _ReportView(APIView):
    permission_classes = [requires("complaints.view_complaint")]
    query_class: type[serializers.Serializer]

    def period(self, data) -> reports.Period:
        raise NotImplementedError

    def compute(self, base, period) -> dict | list:
        return reports.complaint_report(base, period)

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
        return reports.Period.parse_month(data["month"])


@extend_schema_view(get=extend_schema(parameters=[WeekQuery], responses=ComplaintReportOut))
class WeeklyReportView(_ReportView):
    """The weekly complaint report: the same figures for an ISO week."""

    query_class = WeekQuery

    def period(self, data):
        return reports.Period.parse_week(data["week"])


@extend_schema_view(get=extend_schema(parameters=[MonthQuery], responses=ContractorReportOut))
class ContractorReportView(_ReportView):
    """Monthly repairs per contractor and supplier (月度质量投诉及返修统计), ranked."""

    query_class = MonthQuery

    def period(self, data):
        return reports.Period.parse_month(data["month"])

    def compute(self, base, period):
        return {"period": period.label, "contractors": reports.contractor_statistics(base, period)}
