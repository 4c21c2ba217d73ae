from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import workbench
from core.exceptions import DomainError
from core.exports import CsvWriter
from core.services import worker_status
from core.staff import staff_ui

from . import access, selectors, services
from .forms import DutyHandlerForm, UnitForm
from .models import Project, Unit


@staff_ui
def home(request):
    """My work (我的工作台): the blocks the apps registered for this user's role (core.workbench)."""
    now = timezone.now()
    return render(
        request, "organization/home.html", {"blocks": workbench.blocks_for(request.user, now), "now": now}
    )


@staff_ui
def organisation(request):
    return render(
        request,
        "organization/organisation.html",
        {"tree": selectors.organisation_tree(user=request.user), "worker": worker_status()},
    )


@staff_ui
@permission_required("organization.view_unit", raise_exception=True)
def project_detail(request, project_id: int):
    try:
        project = selectors.project_with_units(user=request.user, project_id=project_id)
    except Project.DoesNotExist:
        raise Http404 from None
    return render(request, "organization/project_detail.html", {"project": project})


@staff_ui
@require_GET
def project_homes(request):
    """``/projects/homes/?project=<id>``: the building and unit pickers of the staff forms (the
    owners' ``/complain/homes/`` in the same shape), within the projects the user sees. Not
    cached: it follows the user's scope, and a clerk on the phone needs a building added today."""
    project_id = request.GET.get("project", "")
    if not (project_id.isdigit() and len(project_id) < 19):
        raise Http404
    body = selectors.project_homes_json(Project.objects.visible_to(request.user), int(project_id))
    if body is None:
        raise Http404
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@staff_ui
@permission_required("organization.view_unit", raise_exception=True)
def project_units_export(request, project_id: int):
    if not Project.objects.visible_to(request.user).filter(pk=project_id).exists():
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="units-{project_id}.csv"'
    response.write("\ufeff")  # a byte-order mark so that Excel reads the Chinese text as UTF-8
    writer = CsvWriter(response)
    writer.writerow(
        [
            _("Project"),
            _("Building"),
            _("Unit number"),
            _("Floor"),
            _("Layout"),
            _("Area (m²)"),
            _("List price (CNY)"),
        ]
    )
    for unit in selectors.units_for_export(user=request.user, project_id=project_id).iterator(
        chunk_size=2000
    ):
        writer.writerow(
            [
                unit.building.project.name,
                unit.building.name,
                unit.number,
                unit.floor,
                unit.layout,
                unit.area,
                unit.list_price,
            ]
        )
    return response


@staff_ui
@permission_required("organization.change_unit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def unit_edit(request, unit_id: int):
    try:
        unit = selectors.unit_for_user(user=request.user, unit_id=unit_id)
    except Unit.DoesNotExist:
        raise Http404 from None
    form = UnitForm(request.POST or None, instance=unit, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            services.unit_update(unit=unit, expected_version=fields.pop("version"), **fields)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Unit %(unit)s saved.") % {"unit": unit.number})
            return redirect("project-detail", project_id=unit.building.project_id)
    return render(request, "organization/unit_form.html", {"form": form, "unit": unit})


@staff_ui
@require_http_methods(["GET", "POST"])
def project_duty_handler(request, project_id: int):
    """Company managers and the group centre choose who owns the project's complaints at intake."""
    project = access.access_project(request.user, project_id, "assign_duty")
    form = DutyHandlerForm(
        request.POST or None,
        project=project,
        user=request.user,
        initial={"duty_handler": project.duty_handler_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_set_duty_handler(
                project=project, handler=form.cleaned_data["duty_handler"], by=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Duty handler of %(project)s saved.") % {"project": project.name})
            return redirect("project-detail", project_id=project.pk)
    return render(request, "organization/duty_handler_form.html", {"form": form, "project": project})
