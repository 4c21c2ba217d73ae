from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organization.views import staff_ui
from vanke_crm.exceptions import DomainError

from . import services
from .models import ServiceTask

UPCOMING_DAYS = 7
PAGE_SIZE = 100


@staff_ui
@permission_required("touchpoints.view_servicetask", raise_exception=True)
def my_tasks(request):
    """Open 6+2 tasks of the user's companies due within a week, overdue first; the user's own on top."""
    today = timezone.localdate()
    tasks = (
        ServiceTask.objects.visible_to(request.user)
        .filter(status=ServiceTask.Status.OPEN, due_on__lte=today + timedelta(days=UPCOMING_DAYS))
        .select_related("action__step", "customer", "unit__building", "project")
        .order_by("due_on", "id")[:PAGE_SIZE]
    )
    return render(request, "touchpoints/my_tasks.html", {"tasks": tasks, "today": today})


@staff_ui
@permission_required("touchpoints.change_servicetask", raise_exception=True)
@require_POST
def task_complete(request, task_id: int):
    task = ServiceTask.objects.visible_to(request.user).filter(pk=task_id).first()
    if task is None:
        raise Http404
    try:
        services.task_complete(task=task, note=request.POST.get("note", "")[:2000], by=request.user)
        messages.success(
            request,
            _("Done: %(action)s for %(customer)s.")
            % {"action": task.action.name, "customer": task.customer.name},
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("my-tasks")
