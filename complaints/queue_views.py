"""The complaint list as a work queue (/complaints/): filters (``ComplaintFilter``, shared with the API),
sorts with keyset pages both ways, a shown total that never counts a large table, the user's saved
views, and bulk assignment or handover with a confirmation step."""

from dataclasses import dataclass
from datetime import UTC

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import saved_views
from core.exceptions import DomainError
from core.filters import MAX_ID
from core.forms import form_errors_text
from core.models import SavedView
from core.pagination import estimated_total
from core.staff import staff_ui
from organization import access
from organization.models import Project

from . import selectors, services
from .filters import ComplaintFilter
from .models import Category, Complaint, Department, Status, Tier

PAGE_SIZE = 50
PAGE_KEY = "complaints"
BULK_MAX = 100
SORT_LABELS = {
    "received": gettext_lazy("Received, newest first"),
    "escalation": gettext_lazy("Next escalation, soonest first"),
    "updated": gettext_lazy("Last update, newest first"),
    "tier": gettext_lazy("Tier, major first"),
}
ASSIGN, HANDOVER = "assign", "handover"
BULK_ACTIONS = {ASSIGN: gettext_lazy("Assign to"), HANDOVER: gettext_lazy("Hand over to")}


# --- Cursors: the sort's values and the id of a page's first or last row, in the URL -------------


def cursor_token(complaint: Complaint, sort: str) -> str:
    values = selectors.cursor_of(complaint, sort)
    return "~".join(
        "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
        for value in values
    )


def _small_int(part: str) -> int | None:
    return (
        int(part) if part.isascii() and part.isdigit() and len(part) <= 19 and int(part) <= MAX_ID else None
    )


def _moment(part: str):
    try:
        moment = parse_datetime(part)
    except ValueError:
        return None
    if moment is None or moment.tzinfo is None or not 1900 <= moment.year <= 2199:
        return None
    return moment.astimezone(UTC)


def parse_cursor(token: str, sort: str) -> tuple | None:
    """A cursor this page wrote, or None (a hand-edited one starts from the first page)."""
    keys = selectors.QUEUE_SORTS[sort]
    parts = token.split("~")
    if len(parts) != len(keys) + 1:
        return None
    values = []
    for key, part in zip(keys, parts[:-1], strict=True):
        if part == "" and key.nullable:
            value = None
        elif part == "":
            return None
        else:
            value = _small_int(part) if key.field == "tier_rank" else _moment(part)
            if value is None:
                return None
        values.append(value)
    pk = _small_int(parts[-1])
    return None if pk is None else (*values, pk)


def _link(query: QueryDict, **params) -> str:
    query = query.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    for name, value in params.items():
        query[name] = value
    return "?" + query.urlencode()


@dataclass
class Page:
    rows: list
    previous: str | None
    next: str | None


def read_page(queryset, sort: str, query: QueryDict) -> Page:
    """One page of ``queryset`` (filtered, not yet ordered) after ``query``'s ``after`` cursor or
    before its ``before`` cursor: one query of PAGE_SIZE + 1 rows in index order."""
    before = parse_cursor(query.get("before", ""), sort) if query.get("before") else None
    after = parse_cursor(query.get("after", ""), sort) if before is None and query.get("after") else None
    backwards = before is not None
    rows = list(
        selectors.queue_page(queryset, sort=sort, cursor=before or after, backwards=backwards)[
            : PAGE_SIZE + 1
        ]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if backwards:
        rows.reverse()
    has_previous = more if backwards else after is not None
    has_next = True if backwards else more
    return Page(
        rows=rows,
        previous=_link(query, before=cursor_token(rows[0], sort)) if rows and has_previous else None,
        next=_link(query, after=cursor_token(rows[-1], sort)) if rows and has_next else None,
    )


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_list(request):
    user = request.user
    sort = request.GET.get("sort") or selectors.DEFAULT_SORT
    if sort not in selectors.QUEUE_SORTS:
        sort = selectors.DEFAULT_SORT
    # The API's filters, with the API's errors: a refused value shows its message and no rows.
    filters = ComplaintFilter(
        request.GET, queryset=selectors.complaint_list(user=user, sort=sort), request=request
    )
    if filters.is_valid():
        page, status = read_page(filters.qs, sort, request.GET), 200
        total = estimated_total(filters.qs)
    else:
        page, status, total = Page([], None, None), 400, None
        messages.error(request, form_errors_text(filters.form))
    may_change = user.has_perm("complaints.change_complaint")
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    return render(
        request,
        "complaints/list.html",
        {
            "complaints": page.rows,
            "page": page,
            "total": total,
            # Grouped by thousands as the owners' reports print them (「约 12,000 条」).
            "total_shown": f"{total.count:,}" if total else "",
            "query": query.urlencode(),
            "sort": sort,
            "sorts": list(SORT_LABELS.items()),
            "statuses": Status.choices,
            "tiers": Tier.choices,
            "categories": Category.choices,
            "projects": Project.objects.visible_to(user).order_by("name").only("id", "name"),
            "saved_views": saved_views.saved_views_for(user=user, page=PAGE_KEY),
            "may_change": may_change,
            "staff": access.assignable_staff(user, user.company) if may_change else [],
            "bulk_actions": list(BULK_ACTIONS.items()),
            "filters_active": any(
                request.GET.get(name) for name in ComplaintFilter.base_filters if name != "company"
            ),
        },
        status=status,
    )


# --- Saved views -----------------------------------------------------------------------------------


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
@require_POST
def saved_view_save(request):
    query = request.POST.get("query", "")
    try:
        view = saved_views.saved_view_save(
            user=request.user, page=PAGE_KEY, name=request.POST.get("view_name", ""), query=query
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(reverse("complaint-list") + "?" + saved_views.clean_query(query))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(reverse("complaint-list") + "?" + view.query)


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
@require_POST
def saved_view_delete(request, view_id: int):
    try:
        view = saved_views.saved_view_delete(user=request.user, view_id=view_id)
    except SavedView.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("complaint-list")


# --- Bulk assignment and handover --------------------------------------------------------------------


@dataclass
class Selection:
    complaints: list[Complaint]
    action: str
    target: object


def _selection(request) -> Selection:
    """The chosen complaints (all visible to the user, of one company), the action and the person,
    or a DomainError saying what is wrong."""
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS:
        raise DomainError(_("Choose whether to assign or to hand over."), code="action")
    raw = request.POST.getlist("ids")
    if not raw:
        raise DomainError(_("Choose at least one complaint."), code="no_complaints")
    ids = {_small_int(value) for value in raw}
    if len(raw) > BULK_MAX or None in ids:
        raise DomainError(_("Choose at most %(n)d complaints.") % {"n": BULK_MAX}, code="ids")
    complaints = list(
        Complaint.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("project", "handler", "first_responder", "company")
        .order_by("-received_at", "-id")
    )
    if len(complaints) != len(ids):
        # Another company's ids (or made-up ones) are never acted on: the whole request is refused.
        raise DomainError(
            _("Some of the chosen complaints are not available to you."), code="unknown_complaints"
        )
    if len({complaint.company_id for complaint in complaints}) > 1:
        raise DomainError(
            _(
                "The chosen complaints belong to several companies. One person can only be given the "
                "complaints of one company: choose complaints of one company."
            ),
            code="mixed_companies",
        )
    to = _small_int(request.POST.get("to", ""))
    target = (
        None
        if to is None
        else access.assignable_staff(request.user, complaints[0].company).filter(pk=to).first()
    )
    if target is None:
        raise DomainError(_("Choose a person who may handle this company's complaints."), code="target")
    return Selection(complaints, action, target)


def _apply(selection: Selection, *, by, department: str, note: str) -> list[tuple[Complaint, bool, str]]:
    """Each complaint through the same service as its own page, each in its own transaction; what
    happened to each: (complaint, done, why)."""
    outcomes = []
    target = selection.target
    for complaint in selection.complaints:
        if selection.action == ASSIGN and complaint.handler_id == target.pk:
            outcomes.append((complaint, False, _("already assigned to them")))
            continue
        if selection.action == HANDOVER and complaint.first_responder_id == target.pk:
            outcomes.append((complaint, False, _("already theirs")))
            continue
        try:
            with transaction.atomic():
                if selection.action == ASSIGN:
                    services.complaint_assign(
                        complaint=complaint,
                        handler=target,
                        department=department or complaint.department or Department.CUSTOMER_SERVICE,
                        deadline=complaint.deadline,
                        by=by,
                    )
                else:
                    services.complaint_handover(complaint=complaint, to_user=target, note=note, by=by)
        except DomainError as error:
            outcomes.append((complaint, False, error.message))
        else:
            outcomes.append(
                (complaint, True, _("assigned") if selection.action == ASSIGN else _("handed over"))
            )
    return outcomes


@staff_ui
@permission_required("complaints.change_complaint", raise_exception=True)
@require_POST
def complaint_bulk(request):
    """Step 1 (no ``confirm``): the confirmation page listing the chosen complaints and the person.
    Step 2 (``confirm``): apply, then the page of what happened to each. Submitting step 2 again skips
    what is already done."""
    back = reverse("complaint-list") + "?" + saved_views.clean_query(request.POST.get("back", ""))
    try:
        selection = _selection(request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    department = request.POST.get("department", "")
    note = request.POST.get("note", "").strip()
    context = {
        "selection": selection,
        "action_label": BULK_ACTIONS[selection.action],
        "departments": Department.choices,
        "department": department,
        "note": note,
        "back": back,
        "back_query": saved_views.clean_query(request.POST.get("back", "")),
    }
    if request.POST.get("confirm"):
        errors = []
        if department and department not in Department.values:
            errors.append(_("Choose a department from the list."))
        if selection.action == HANDOVER and not note:
            errors.append(_("Say why and what the next person needs to know."))
        if not errors:
            outcomes = _apply(selection, by=request.user, department=department, note=note)
            return render(request, "complaints/queue_result.html", {**context, "outcomes": outcomes})
        for error in errors:
            messages.error(request, error)
        return render(request, "complaints/queue_confirm.html", context, status=400)
    return render(request, "complaints/queue_confirm.html", context)
