"""The staff report pages: the dashboard (month, company or region), its print and XLSX/CSV
versions, and the form that starts a custom-period report job."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.exports import content_disposition
from core.forms import form_errors_text
from core.staff import staff_ui
from organization.models import Company, Region

from .. import selectors
from ..forms import CustomReportForm
from . import export, jobs, presentation, queries
from .periods import Period


def _page_report(request):
    month = request.GET.get("month", "")
    try:
        period = Period.parse_month(month) if month else Period.month(*_this_month())
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


def _presented(request) -> dict:
    """The report as the dashboard and its print view show it: figures, the header, the contractor
    statistics and the charts (the print view shows the dashboard's charts)."""
    base, period, company_id, region_id = _page_report(request)
    report = queries.complaint_report(base, period)
    contractors = queries.contractor_statistics(base, period)
    for row in contractors:
        row["kind_label"] = presentation.contractor_kind_label(row["kind"])
    trend = queries.monthly_trend(base, today=(period.end - timedelta(days=1)).date())
    return {
        "report": report,
        "period": period,
        "company_id": company_id,
        "region_id": region_id,
        "header": presentation.header_for(
            user=request.user, period=period, company_id=company_id, region_id=region_id
        ),
        "contractors": contractors,
        "cost_sections": export.cost_sections(report["costs"]),
        "tiers": presentation.tier_rows(report["by_tier"]),
        "charts": presentation.report_charts(report, trend, contractors),
    }


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard(request):
    context = _presented(request)
    return render(
        request,
        "complaints/dashboard.html",
        {
            **context,
            "companies": Company.objects.visible_to(request.user),
            "regions": Region.objects.visible_to(request.user).distinct(),
            "custom_form": CustomReportForm(user=request.user, initial={"company_id": context["company_id"]}),
            "query": request.GET.urlencode(),
        },
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard_print(request):
    context = _presented(request)
    return render(
        request,
        "complaints/report_print.html",
        {**context, "sections": export.sections(context["report"], context["contractors"])},
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard_export(request, fmt: str):
    base, period, company_id, region_id = _page_report(request)
    report = queries.complaint_report(base, period)
    contractors = queries.contractor_statistics(base, period)
    header = presentation.header_for(
        user=request.user, period=period, company_id=company_id, region_id=region_id
    )
    if fmt == "xlsx":
        response = HttpResponse(
            export.to_xlsx(report, header, contractors),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            export.to_csv(report, header, contractors), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = content_disposition(
        header.file_name(fmt), fallback=header.ascii_file_name(fmt)
    )
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
        job = jobs.custom_report_start(user=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reports")
    return redirect("job-detail", job_id=job.pk)
