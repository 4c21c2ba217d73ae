"""Staff pages of community events (/club/events/…): planning and changing them, sign-ups,
attendance and calling an event off."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui

from .. import selectors, services
from ..forms import EventEditForm, EventForm, StaffSignupForm
from ..models import Event, EventSignup
from .common import MANAGE, SERVE, VIEW, event_or_404, run


@staff_ui
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def event_list(request):
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                event = services.event_create(
                    plan=form.plan(), company=form.cleaned_data["company"], by=request.user
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Event planned."))
                return redirect("club-event", event_id=event.pk)
    return render(
        request,
        "membership/event_list.html",
        {"events": selectors.event_list(user=request.user), "form": form},
    )


@staff_ui
@permission_required(VIEW, raise_exception=True)
def event_detail(request, event_id: int):
    event = event_or_404(request, event_id)
    signups = selectors.event_signups(event=event)
    return render(
        request,
        "membership/event_detail.html",
        {
            "event": event,
            "confirmed": [s for s in signups if s.status == EventSignup.Status.CONFIRMED],
            "waiting": [s for s in signups if s.status == EventSignup.Status.WAITING],
            "started": event.starts_at <= timezone.now(),
            "signup_form": StaffSignupForm(user=request.user),
        },
    )


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def event_edit(request, event_id: int):
    """Change an event until it starts; a change someone saved since the form was opened is kept
    and the form says so."""
    event = event_or_404(request, event_id)
    form = EventEditForm(request.POST or None, user=request.user, event=event)
    if form.is_valid():
        try:
            services.event_update(
                event=event, plan=form.plan(), version=form.cleaned_data["version"], by=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Event saved."))
            return redirect("club-event", event_id=event.pk)
    return render(request, "membership/event_form.html", {"event": event, "form": form})


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def event_signup(request, event_id: int):
    event = event_or_404(request, event_id)
    form = StaffSignupForm(request.POST, user=request.user)
    if form.is_valid():
        member = form.cleaned_data["number"]
        run(
            request,
            lambda: services.event_signup(
                event=event, member=member, channel=EventSignup.Channel.STAFF, by=request.user
            ),
            _("%(name)s signed up.") % {"name": member.customer.name},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-event", event_id=event.pk)


def _signup(event: Event, signup_id: int) -> EventSignup:
    signup = selectors.signup_get(event=event, signup_id=signup_id)
    if signup is None:
        raise Http404
    return signup


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def event_cancel(request, event_id: int, signup_id: int):
    event = event_or_404(request, event_id)
    signup = _signup(event, signup_id)
    run(
        request, lambda: services.event_cancel_signup(signup=signup, by=request.user), _("Sign-up cancelled.")
    )
    return redirect("club-event", event_id=event.pk)


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def event_attended(request, event_id: int, signup_id: int):
    event = event_or_404(request, event_id)
    signup = _signup(event, signup_id)
    run(
        request,
        lambda: services.event_mark_attendance(event=event, member=signup.member, by=request.user),
        _("Attendance recorded for %(name)s.") % {"name": signup.member.customer.name},
    )
    return redirect("club-event", event_id=event.pk)


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def event_call_off(request, event_id: int):
    event = event_or_404(request, event_id)
    run(
        request,
        lambda: services.event_call_off(
            event=event, reason=request.POST.get("reason", "")[:200], by=request.user
        ),
        _("%(event)s is called off; the members who signed up are told by SMS.") % {"event": event.title},
    )
    return redirect("club-event", event_id=event.pk)
