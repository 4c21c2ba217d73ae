"""The defect register (/defects/) and the top defects of the 客户缺陷手册 (/defects/top/, its XLSX).
Both read ``complaints.reports.defects``, scoped to the user's companies, like the API."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import charts
from core.exports import content_disposition, file_name_part
from core.staff import staff_ui
from organization.models import Building, Project

from . import rules
from .reports import defects as queries
from .reports import defects_export


class RegisterFilter(forms.Form):
    project = forms.ModelChoiceField(
        label=gettext_lazy("project"), queryset=Project.objects.none(), required=False
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("building"), queryset=Building.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("company", "name")
        buildings = Building.objects.visible_to(user).select_related("project").order_by("project", "name")
        project = self.data.get("project")
        if project and str(project).isdigit() and len(str(project)) < 19:
            buildings = buildings.filter(project_id=project)
        self.fields["building"].queryset = buildings
        self.fields["building"].label_from_instance = lambda building: (
            f"{building.project.name} {building.name}"
        )


def band_label(band: str) -> str:
    if band == rules.NOT_DELIVERED:
        return _("Not delivered yet")
    return _("%(band)s years since first handover") % {"band": band}


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def defect_register(request):
    """Counts by type (leaf and parent), units affected, the 12-month trend, and the buildings where
    one type gathers (a mass-complaint risk, linked to the complaint clusters)."""
    form = RegisterFilter(request.GET or None, user=request.user)
    project = building = None
    if form.is_bound and form.is_valid():
        project, building = form.cleaned_data["project"], form.cleaned_data["building"]
    register = queries.defect_register(
        user=request.user,
        as_of=timezone.localdate(),
        project_id=project.pk if project else None,
        building_id=building.pk if building else None,
    )
    return render(
        request,
        "complaints/defects.html",
        {
            "form": form,
            "register": register,
            "trend_chart": charts.horizontal_bars(
                [(item.month.strftime("%Y-%m"), item.total) for item in register.months],
                label=_("Complaints and repairs by month"),
            ),
            "parents_chart": charts.horizontal_bars(
                [(row.name, row.total) for row in register.parents],
                label=_("Complaints and repairs by defect group"),
            ),
            "sources": queries.source_labels(),
            "hotspot_min": rules.DEFECT_HOTSPOT_MIN,
        },
    )


class QuarterForm(forms.Form):
    quarter = forms.RegexField(label=gettext_lazy("quarter"), regex=r"^[0-9]{4}-Q[1-4]$", required=False)


def _quarter(request) -> tuple[str, tuple]:
    form = QuarterForm(request.GET or None)
    text = form.cleaned_data["quarter"] if form.is_bound and form.is_valid() else ""
    since, until = queries.quarter_bounds(text or None)
    return f"{since.year}-Q{(since.month - 1) // 3 + 1}", (since, until)


def recent_quarters(count: int = 8) -> list[str]:
    day = timezone.localdate()
    labels = []
    for _index in range(count):
        start, _end = rules.quarter_of(day)
        labels.append(f"{start.year}-Q{(start.month - 1) // 3 + 1}")
        day = start - timezone.timedelta(days=1)
    return labels


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def top_defects(request):
    label, (since, until) = _quarter(request)
    bands = queries.top_defects(user=request.user, since=since, until=until)
    return render(
        request,
        "complaints/defects_top.html",
        {
            "quarter": label,
            "quarters": recent_quarters(),
            "since": since,
            "until": until - timezone.timedelta(days=1),
            "bands": [(band, band_label(band), rows) for band, rows in bands.items()],
            "sources": queries.source_labels(),
        },
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def top_defects_export(request):
    label, (since, until) = _quarter(request)
    content = defects_export.top_defects_xlsx(user=request.user, since=since, until=until, label=label)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition(
        f"{file_name_part(_('Customer defect handbook'))} {label}.xlsx",
        fallback=f"defect-handbook-{label}.xlsx",
    )
    return response
