"""The project's customer managers page (客户经理): the project's and each building's manager, a form
to choose one, and the latest changes. Company managers and the group centre choose
(``organization.assign_customer_manager``); ``organization.customer_managers`` does the work."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from core.staff import staff_ui

from . import access, customer_managers
from .models import Building, Project

ASSIGN = "organization.assign_customer_manager"
WHOLE_PROJECT = "project"


class CustomerManagerForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("applies to"))
    manager = forms.ModelChoiceField(
        label=gettext_lazy("customer manager"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=gettext_lazy(
            "Their customers' 6+2 tasks are assigned to them when created, and their home shows the "
            "open items of their buildings. A building without a manager of its own has the project's."
        ),
    )
    note = forms.CharField(label=gettext_lazy("note"), max_length=500, required=False)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["target"].choices = [(WHOLE_PROJECT, _("the whole project"))] + [
            (str(building.pk), building.name) for building in project.buildings.all()
        ]
        self.fields["manager"].queryset = access.company_staff(
            project.company_id, perm=customer_managers.PERM
        )

    def building(self) -> Building | None:
        target = self.cleaned_data["target"]
        return None if target == WHOLE_PROJECT else self.project.buildings.get(pk=int(target))


@staff_ui
@require_http_methods(["GET", "POST"])
def project_customer_managers(request, project_id: int):
    """The project's and its buildings' customer managers; choosing one needs the permission."""
    project = access.access(
        Project.objects.select_related("company", "customer_manager"), request.user, project_id, "view"
    )
    may_assign = request.user.has_perm(ASSIGN)
    form = None
    if may_assign:
        form = CustomerManagerForm(request.POST or None, project=project)
        if request.method == "POST" and form.is_valid():
            building = form.building()
            try:
                done = customer_managers.customer_manager_set(
                    project=project,
                    building=building,
                    manager=form.cleaned_data["manager"],
                    by=request.user,
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if done.changed:
                    messages.success(
                        request,
                        _("Customer manager of %(target)s saved; %(count)s open tasks moved.")
                        % {"target": building.name if building else project.name, "count": done.tasks_moved},
                    )
                return redirect("project-customer-managers", project_id=project.pk)
    elif request.method == "POST":
        raise PermissionDenied
    buildings = project.buildings.select_related("customer_manager").order_by("name")
    return render(
        request,
        "organization/customer_managers.html",
        {
            "project": project,
            "buildings": buildings,
            "form": form,
            "changes": customer_managers.history(project=project),
        },
    )
