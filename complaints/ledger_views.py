"""The complaint page's repeat-complaint decisions and cost ledger (issue 19 §4, §5): the same
services as the API (``services.duplicates``, ``services.costs``), domain errors as messages."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui
from organization import access

from . import services
from .forms import CostForm, CostReverseForm, DuplicateDecisionForm
from .models import Complaint, ComplaintCost
from .views import _action


@_action
def complaint_duplicate_decision(request, complaint):
    form = DuplicateDecisionForm(request.POST)
    if not form.is_valid():
        raise DomainError(form_errors_text(form))
    earlier = Complaint.objects.visible_to(request.user).filter(pk=form.cleaned_data["earlier"]).first()
    if earlier is None:
        raise DomainError(_("That complaint is not an undecided possible duplicate."))
    services.complaint_duplicate_decide(
        complaint=complaint, earlier=earlier, decision=form.cleaned_data["decision"], by=request.user
    )
    messages.success(request, _("Decision recorded."))


@_action
def complaint_cost(request, complaint):
    form = CostForm(request.POST)
    if not form.is_valid():
        raise DomainError(form_errors_text(form))
    services.cost_record(complaint=complaint, by=request.user, **form.cleaned_data)
    messages.success(request, _("Cost recorded."))


def _manager_cost_action(view):
    """A company manager's step on one ledger entry (reverse, advance a back-charge)."""

    @staff_ui
    @permission_required(access.MANAGE_COMPLAINTS, raise_exception=True)
    @require_POST
    def wrapper(request, complaint_id: int, cost_id: int):
        complaint = access.access_complaint(request.user, complaint_id, "lower_tier")
        cost = ComplaintCost.objects.filter(complaint=complaint, pk=cost_id).first()
        try:
            if cost is None:
                raise DomainError(_("No such cost entry."))
            view(request, cost)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("complaint-detail", complaint_id=complaint.pk)

    return wrapper


@_manager_cost_action
def complaint_cost_reverse(request, cost):
    form = CostReverseForm(request.POST)
    if not form.is_valid():
        raise DomainError(form_errors_text(form))
    services.cost_reverse(cost=cost, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Entry reversed."))


@_manager_cost_action
def complaint_cost_advance(request, cost):
    services.back_charge_advance(cost=cost, by=request.user)
    messages.success(request, _("Back-charge moved on."))
