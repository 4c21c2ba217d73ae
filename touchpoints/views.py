from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.exports import CsvWriter
from core.forms import form_errors_text
from core.staff import staff_ui
from organization import access
from organization.models import Project

from . import selectors, services
from .forms import AssignForm, AttendeesForm, CheckAnswersForm, PlanItemForm, TaskCompleteForm
from .models import CheckQuestion, PlanItem, ServiceTask

UPCOMING_DAYS = 7
PAGE_SIZE = 100


TASK_VIEWS = {
    "mine": lambda user: Q(assignee=user) | Q(assignee__isnull=True),
    "assigned": lambda user: Q(assignee=user),
    "all": lambda user: Q(),
}


@staff_ui
@permission_required("touchpoints.view_servicetask", raise_exception=True)
def my_tasks(request):
    """Open 6+2 tasks due within a week, overdue first: by default the user's own and the unassigned
    ones of their companies (?show=assigned: only their own; ?show=all: everyone's)."""
    today = timezone.localdate()
    show = request.GET.get("show") if request.GET.get("show") in TASK_VIEWS else "mine"
    tasks = (
        ServiceTask.objects.visible_to(request.user)
        .filter(TASK_VIEWS[show](request.user))
        .filter(status=ServiceTask.Status.OPEN, due_on__lte=today + timedelta(days=UPCOMING_DAYS))
        .select_related("action__step", "customer", "unit__building", "project", "assignee")
        .order_by("due_on", "id")[:PAGE_SIZE]
    )
    can_assign = request.user.has_perm("touchpoints.assign_servicetask")
    return render(
        request,
        "touchpoints/my_tasks.html",
        {
            "tasks": tasks,
            "today": today,
            "show": show,
            "assign_form": AssignForm(user=request.user) if can_assign else None,
            "complete_form": TaskCompleteForm(),
        },
    )


def _back_to_tasks(request):
    show = request.POST.get("show")
    return redirect(f"{reverse('my-tasks')}?show={show}" if show in TASK_VIEWS else reverse("my-tasks"))


@staff_ui
@permission_required("touchpoints.change_servicetask", raise_exception=True)
@require_POST
def task_complete(request, task_id: int):
    task = access.access_service_task(request.user, task_id, "change")
    form = TaskCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back_to_tasks(request)
    try:
        services.task_complete(task=task, by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Done: %(action)s for %(customer)s.")
            % {"action": task.action.name, "customer": task.customer.name},
        )
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_tasks(request)


@staff_ui
@permission_required("touchpoints.change_servicetask", raise_exception=True)
@require_POST
def task_take(request, task_id: int):
    task = access.access_service_task(request.user, task_id, "change")
    try:
        services.task_take(task=task, by=request.user)
        messages.success(
            request,
            _("You took: %(action)s for %(customer)s.")
            % {"action": task.action.name, "customer": task.customer.name},
        )
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_tasks(request)


@staff_ui
@permission_required("touchpoints.assign_servicetask", raise_exception=True)
@require_POST
def tasks_assign(request):
    form = AssignForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back_to_tasks(request)
    ticked = [int(value) for value in request.POST.getlist("tasks") if value.isdigit() and len(value) < 19]
    task_ids = access.access_service_tasks(request.user, ticked, "assign")
    try:
        count = services.tasks_assign(
            task_ids=task_ids, assignee=form.cleaned_data["assignee"], by=request.user
        )
        messages.success(request, _("%(count)s tasks assigned.") % {"count": count})
    except DomainError as error:
        messages.error(request, error.message)
    return _back_to_tasks(request)


def _project(request, project_id: int) -> Project:
    project = Project.objects.visible_to(request.user).select_related("company").filter(pk=project_id).first()
    if project is None:
        raise Http404
    return project


@staff_ui
@permission_required("touchpoints.view_servicetask", raise_exception=True)
def project_board(request, project_id: int):
    """The project's 6+2 board: done / due / overdue per step, and its plan of events."""
    project = _project(request, project_id)
    return render(
        request,
        "touchpoints/board.html",
        {
            "project": project,
            "board": selectors.project_board(project=project, today=timezone.localdate()),
            "periodic": selectors.periodic_callbacks(project=project, today=timezone.localdate()),
            "plan": PlanItem.objects.filter(project=project).select_related("action__step"),
            "plan_form": PlanItemForm(),
            "attendees_form": AttendeesForm(user=request.user),
        },
    )


@staff_ui
@permission_required("touchpoints.change_servicetask", raise_exception=True)
@require_POST
def plan_item_add(request, project_id: int):
    project = _project(request, project_id)
    form = PlanItemForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_add(project=project, **form.cleaned_data)
            messages.success(request, _("Added to the plan."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, form_errors_text(form))
    return redirect("project-service-board", project_id=project.pk)


@staff_ui
@permission_required("touchpoints.change_servicetask", raise_exception=True)
@require_POST
def plan_item_attendees(request, project_id: int, item_id: int):
    project = _project(request, project_id)
    item = access.access_plan_item(request.user, item_id, "change")
    if item.project_id != project.pk:
        raise Http404
    form = AttendeesForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        try:
            marked = services.plan_item_mark_attendees(
                item=item, customers=form.cleaned_data["phones"], by=request.user
            )
            messages.success(request, _("%(count)s attendees recorded.") % {"count": marked})
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("project-service-board", project_id=project.pk)


@staff_ui
@permission_required("touchpoints.view_servicetask", raise_exception=True)
def quarterly_check(request, project_id: int):
    """The quarterly execution check of a project; ?format=csv exports it."""
    project = _project(request, project_id)
    try:
        quarter = (
            selectors.Quarter.parse(request.GET["quarter"])
            if request.GET.get("quarter")
            else (selectors.Quarter.of(timezone.localdate()))
        )
    except ValueError:
        raise Http404 from None
    steps = selectors.quarterly_check(project=project, quarter=quarter)
    if request.GET.get("format") == "csv":
        return _check_csv(project, quarter, steps)
    answers_form = None
    if request.user.has_perm("touchpoints.add_checkanswer"):
        answers_form = CheckAnswersForm(
            user=request.user, questions=CheckQuestion.objects.all(), initial={"quarter": quarter.label}
        )
    return render(
        request,
        "touchpoints/check.html",
        {"project": project, "quarter": quarter, "steps": steps, "answers_form": answers_form},
    )


def _check_csv(project, quarter, steps) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="6plus2-{project.pk}-{quarter.label}.csv"'
    response.write("\ufeff")
    writer = CsvWriter(response)
    writer.writerow([_("Step"), _("Item"), _("Done or yes"), _("Total"), _("Percent"), _("Step score")])
    for row in steps:
        for name, done, total, percent in row.actions + row.questions:
            writer.writerow(
                [row.step.name, name, done, total, percent if percent is not None else "", row.score or ""]
            )
    return response


@staff_ui
@permission_required("touchpoints.add_checkanswer", raise_exception=True)
@require_POST
def check_answers_add(request, project_id: int):
    """Staff enter one owner's answers to the quarterly check questions after a call-back."""
    project = _project(request, project_id)
    form = CheckAnswersForm(request.POST, user=request.user, questions=CheckQuestion.objects.all())
    quarter = request.POST.get("quarter", "")
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        try:
            count = services.check_answers_record(
                project=project,
                customer=form.cleaned_data["phone"],
                quarter=form.cleaned_data["quarter"],
                answers=form.answers(),
                by=request.user,
            )
            messages.success(request, _("%(count)s answers recorded.") % {"count": count})
        except DomainError as error:
            messages.error(request, error.message)
    url = reverse("quarterly-check", kwargs={"project_id": project.pk})
    return redirect(f"{url}?quarter={quarter}" if form.is_valid() else url)
