"""Staff pages: the repair list, a new repair, the repair page with its actions, and the monthly
contractor statistics (page and XLSX). Every change is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from complaints.attachments import attachment_response
from complaints.models import Contractor
from complaints.reports.periods import Period
from core.exceptions import DomainError
from core.exports import Section, content_disposition, sections_to_xlsx
from core.forms import form_errors_text
from core.staff import staff_ui
from organization.access import access
from organization.models import Company, Region

from . import services, statistics
from .filters import RepairFilter
from .forms import ConvertForm, DispatchForm, FollowUpForm, RepairForm, VisitForm
from .models import Confirmation, RepairRequest, Status

PAGE_SIZE = 50


@staff_ui
@permission_required("repairs.view_repairrequest", raise_exception=True)
def repair_list(request):
    """Newest first, PAGE_SIZE a page, ``after`` the last id shown (one query a page)."""
    query = request.GET.copy()
    after = query.pop("after", [""])[-1]
    filters = RepairFilter(query, queryset=RepairRequest.objects.visible_to(request.user), request=request)
    rows, status = [], 200
    if filters.is_valid():
        page = filters.qs.select_related("unit__building__project", "defect_type", "contractor").order_by(
            "-id"
        )
        if after.isdigit() and len(after) < 19:
            page = page.filter(id__lt=int(after))
        rows = list(page[: PAGE_SIZE + 1])
    else:
        status = 400
        messages.error(request, form_errors_text(filters.form))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    query["after"] = str(rows[-1].pk) if rows else ""
    return render(
        request,
        "repairs/list.html",
        {
            "repairs": rows,
            "next_page": f"?{query.urlencode()}" if more else "",
            "statuses": Status.choices,
        },
        status=status,
    )


@staff_ui
@permission_required("repairs.add_repairrequest", raise_exception=True)
def repair_create(request):
    form = RepairForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            repair = services.repair_create(
                report=services.Report(
                    unit=data["unit"],
                    defect_type=data["defect_type"],
                    description=data["description"],
                    channel=data["channel"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                ),
                by=request.user,
                files=data["files"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("repair-detail", repair_id=repair.pk)
    return render(request, "repairs/form.html", {"form": form}, status=400 if form.errors else 200)


def _repair(user, repair_id, action="view") -> RepairRequest:
    return access(
        RepairRequest.objects.select_related(
            "unit__building__project",
            "defect_type__parent",
            "contractor",
            "customer",
            "complaint",
            "follow_up_by",
        ),
        user,
        repair_id,
        action,
    )


@staff_ui
@permission_required("repairs.view_repairrequest", raise_exception=True)
def repair_detail(request, repair_id: int):
    repair = _repair(request.user, repair_id)
    initial = {"version": repair.version}
    can_change = request.user.has_perm("repairs.change_repairrequest")
    actions = {}
    if can_change:
        if repair.status in services.DISPATCHABLE:
            actions["dispatch_form"] = DispatchForm(initial=initial, auto_id="dispatch_%s")
        if repair.status == Status.DISPATCHED:
            actions["visit_form"] = VisitForm(initial=initial, auto_id="visit_%s")
        if repair.status == Status.FIXED:
            actions["follow_up_form"] = FollowUpForm(initial=initial, auto_id="follow_up_%s")
        if repair.status in services.CONVERTIBLE:
            actions["convert_form"] = ConvertForm(initial=initial, auto_id="convert_%s")
    return render(
        request,
        "repairs/detail.html",
        {
            "repair": repair,
            "visits": repair.visits.select_related("contractor", "recorded_by"),
            "events": repair.events.select_related("by"),
            "photos": repair.photos.all(),
            "track_url": request.build_absolute_uri(f"/r/{repair.tracking_token}/") if can_change else "",
            **actions,
        },
    )


@staff_ui
@permission_required("repairs.view_repairrequest", raise_exception=True)
def repair_photo(request, repair_id: int, photo_id: int):
    repair = _repair(request.user, repair_id)
    photo = repair.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return attachment_response(photo, preview=request.GET.get("preview") == "1")


def _action(form_class, step):
    @staff_ui
    @permission_required("repairs.change_repairrequest", raise_exception=True)
    @require_POST
    def view(request, repair_id: int):
        repair = _repair(request.user, repair_id, "change")
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
        else:
            fields = dict(form.cleaned_data)
            version = fields.pop("version")
            try:
                step(repair=repair, by=request.user, expected_version=version, **fields)
            except DomainError as error:
                messages.error(request, error.message)
        return redirect("repair-detail", repair_id=repair.pk)

    return view


def _follow_up(**kwargs):
    return services.repair_confirm(via=Confirmation.CALL, **kwargs)


repair_dispatch = _action(DispatchForm, services.repair_dispatch)
repair_visit = _action(VisitForm, services.repair_record_visit)
repair_follow_up = _action(FollowUpForm, _follow_up)
repair_convert = _action(ConvertForm, services.repair_convert)


# --- Monthly contractor statistics --------------------------------------------------------------------


def _statistics(request):
    month = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    company = request.GET.get("company") or None
    try:
        period = Period.parse_month(month)
        company_id = int(company) if company else None
        rows = statistics.contractor_statistics(user=request.user, period=period, company_id=company_id)
    except (ValueError, Company.DoesNotExist, Region.DoesNotExist):
        raise Http404 from None
    kinds = dict(Contractor.Kind.choices)
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
    return period, rows


@staff_ui
@permission_required("repairs.view_repairrequest", raise_exception=True)
def contractor_statistics(request):
    period, rows = _statistics(request)
    return render(request, "repairs/contractors.html", {"period": period, "rows": rows})


STATISTICS_COLUMNS = (
    ("rank", gettext_lazy("rank")),
    ("name", gettext_lazy("contractor or supplier")),
    ("kind_label", gettext_lazy("kind")),
    ("volume", gettext_lazy("repairs in all")),
    ("repairs", gettext_lazy("warranty repairs")),
    ("complaint_repairs", gettext_lazy("complaint repairs")),
    ("first_time_fix_rate", gettext_lazy("first-time-fix rate (per cent)")),
    ("average_days_to_fix", gettext_lazy("average days to fix")),
)


@staff_ui
@permission_required("repairs.view_repairrequest", raise_exception=True)
def contractor_statistics_export(request):
    period, rows = _statistics(request)
    header = [label for _key, label in STATISTICS_COLUMNS]
    body = sections_to_xlsx(
        [
            Section(
                _("Contractor statistics"),
                header,
                [[row[key] for key, _label in STATISTICS_COLUMNS] for row in rows],
            )
        ],
        preamble=[[_("Monthly quality complaints and repairs by contractor"), period.label]],
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition(
        f"{_('Contractor statistics')} {period.label}.xlsx", fallback=f"contractors-{period.label}.xlsx"
    )
    return response
