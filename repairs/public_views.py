"""The owners' pages (no login): the repair report form ``/repair/`` and the private page
``/r/<token>/`` where the owner follows the repair and says fixed, not fixed, or "make it a
complaint". A signed-in user there is staff, who act on the repair page instead."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.http import client_ip
from core.throttling import count_in_window

from . import services
from .forms import PublicRepairForm
from .models import Channel, Confirmation, RepairRequest, Status

PUBLIC_REPORTS_PER_HOUR = 5  # repairs reported from one client address
# The steps the owner's page shows; a redo goes back to waiting for the visit.
PROGRESS_STEPS = (Status.RECEIVED, Status.DISPATCHED, Status.FIXED, Status.CLOSED)
STEP_OF_STATUS = {Status.REDO: Status.RECEIVED}


def _limit_key(request) -> str:
    return f"public-repair:{client_ip(request)}"


def public_repair(request):
    form = PublicRepairForm(request.POST or None, request.FILES or None)
    limited = request.method == "POST" and (cache.get(_limit_key(request)) or 0) >= PUBLIC_REPORTS_PER_HOUR
    if request.method == "POST" and not limited and form.is_valid():
        data = form.cleaned_data
        try:
            repair = services.repair_create(
                report=services.Report(
                    unit=data["unit"],
                    defect_type=data["defect_type"],
                    description=data["description"],
                    channel=Channel.OWNER_PAGE,
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                ),
                files=data["files"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            count_in_window(_limit_key(request), window=3600)
            return redirect("public-repair-track", token=repair.tracking_token)
    status = 429 if limited else (400 if form.errors else 200)
    return render(request, "repairs/public_form.html", {"form": form, "limited": limited}, status=status)


def _tracked(token: str) -> RepairRequest:
    repair = (
        RepairRequest.objects.filter(tracking_token=token)
        .select_related("unit__building__project", "defect_type", "complaint")
        .first()
    )
    if repair is None or len(token) > 64:
        raise Http404
    return repair


def public_repair_track(request, token: str):
    repair = _tracked(token)
    current = STEP_OF_STATUS.get(repair.status, repair.status)
    reached = PROGRESS_STEPS.index(current) if current in PROGRESS_STEPS else len(PROGRESS_STEPS)
    progress = [
        {
            "label": Status(step).label,
            "state": "done" if index < reached else "current" if index == reached else "todo",
        }
        for index, step in enumerate(PROGRESS_STEPS)
    ]
    owner = not request.user.is_authenticated
    return render(
        request,
        "repairs/public_track.html",
        {
            "repair": repair,
            "progress": progress,
            "staff_viewer": not owner,
            "may_confirm": owner and repair.status == Status.FIXED,
            "may_convert": owner and repair.status in services.CONVERTIBLE,
            "visits": repair.visits.exclude(outcome="").order_by("-recorded_at"),
        },
    )


def _owner_step(step):
    @require_POST
    def view(request, token: str):
        repair = _tracked(token)
        if request.user.is_authenticated:
            messages.info(request, _("Record what the owner tells you on the repair page."))
            return redirect("public-repair-track", token=token)
        try:
            step(repair)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you, we have noted it."))
        return redirect("public-repair-track", token=token)

    return view


public_repair_fixed = _owner_step(
    lambda repair: services.repair_confirm(repair=repair, fixed=True, via=Confirmation.OWNER)
)
public_repair_not_fixed = _owner_step(
    lambda repair: services.repair_confirm(repair=repair, fixed=False, via=Confirmation.OWNER)
)
public_repair_convert = _owner_step(lambda repair: services.repair_convert(repair=repair))
