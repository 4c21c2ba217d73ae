"""What the club's staff views share: the permissions they check and how a refusal is shown."""

from django.contrib import messages
from django.http import Http404

from core.exceptions import DomainError

from .. import selectors
from ..models import Event, Member

VIEW = "membership.view_member"
SERVE = "membership.serve_members"
MANAGE = "membership.manage_club"
VIEW_LINK = "membership.view_member_link"


def run(request, action, success: str) -> bool:
    """Call a service; a refused request becomes the translated message on the next page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def member_or_404(request, member_id: int) -> Member:
    member = selectors.member_get(user=request.user, member_id=member_id)
    if member is None:
        raise Http404
    return member


def event_or_404(request, event_id: int) -> Event:
    event = selectors.event_get(user=request.user, event_id=event_id)
    if event is None:
        raise Http404
    return event
