"""The owners' pages (no login): the public complaint form ``/complain/``, its confirmation, the
private tracking page ``/complain/track/<token>/`` with the owner's reply, 「问题已解决」/「没有解决」
and the rating, the owner's own files, and the buildings and units of a project for the form's
pickers. Every change is a service call; a signed-in user on a tracking page is staff, not the
complainant, and acts on the complaint page instead.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.http import client_ip
from core.throttling import count_in_window
from organization import selectors as organization_selectors
from organization.models import Company, Project

from . import attachments, rules, services
from .models import Channel, Complaint, ComplaintEvent, Status
from .public_forms import RATING_CHOICES, NotSolvedForm, OwnerReplyForm, PublicComplaintForm, RatingForm
from .views import _files_added

PUBLIC_SUBMISSIONS_PER_HOUR = 5  # complaints filed from one client address
PUBLIC_REPLIES_PER_HOUR = 20  # replies sent from one client address, over all its complaints
TRACKING_LINK_DAYS_AFTER_CLOSING = 180
HOMES_CACHE_SECONDS = 300  # the project's buildings and units, for the form's pickers

# The steps the tracking page shows; waiting on the complainant is a moment of "in progress".
PROGRESS_STEPS = (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED)
STEP_OF_STATUS = {Status.AWAITING_CUSTOMER: Status.IN_PROGRESS}
# What the complainant did themselves (their message or rating, their files, their confirmation).
OWNER_EVENT_KINDS = (
    ComplaintEvent.Kind.FEEDBACK,
    ComplaintEvent.Kind.ATTACHMENT,
    ComplaintEvent.Kind.CONFIRMED,
)


# --- Limits per client address ------------------------------------------------------------------------


def _public_limit_key(request, kind: str = "complaint") -> str:
    return f"public-{kind}:{client_ip(request)}"


def _public_limit_reached(request, kind: str = "complaint") -> bool:
    limit = PUBLIC_SUBMISSIONS_PER_HOUR if kind == "complaint" else PUBLIC_REPLIES_PER_HOUR
    return (cache.get(_public_limit_key(request, kind)) or 0) >= limit


def _count_public_filing(request, kind: str = "complaint") -> None:
    """Only what was actually recorded counts against the hourly limit; a form sent back with
    errors, or a reply sent twice, does not."""
    count_in_window(_public_limit_key(request, kind), window=3600)


def company_hotline(company: Company | None) -> str:
    return (company.hotline if company else "") or settings.COMPLAINT_HOTLINE


def complaint_hotline(project_id) -> str:
    """The hotline an owner can call instead: the project's company's, else the configured one."""
    hotline = ""
    if str(project_id or "").isdigit() and len(str(project_id)) < 19:
        company = Company.objects.filter(projects__pk=int(project_id))
        hotline = company.values_list("hotline", flat=True).first() or ""
    return hotline or settings.COMPLAINT_HOTLINE


# --- The form -------------------------------------------------------------------------------------


def _form_page(request, form, *, status: int = 200, **context):
    return render(request, "complaints/public_form.html", {"form": form, **context}, status=status)


@require_http_methods(["GET", "POST"])
def public_complaint(request):
    form = PublicComplaintForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _form_page(request, form)
    if _public_limit_reached(request):
        # Keep what the owner typed (files cannot be put back into a file input) and give them
        # the hotline instead of a dead end.
        kept = PublicComplaintForm(request.POST)
        kept.prepare_for_resend()
        return _form_page(
            request,
            kept,
            limited=True,
            hotline=complaint_hotline(request.POST.get("project")),
            status=429,
        )
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_create(
                intake=services.Intake(
                    project=data["project"],
                    unit=data["unit"],
                    channel=Channel.ONLINE_FORM,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    route_to_duty_handler=True,
                ),
                files=data["files"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            _count_public_filing(request)
            request.session["filed_complaint"] = complaint.pk
            return redirect("public-complaint-filed", token=complaint.tracking_token)
    form.prepare_for_resend()
    return _form_page(request, form)


@require_GET
def public_project_homes(request):
    """``/complain/homes/?project=<id>``: what the form's building and unit pickers offer. Public
    like the list of projects; cached for a few minutes, with an ETag so that a phone asks again
    for nothing."""
    project_id = request.GET.get("project", "")
    if not (project_id.isdigit() and len(project_id) < 19):
        raise Http404
    key = f"public-homes:{int(project_id)}"
    body = cache.get(key)
    if body is None:
        body = organization_selectors.project_homes_json(Project.objects.all(), int(project_id))
        if body is None:
            raise Http404
        cache.set(key, body, HOMES_CACHE_SECONDS)
    etag = quote_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        body, content_type="application/json; charset=utf-8"
    )
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={HOMES_CACHE_SECONDS}"
    return response


# --- The confirmation and the tracking page ---------------------------------------------------------


def _tracked(token: str) -> Complaint:
    complaint = (
        Complaint.objects.filter(tracking_token=token)
        .select_related("project", "company", "unit__building")
        .first()
        if token
        else None
    )
    if complaint is None:
        raise Http404
    if complaint.closed_at and timezone.now() - complaint.closed_at > timedelta(
        days=TRACKING_LINK_DAYS_AFTER_CLOSING
    ):
        raise Http404
    return complaint


def public_complaint_filed(request, token: str):
    complaint = _tracked(token)
    if request.session.get("filed_complaint") != complaint.pk:
        return redirect("public-complaint-track", token=token)
    return render(
        request,
        "complaints/public_filed.html",
        {
            "complaint": complaint,
            "track_url": request.build_absolute_uri(reverse("public-complaint-track", args=[token])),
            "hotline": company_hotline(complaint.company),
            "linked_to": services.auto_linked_to(complaint),
        },
    )


def _from_owner(event: ComplaintEvent, complaint: Complaint) -> bool:
    """Whether the complainant did this themselves (the page shows it as theirs)."""
    if event.by_id is not None:
        return False
    if event.kind in OWNER_EVENT_KINDS:
        return True
    if event.kind == ComplaintEvent.Kind.CREATED:
        return complaint.channel == Channel.ONLINE_FORM
    return event.kind == ComplaintEvent.Kind.STATUS and "reopened" in (event.reasons or [])


def _updates(complaint: Complaint) -> list[ComplaintEvent]:
    """What the complainant may see, oldest first: one query, no staff names beyond what the
    events' own notes say (e.g. who the complaint was assigned to)."""
    labels = dict(RATING_CHOICES)
    updates = list(complaint.events.filter(visible_to_complainant=True).order_by("at", "id"))
    for event in updates:
        event.mine = _from_owner(event, complaint)
        event.rating = None
        if event.kind == ComplaintEvent.Kind.FEEDBACK and event.to_value.isdigit():
            event.rating = int(event.to_value)
            event.rating_label = labels.get(event.rating, "")
    return updates


def _progress(complaint: Complaint) -> list[dict]:
    current = PROGRESS_STEPS.index(STEP_OF_STATUS.get(complaint.status, complaint.status))
    return [
        {
            "label": Status(step).label,
            "state": "done" if index < current else "current" if index == current else "todo",
        }
        for index, step in enumerate(PROGRESS_STEPS)
    ]


def _track_page(
    request,
    complaint: Complaint,
    *,
    rating_form=None,
    reply_form=None,
    not_solved_form=None,
    status: int = 200,
    limited: bool = False,
):
    # Staff looking at the page are not the complainant: they act on the complaint page.
    owner = not request.user.is_authenticated
    resolved = complaint.status == Status.RESOLVED
    may_rate = owner and complaint.status in rules.HANDLED_STATUSES and complaint.rating is None
    return render(
        request,
        "complaints/public_track.html",
        {
            "complaint": complaint,
            "updates": _updates(complaint),
            "progress": _progress(complaint),
            "own_description": complaint.channel == Channel.ONLINE_FORM,
            "staff_viewer": not owner,
            # The complainant sees the files they sent, not what staff attached for internal use.
            "files": complaint.attachments.filter(added_by__isnull=True),
            "reply_form": (reply_form or OwnerReplyForm())
            if owner and complaint.status != Status.CLOSED
            else None,
            # 「问题已解决」 and 「没有解决」: only while resolved, only for the complainant.
            "may_confirm": owner and resolved,
            "not_solved_form": (not_solved_form or NotSolvedForm(auto_id="not_solved_%s"))
            if owner and resolved
            else None,
            "form": (rating_form or RatingForm()) if may_rate else None,
            "rating_label": dict(RATING_CHOICES).get(complaint.rating, ""),
            "hotline": company_hotline(complaint.company),
            "limited": limited,
        },
        status=status,
    )


def _staff_refused(request, token: str):
    messages.error(request, _("This page is the complainant's: staff act on the complaint page."))
    return redirect("public-complaint-track", token=token)


@require_http_methods(["GET", "POST"])
def public_complaint_track(request, token: str):
    """The tracking page; a POST is the complainant's rating (1–5 and a comment)."""
    complaint = _tracked(token)
    if request.method != "POST":
        return _track_page(request, complaint)
    if request.user.is_authenticated:
        return _staff_refused(request, token)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _track_page(request, complaint, rating_form=form)
    try:
        services.complaint_rate(complaint=complaint, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(reverse("public-complaint-track", args=[token]) + "#your-rating")


@require_POST
def public_complaint_reply(request, token: str):
    """The complainant adds information and/or photos. Also the older ``files/`` address, whose
    form sent photos only."""
    complaint = _tracked(token)
    if request.user.is_authenticated:
        return _staff_refused(request, token)
    if _public_limit_reached(request, "reply"):
        return _track_page(
            request, complaint, reply_form=OwnerReplyForm(request.POST), status=429, limited=True
        )
    form = OwnerReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reply = services.complaint_owner_reply(
                complaint=complaint, text=form.cleaned_data["text"], files=form.cleaned_data["files"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if not reply.repeated:
                _count_public_filing(request, "reply")
            if form.cleaned_data["text"].strip() or reply.repeated:
                messages.success(request, _("Your message was sent. The handler will see it."))
            else:
                messages.success(request, _files_added(len(reply.files)))
            return redirect(reverse("public-complaint-track", args=[token]) + "#track-updates")
    return _track_page(request, complaint, reply_form=form, status=400)


@require_POST
def public_complaint_confirm(request, token: str):
    """The complainant's "问题已解决，确认结案": the problem is solved, the complaint closes. Someone
    signed in is staff, not the complainant, and records a call-back instead."""
    complaint = _tracked(token)
    if request.user.is_authenticated:
        messages.error(request, _("Only the complainant confirms here; staff record a call-back."))
        return redirect("public-complaint-track", token=token)
    try:
        services.complaint_confirm_solved(complaint=complaint)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Your complaint is closed."))
    return redirect("public-complaint-track", token=token)


@require_POST
def public_complaint_not_solved(request, token: str):
    """The owner says 「没有解决」: the complaint is reopened as a second complaint (the same path as
    an unhappy call-back), their words read for risk."""
    complaint = _tracked(token)
    if request.user.is_authenticated:
        return _staff_refused(request, token)
    form = NotSolvedForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("public-complaint-track", token=token)
    text = form.cleaned_data["text"].strip()
    reason = (
        _("The complainant says it is not solved: %(text)s") % {"text": text}
        if text
        else _("The complainant says it is not solved.")
    )
    try:
        services.complaint_reopen(complaint=complaint, reason=reason, by=None)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("We have reopened your complaint and will be in touch."))
    return redirect("public-complaint-track", token=token)


def public_complaint_attachment(request, token: str, attachment_id: int):
    complaint = _tracked(token)
    attachment = complaint.attachments.filter(pk=attachment_id, added_by__isnull=True).first()
    if attachment is None:
        raise Http404
    return attachments.attachment_response(attachment, preview=request.GET.get("preview") == "1")
