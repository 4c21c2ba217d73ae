"""The member's private page (/m/<token>/): what a member sees and does with the link they were
given, and what staff may do there for them."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from customers import privacy
from customers.models import AccessAction

from .. import selectors, services
from ..models import EventSignup, Member
from .common import SERVE, run


def member_page_only(view):
    """The member's own pages: the token in the URL is the only key; a forged one is a 404.

    Someone signed in (staff) is not the member: they may look, which is written to the access log,
    and act only as themselves, with the right to serve members of the member's company; each
    action records them (``by``), never the member."""

    @wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        member = selectors.member_by_token(token)
        if member is None:
            return render(request, "membership/member_page_missing.html", status=404)
        if (
            request.user.is_authenticated
            and request.method == "POST"
            and not _may_act_for(request.user, member)
        ):
            raise PermissionDenied
        return view(request, member, *args, **kwargs)

    return wrapper


def _may_act_for(user, member: Member) -> bool:
    return user.has_perm(SERVE) and selectors.member_visible(user=user, member=member)


def _staff(request):
    """The staff user acting on a member's page, or None when it is the member."""
    return request.user if request.user.is_authenticated else None


@member_page_only
def member_page(request, member):
    if request.user.is_authenticated:  # staff looking at a member's page is a read of their file
        privacy.record_access(
            request, [member.customer], AccessAction.VIEW, full_data=False, detail="member page"
        )
    signups = selectors.signups_of(member=member)
    companies = selectors.serving_companies(member)
    mine = {s.event_id: s for s in signups if s.status != EventSignup.Status.CANCELLED}
    return render(
        request,
        "membership/member_page.html",
        {
            "member": member,
            "entries": selectors.history(member=member, limit=30),
            "events": [
                (event, mine.get(event.pk)) for event in selectors.upcoming_events(company_ids=companies)
            ],
            "signups": signups,
            "gifts": selectors.gifts_for(company_ids=companies),
            "offers": selectors.offers_for(company_ids=companies),
            "codes": selectors.codes_of(member=member),
            "staff": _staff(request),
        },
    )


@member_page_only
@require_POST
def member_page_signup(request, member, event_id: int):
    event = selectors.member_event(member=member, event_id=event_id)
    if event is None:
        raise Http404
    try:
        staff = _staff(request)
        signup = services.event_signup(
            event=event,
            member=member,
            channel=EventSignup.Channel.STAFF if staff else EventSignup.Channel.WEB,
            by=staff,
        )
        if signup.status == EventSignup.Status.CONFIRMED:
            messages.success(request, _("You are signed up for %(event)s.") % {"event": event.title})
        else:
            messages.success(
                request, _("%(event)s is full; you are on the waiting list.") % {"event": event.title}
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("member-page", token=member.token)


@member_page_only
@require_POST
def member_page_cancel(request, member, event_id: int):
    signup = selectors.member_signup(member=member, event_id=event_id)
    if signup is None:
        raise Http404
    run(
        request,
        lambda: services.event_cancel_signup(signup=signup, by=_staff(request)),
        _("Sign-up cancelled."),
    )
    return redirect("member-page", token=member.token)


@member_page_only
@require_POST
def member_page_redeem(request, member, gift_id: int):
    gift = selectors.member_gift(member=member, gift_id=gift_id)
    if gift is None:
        raise Http404
    run(
        request,
        lambda: services.gift_redeem(member=member, gift=gift, by=_staff(request)),
        _("Redeemed: %(gift)s. Collect it at the customer-service desk.") % {"gift": gift.name},
    )
    return redirect("member-page", token=member.token)


@member_page_only
@require_POST
def member_page_claim(request, member, offer_id: int):
    offer = selectors.member_offer(member=member, offer_id=offer_id)
    if offer is None:
        raise Http404
    run(
        request,
        lambda: services.offer_claim(member=member, offer=offer, by=_staff(request)),
        _("Your code for %(offer)s is below.") % {"offer": offer.title},
    )
    return redirect("member-page", token=member.token)
