"""The staff page of member messages (/club/campaigns/): news, offers and events pushed to members."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.staff import staff_ui

from .. import selectors, services
from ..forms import CampaignForm
from .common import MANAGE, VIEW, run


@staff_ui
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_list(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            if run(
                request,
                lambda: services.campaign_create(by=request.user, **data),
                _("The message is being sent to the members."),
            ):
                return redirect("club-campaigns")
    return render(
        request,
        "membership/campaign_list.html",
        {"campaigns": selectors.campaign_list(user=request.user), "form": form},
    )
