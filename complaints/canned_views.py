"""The canned replies (短语) management page: a company manager keeps their company's replies, the
group centre any company's (``complaints.manage_cannedreply``; a reply outside the caller's companies
is a 404). Staff insert the active ones on the complaint page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from core.staff import staff_ui

from . import services
from .canned_models import MANAGE_CANNED_REPLIES, CannedReply
from .forms import CannedReplyForm

LIST_MAX = 500  # a company keeps dozens; the group centre sees every company's


def _reply(user, reply_id: int) -> CannedReply:
    return get_object_or_404(CannedReply.objects.visible_to(user), pk=reply_id)


@staff_ui
@permission_required(MANAGE_CANNED_REPLIES, raise_exception=True)
def canned_reply_list(request):
    replies = (
        CannedReply.objects.visible_to(request.user)
        .select_related("company", "created_by")
        .order_by("company__name", "-active", "title", "id")[:LIST_MAX]
    )
    return render(
        request,
        "complaints/canned_list.html",
        {"replies": replies, "show_company": not request.user.company_id},
    )


@staff_ui
@permission_required(MANAGE_CANNED_REPLIES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def canned_reply_create(request):
    form = CannedReplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_create(
                company=form.cleaned_data.get("company"),
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("canned-replies")
    return render(
        request,
        "complaints/canned_form.html",
        {"form": form, "reply": None},
        status=400 if form.errors else 200,
    )


@staff_ui
@permission_required(MANAGE_CANNED_REPLIES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def canned_reply_edit(request, reply_id: int):
    reply = _reply(request.user, reply_id)
    form = CannedReplyForm(
        request.POST or None,
        user=request.user,
        editing=True,
        initial={"title": reply.title, "body": reply.body},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_update(
                reply=reply, title=form.cleaned_data["title"], body=form.cleaned_data["body"], by=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("canned-replies")
    return render(
        request,
        "complaints/canned_form.html",
        {"form": form, "reply": reply},
        status=400 if form.errors else 200,
    )


@staff_ui
@permission_required(MANAGE_CANNED_REPLIES, raise_exception=True)
@require_POST
def canned_reply_active(request, reply_id: int):
    """Deactivate a reply (``active=0``: the picker no longer offers it) or bring it back (``active=1``)."""
    reply = _reply(request.user, reply_id)
    active = request.POST.get("active") == "1"
    services.canned_reply_set_active(reply=reply, active=active, by=request.user)
    messages.success(request, _("Canned reply restored.") if active else _("Canned reply deactivated."))
    return redirect("canned-replies")
