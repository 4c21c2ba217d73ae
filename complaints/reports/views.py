"""The staff report pages: the dashboard (month, company or region), its print and XLSX/CSV
versions, and the form that starts a custom-period report job."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import charts
from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui
from organization.models import Company, Region

from .. import selectors
from ..forms import CustomReportForm
from ..models import Category, Tier
from . import export, jobs, queries
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


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard(request):
    base, period, company_id, region_id = _page_report(request)
    report = queries.complaint_report(base, period)
    trend = queries.monthly_trend(base, today=(period.end - timezone.timedelta(days=1)).date())
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
            "trend_chart": charts.stacked_columns(
                trend, [(code, label) for code, label in Tier.choices], label=_("Last 12 months by tier")
            ),
            "category_chart": charts.horizontal_bars(
                [
                    (str(categories.get(code, code)), count)
                    for code, count in sorted(report["by_category"].items(), key=lambda item: -item[1])
                ],
                label=_("By category"),
            ),
            "company_chart": charts.horizontal_bars(
                sorted(report["by_company"].items(), key=lambda item: -item[1]), label=_("By company")
            ),
            "query": request.GET.urlencode(),
        },
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard_print(request):
    base, period, _company_id, _region_id = _page_report(request)
    report = queries.complaint_report(base, period)
    return render(
        request,
        "complaints/report_print.html",
        {"report": report, "sections": export.sections(report), "period": period},
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard_export(request, fmt: str):
    base, period, _company_id, _region_id = _page_report(request)
    report = queries.complaint_report(base, period)
    if fmt == "xlsx":
        response = HttpResponse(
            export.to_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(export.to_csv(report), content_type="text/csv; charset=utf-8")
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
        job = jobs.custom_report_start(user=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reports")
    return redirect("job-detail", job_id=job.pk)
