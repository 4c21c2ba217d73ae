"""Pages for issue groups and second complaints: the suggested clusters (and linking one) and
unlinking a complaint from the one it follows (the owner's "not solved" is in ``public_views``).
They call the same services as the API (``complaints.services.grouping``)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui

from . import services
from .forms import UnlinkFollowsForm
from .views import _action


@staff_ui
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_clusters(request):
    """Complaints that look like one issue (same building or project, same category, a month, three
    or more complainants) and are not linked yet; one GROUP BY, scoped to the user's companies."""
    building = request.GET.get("building", "")
    building_id = int(building) if building.isdigit() and len(building) < 19 else None
    return render(
        request,
        "complaints/clusters.html",
        {
            "clusters": services.complaint_clusters(user=request.user, building_id=building_id),
            "building_filtered": building_id is not None,
        },
    )


@staff_ui
@permission_required("complaints.change_complaint", raise_exception=True)
@require_POST
def complaint_clusters_link(request):
    ids = [value for value in request.POST.getlist("complaint") if value.isdigit() and len(value) < 19]
    try:
        root = services.issue_group_link(complaint_ids=ids, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("complaint-clusters")
    messages.success(request, _("Linked as one issue with %(number)s.") % {"number": root.number})
    return redirect("complaint-detail", complaint_id=root.pk)


@_action
def complaint_unlink_follows(request, complaint):
    form = UnlinkFollowsForm(request.POST)
    if not form.is_valid():
        raise DomainError(form_errors_text(form))
    services.complaint_unlink_follows(
        complaint=complaint, reason=form.cleaned_data["reason"], by=request.user
    )
    messages.success(request, _("No longer linked as a second complaint."))
