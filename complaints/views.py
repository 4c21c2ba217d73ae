from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.http import client_ip
from core.staff import staff_ui
from customers import privacy
from customers import rules as customer_rules
from customers import services as customer_services
from customers.models import AccessAction
from customers.views import import_upload
from organization import access

from . import attachments, history, links, rules, selectors, services
from . import government_import as government_imports
from .forms import (
    AssignForm,
    AttachmentForm,
    CallbackForm,
    CostForm,
    DefectTypeForm,
    ExternalVerdictForm,
    HandoverForm,
    IntakeDuplicatesQuery,
    IntakeForm,
    LowerTierForm,
    PauseApprovalForm,
    PauseForm,
    PlanForm,
    ProgressForm,
    RepairForm,
    ResolveForm,
    ResumeForm,
    TransitionForm,
    UnlinkFollowsForm,
)
from .models import TIER_REASON_LABELS, CannedReply, Complaint, Status

PAGE_SIZE = 50


# The list (/complaints/) is the work queue: complaints/queue_views.py.


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
                "defect_type",
                "title",
                "description",
                "contact_name",
                "contact_phone",
                "complainant_count",
                "litigation",
                "media",
                "needs_outside_support",
                "follows",
                "external_source",
                "external_ref",
                "external_deadline",
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
@permission_required("complaints.add_complaint", raise_exception=True)
@require_GET
def complaint_create_duplicates(request):
    """The new-complaint page's duplicate check before filing (static/js/intake.js): the earlier
    complaints of the project's company that the unit or phone and the category typed so far may
    repeat, as a small HTML fragment (empty when there are none or the query is incomplete)."""
    query = IntakeDuplicatesQuery(request.GET, user=request.user)
    found = []
    if query.is_valid():
        data = query.cleaned_data
        found = services.intake_duplicates(
            user=request.user,
            project=data["project"],
            unit_id=data["unit"].pk if data["unit"] else None,
            phone=data["contact_phone"],
            category=data["category"],
            defect_type_id=data["defect_type"].pk if data["defect_type"] else None,
        )
    return render(request, "complaints/_intake_duplicates.html", {"duplicates": found})


@staff_ui
@permission_required("complaints.add_complaint", raise_exception=True)
@require_http_methods(["GET", "POST"])
def government_import(request):
    """Upload the authority's exported case list; the import runs as a job with a progress page."""
    return import_upload(
        request,
        start=government_imports.government_import_start,
        template="complaints/government_import.html",
    )


# The picker on the complaint page offers at most this many of the company's active canned replies.
CANNED_PICKER_MAX = 100
# Each form of the complaint page gets its own field ids (several have a "note").
FORM_IDS = {
    "assign_form": "id_assign_%s",
    "plan_form": "id_plan_%s",
    "progress_form": "id_progress_%s",
    "resolve_form": "id_resolve_%s",
    "handover_form": "id_handover_%s",
    "lower_form": "id_lower_%s",
    "repair_form": "id_repair_%s",
    "callback_form": "id_callback_%s",
    "verdict_form": "id_verdict_%s",
    "attachment_form": "id_files_%s",
    "unlink_form": "id_unlink_%s",
    "defect_form": "id_defect_%s",
    "pause_form": "id_pause_%s",
    "resume_form": "id_resume_%s",
    "pause_approval_form": "id_pause_approval_%s",
}


def _detailed(user, complaint_id: int) -> Complaint:
    try:
        return selectors.complaint_detail(user=user, complaint_id=complaint_id)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _detail_page(request, complaint: Complaint, *, status: int = 200, phone_revealed: bool = False, **bound):
    """The complaint page. ``bound`` replaces a blank form by one sent back with its errors (status
    400), so that what the handler typed stays; ``phone_revealed`` only after an audited reveal."""
    user = request.user
    can_change = user.has_perm("complaints.change_complaint")
    forms = {
        "assign_form": lambda ids: AssignForm(
            complaint=complaint,
            user=user,
            auto_id=ids,
            initial={"handler": complaint.handler_id, "department": complaint.department},
        ),
        "plan_form": lambda ids: PlanForm(auto_id=ids),
        "progress_form": lambda ids: ProgressForm(auto_id=ids),
        "resolve_form": lambda ids: ResolveForm(auto_id=ids),
        "handover_form": lambda ids: HandoverForm(complaint=complaint, user=user, auto_id=ids),
        "lower_form": lambda ids: LowerTierForm(auto_id=ids),
        "repair_form": lambda ids: RepairForm(auto_id=ids),
        "callback_form": lambda ids: CallbackForm(auto_id=ids),
        "verdict_form": lambda ids: ExternalVerdictForm(auto_id=ids),
        "attachment_form": lambda ids: AttachmentForm(auto_id=ids),
        "unlink_form": lambda ids: UnlinkFollowsForm(auto_id=ids),
        "defect_form": lambda ids: DefectTypeForm(
            auto_id=ids, initial={"defect_type": complaint.defect_type_id}
        ),
        "pause_form": lambda ids: PauseForm(auto_id=ids),
        "resume_form": lambda ids: ResumeForm(auto_id=ids),
        "pause_approval_form": lambda ids: PauseApprovalForm(auto_id=ids),
    }
    context = {
        name: bound.get(name) or make(FORM_IDS[name]) if can_change else None for name, make in forms.items()
    }
    flow = sorted(rules.TRANSITIONS.get(complaint.status, ()))
    context.update(
        {
            "complaint": complaint,
            "reasons": [TIER_REASON_LABELS.get(code, code) for code in complaint.tier_reasons],
            # Resolving has its own form (the summary); assigning is the assign form.
            "next_statuses": [
                (code, Status(code).label) for code in flow if code not in (Status.ASSIGNED, Status.RESOLVED)
            ],
            "may_resolve": Status.RESOLVED in flow,
            "may_pause": complaint.status in rules.OPEN_STATUSES,
            "pause": complaint.pauses.filter(resumed_at__isnull=True).select_related("paused_by").first()
            if complaint.response_paused_since
            else None,
            "duplicates": services.possible_duplicates(complaint, user=user),
            "ledger": services.cost_ledger(complaint),
            "cost_form": CostForm(auto_id="id_cost_%s") if can_change else None,
            "may_manage_costs": user.has_perm(access.MANAGE_COMPLAINTS),
            "closing": _closing_state(complaint),
            "follows_text": services.follows_text(complaint),
            "history": history.complaint_history(complaint),
            "related_links": links.links_for(complaint, user),
            "resolution": history.latest_resolution(complaint),
            "phone": _shown_phone(complaint, phone_revealed),
            "phone_revealed": phone_revealed and bool(complaint.contact_phone),
            "can_reveal_phone": bool(complaint.contact_phone)
            and not phone_revealed
            and privacy.can_see_personal_data(user),
            "canned_replies": list(
                CannedReply.objects.filter(company_id=complaint.company_id, active=True).order_by("title")[
                    :CANNED_PICKER_MAX
                ]
            )
            if can_change
            else [],
            # The complainant's key to their complaint: for handlers who pass it on, not for auditors.
            "track_url": request.build_absolute_uri(f"/complain/track/{complaint.tracking_token}/")
            if complaint.tracking_token and can_change
            else "",
        }
    )
    return render(request, "complaints/detail.html", context, status=status)


def _shown_phone(complaint: Complaint, revealed: bool) -> str:
    if not complaint.contact_phone:
        return ""
    return complaint.contact_phone if revealed else customer_rules.mask_phone(complaint.contact_phone)


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_detail(request, complaint_id: int):
    return _detail_page(request, _detailed(request.user, complaint_id))


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
@require_http_methods(["GET", "POST"])
def complaint_reveal_phone(request, complaint_id: int):
    """显示号码: the complainant's full phone for a role with ``customers.view_personal_data`` (403 for
    others), written to the customers' access log like a reveal on the customer file, then shown
    with a click-to-call link. The next page view masks it again; a GET here (a reload, the
    language switch coming back) is that next view."""
    if request.method == "GET":
        return redirect("complaint-detail", complaint_id=complaint_id)
    if not privacy.can_see_personal_data(request.user):
        raise PermissionDenied
    complaint = _detailed(request.user, complaint_id)
    if complaint.contact_phone:
        customer_services.access_log_record(
            user=request.user,
            customer_ids=[complaint.customer_id],
            action=AccessAction.UNMASK,
            full_data=True,
            ip_address=client_ip(request),
            detail=f"complaint {complaint.number}",
        )
    return _detail_page(request, complaint, phone_revealed=True)


def _closing_state(complaint: Complaint) -> dict | None:
    """What a resolved complaint's page says about closing: the call-backs so far since it was
    resolved, when the next is due, and whether it may close."""
    if complaint.status != Status.RESOLVED:
        return None
    outcomes, confirmed = services.since_latest_resolve(complaint)
    needs_verdict = (
        rules.government_closing_refusal(channel=complaint.channel, verdict=complaint.external_verdict)
        is not None
    )
    return {
        "due_at": complaint.callback_due_at,
        "unreachable": outcomes.count(rules.UNREACHABLE),
        "basis": None if needs_verdict else rules.closing_basis(outcomes, confirmed),
        "needs_verdict": needs_verdict,
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


complaint_defect_type = _form_action(
    DefectTypeForm, services.complaint_set_defect_type, gettext_lazy("Defect type saved.")
)

complaint_assign = _form_action(
    AssignForm, services.complaint_assign, gettext_lazy("Assigned."), form_needs_complaint=True
)


@staff_ui
@permission_required("complaints.change_complaint", raise_exception=True)
@require_POST
def complaint_transition(request, complaint_id: int):
    """A step in the flow. Resolving sends the summary; refused, the page comes back (400) with the
    summary form and what was typed in it, or with the reason at the top for the other steps."""
    complaint = access.access_complaint(request.user, complaint_id, "change")
    resolving = request.POST.get("status") == Status.RESOLVED
    form = (
        ResolveForm(request.POST, auto_id=FORM_IDS["resolve_form"])
        if resolving
        else TransitionForm(request.POST)
    )
    if form.is_valid():
        try:
            services.complaint_transition(complaint=complaint, by=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("note" if error.code == "summary_required" else None, error.message)
        else:
            messages.success(request, _("Status updated."))
            return redirect("complaint-detail", complaint_id=complaint.pk)
    if not resolving:
        messages.error(request, form_errors_text(form))
        return _detail_page(request, _detailed(request.user, complaint.pk), status=400)
    return _detail_page(request, _detailed(request.user, complaint.pk), status=400, resolve_form=form)


complaint_plan = _form_action(
    PlanForm, services.complaint_add_plan, gettext_lazy("Plan recorded; the complainant can see it.")
)


@_action
def complaint_progress(request, complaint):
    form = ProgressForm(request.POST)
    if not form.is_valid():
        raise DomainError(form_errors_text(form))
    services.complaint_add_progress(complaint=complaint, by=request.user, **form.cleaned_data)
    if form.cleaned_data["visible_to_complainant"]:
        messages.success(request, _("Progress recorded; the complainant can see it."))
    else:
        messages.success(request, _("Internal progress note recorded; the complainant does not see it."))


complaint_handover = _form_action(
    HandoverForm, services.complaint_handover, gettext_lazy("Handed over."), form_needs_complaint=True
)
complaint_lower_tier = _form_action(
    LowerTierForm, services.complaint_lower_tier, gettext_lazy("Tier lowered.")
)
complaint_pause = _form_action(PauseForm, services.complaint_pause, gettext_lazy("Response clock paused."))
complaint_resume = _form_action(
    ResumeForm, services.complaint_resume, gettext_lazy("Response clock resumed.")
)


@staff_ui
@permission_required("complaints.lower_tier", raise_exception=True)
@require_POST
def complaint_approve_pause(request, complaint_id: int):
    """A manager lets the running pause last past 15 working days."""
    complaint = access.access_complaint(request.user, complaint_id, "lower_tier")
    form = PauseApprovalForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(form_errors_text(form))
        services.complaint_approve_pause(complaint=complaint, by=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Longer pause approved."))
    return redirect("complaint-detail", complaint_id=complaint.pk)


complaint_repair = _form_action(RepairForm, services.repair_record, gettext_lazy("Repair recorded."))
complaint_callback = _form_action(
    CallbackForm, services.complaint_callback, gettext_lazy("Call-back recorded.")
)
complaint_external_verdict = _form_action(
    ExternalVerdictForm,
    services.complaint_external_verdict,
    gettext_lazy("The authority's verdict recorded."),
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
