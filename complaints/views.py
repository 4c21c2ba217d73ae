from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui
from organization import access

from . import attachments, rules, selectors, services
from .filters import ComplaintFilter
from .forms import (
    AssignForm,
    AttachmentForm,
    CallbackForm,
    HandoverForm,
    IntakeForm,
    LowerTierForm,
    PlanForm,
    ProgressForm,
    RepairForm,
    TransitionForm,
    UnlinkFollowsForm,
)
from .models import TIER_REASON_LABELS, Category, Complaint, Status, Tier

PAGE_SIZE = 50


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_list(request):
    before = None
    at, pk = parse_datetime(request.GET.get("before_at", "") or ""), request.GET.get("before_id", "")
    if at and pk.isdigit():
        before = (at, int(pk))
    # The API's filters, with the API's errors: a refused value shows its message and no rows.
    filters = ComplaintFilter(
        request.GET, queryset=selectors.complaint_list(user=request.user, before=before)
    )
    if filters.is_valid():
        page, status = list(filters.qs[: PAGE_SIZE + 1]), 200
    else:
        page, status = [], 400
        messages.error(request, form_errors_text(filters.form))
    query = request.GET.copy()
    for key in ("before_at", "before_id"):
        query.pop(key, None)
    last = page[PAGE_SIZE - 1] if len(page) > PAGE_SIZE else None
    return render(
        request,
        "complaints/list.html",
        {
            "complaints": page[:PAGE_SIZE],
            "query": query.urlencode(),
            "last": last,
            "statuses": Status.choices,
            "tiers": Tier.choices,
            "categories": Category.choices,
        },
        status=status,
    )


@staff_ui
@permission_required("complaints.add_complaint", raise_exception=True)
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    form = IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "project",
                "unit",
                "channel",
                "category",
                "sub_category",
                "title",
                "description",
                "contact_name",
                "contact_phone",
                "complainant_count",
                "litigation",
                "media",
                "needs_outside_support",
                "follows",
            )
        }
        try:
            complaint = services.complaint_create(
                intake=services.Intake(**fields, received_at=data["received_at"]), received_by=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Complaint %(number)s recorded.") % {"number": complaint.number})
            return redirect("complaint-detail", complaint_id=complaint.pk)
    return render(request, "complaints/form.html", {"form": form})


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_detail(request, complaint_id: int):
    try:
        complaint = selectors.complaint_detail(user=request.user, complaint_id=complaint_id)
    except Complaint.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "reasons": [TIER_REASON_LABELS.get(code, code) for code in complaint.tier_reasons],
            "next_statuses": [
                (code, Status(code).label)
                for code in sorted(rules.TRANSITIONS.get(complaint.status, ()))
                if code != Status.ASSIGNED
            ],
            "duplicates": selectors.possible_duplicates(complaint),
            "assign_form": AssignForm(
                complaint=complaint,
                user=request.user,
                initial={"handler": complaint.handler_id, "department": complaint.department},
            ),
            "plan_form": PlanForm(),
            "progress_form": ProgressForm(),
            "handover_form": HandoverForm(complaint=complaint, user=request.user),
            "lower_form": LowerTierForm(),
            "repair_form": RepairForm(),
            "callback_form": CallbackForm(),
            "closing": _closing_state(complaint),
            "attachment_form": AttachmentForm(),
            "follows_text": services.follows_text(complaint),
            "unlink_form": UnlinkFollowsForm(),
            # The complainant's key to their complaint: for handlers who pass it on, not for auditors.
            "track_url": request.build_absolute_uri(f"/complain/track/{complaint.tracking_token}/")
            if complaint.tracking_token and request.user.has_perm("complaints.change_complaint")
            else "",
        },
    )


def _closing_state(complaint: Complaint) -> dict | None:
    """What a resolved complaint's page says about closing: the call-backs so far since it was
    resolved, when the next is due, and whether it may close."""
    if complaint.status != Status.RESOLVED:
        return None
    outcomes, confirmed = services.since_latest_resolve(complaint)
    return {
        "due_at": complaint.callback_due_at,
        "unreachable": outcomes.count(rules.UNREACHABLE),
        "basis": rules.closing_basis(outcomes, confirmed),
    }


def _action(view):
    """A staff action on one complaint: scoped, change permission, POST only, domain errors as messages."""

    @staff_ui
    @permission_required("complaints.change_complaint", raise_exception=True)
    @require_POST
    def wrapper(request, complaint_id: int):
        complaint = access.access_complaint(request.user, complaint_id, "change")
        try:
            view(request, complaint)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("complaint-detail", complaint_id=complaint.pk)

    return wrapper


def _form_action(form_class, service, success, *, form_needs_complaint: bool = False):
    """A staff action whose form's cleaned data go to ``service`` with the complaint and the user."""

    @_action
    def view(request, complaint):
        context = {"complaint": complaint, "user": request.user} if form_needs_complaint else {}
        form = form_class(request.POST, **context)
        if not form.is_valid():
            raise DomainError(form_errors_text(form))
        service(complaint=complaint, by=request.user, **form.cleaned_data)
        messages.success(request, success)

    return view


complaint_assign = _form_action(
    AssignForm, services.complaint_assign, gettext_lazy("Assigned."), form_needs_complaint=True
)
complaint_transition = _form_action(
    TransitionForm, services.complaint_transition, gettext_lazy("Status updated.")
)
complaint_plan = _form_action(
    PlanForm, services.complaint_add_plan, gettext_lazy("Plan recorded; the complainant can see it.")
)
complaint_progress = _form_action(
    ProgressForm, services.complaint_add_progress, gettext_lazy("Progress recorded.")
)
complaint_handover = _form_action(
    HandoverForm, services.complaint_handover, gettext_lazy("Handed over."), form_needs_complaint=True
)
complaint_lower_tier = _form_action(
    LowerTierForm, services.complaint_lower_tier, gettext_lazy("Tier lowered.")
)
complaint_repair = _form_action(RepairForm, services.repair_record, gettext_lazy("Repair recorded."))
complaint_callback = _form_action(
    CallbackForm, services.complaint_callback, gettext_lazy("Call-back recorded.")
)


@staff_ui
def notification_list(request):
    """The signed-in user's notifications, newest first; opening the page marks them read."""
    notifications = list(request.user.notifications.select_related("complaint")[:PAGE_SIZE])
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "complaints/notifications.html", {"notifications": notifications})


@_action
def complaint_link(request, complaint):
    earlier = (
        Complaint.objects.visible_to(request.user).filter(pk=request.POST.get("earlier", "0")[:18]).first()
    )
    if earlier is None:
        raise DomainError(_("Choose another complaint of the same company."))
    services.complaint_link_same_issue(complaint=complaint, earlier=earlier, by=request.user)
    messages.success(request, _("Linked as the same issue."))


# --- Attachments: the same scoped download for staff (page and preview) and, by token, the owner ----


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_attachment(request, complaint_id: int, attachment_id: int):
    complaint = access.access_complaint(request.user, complaint_id, "view")
    attachment = complaint.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachments.attachment_response(attachment, preview=request.GET.get("preview") == "1")


def _files_added(count: int) -> str:
    return ngettext("%(count)d file added.", "%(count)d files added.", count) % {"count": count}


@_action
def complaint_add_files(request, complaint):
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError(form_errors_text(form))
    added = attachments.attachment_add(complaint=complaint, files=form.cleaned_data["files"], by=request.user)
    messages.success(request, _files_added(len(added)))
