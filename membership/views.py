"""Staff pages of the club (/club/…) and the member's private page (/m/<token>/)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui
from customers import privacy
from customers.models import AccessAction

from . import selectors, services
from .forms import (
    CampaignForm,
    CodeForm,
    CorrectionForm,
    EventForm,
    FeeOffsetForm,
    GiftForm,
    GiftRedeemForm,
    MemberSearchForm,
    MerchantForm,
    OfferForm,
    ReferralForm,
    StaffSignupForm,
)
from .models import Campaign, Event, EventSignup, Gift, Member, Offer

VIEW = "membership.view_member"
SERVE = "membership.serve_members"
MANAGE = "membership.manage_club"
VIEW_LINK = "membership.view_member_link"


def _run(request, action, success: str) -> bool:
    """Call a service; a refused request becomes the translated message on the next page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _member(request, member_id: int) -> Member:
    member = selectors.member_get(user=request.user, member_id=member_id)
    if member is None:
        raise Http404
    return member


def _event(request, event_id: int) -> Event:
    event = Event.objects.visible_to(request.user).filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event


# --- Members -------------------------------------------------------------------------------------


@staff_ui
@permission_required(VIEW, raise_exception=True)
def member_list(request):
    form = MemberSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    after = request.GET.get("after", "")
    rows = selectors.member_list(
        user=request.user,
        q=filters.get("q", ""),
        level=filters.get("level", ""),
        after=int(after) if after.isdigit() and len(after) < 19 else None,
    )
    members, more = rows[: selectors.PAGE_SIZE], len(rows) > selectors.PAGE_SIZE
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "membership/member_list.html",
        {"form": form, "members": members, "next_after": members[-1].pk if more else None, "query": query},
    )


@staff_ui
@permission_required(VIEW, raise_exception=True)
def member_detail(request, member_id: int):
    member = _member(request, member_id)
    before = request.GET.get("before", "")
    entries = selectors.history(
        member=member, before=int(before) if before.isdigit() and len(before) < 19 else None
    )
    return render(
        request,
        "membership/member_detail.html",
        {
            "member": member,
            "entries": entries,
            "older": entries[-1].pk if len(entries) == selectors.PAGE_SIZE else None,
            "signups": selectors.signups_of(member=member),
            "codes": selectors.codes_of(member=member),
            "redemptions": member.redemptions.select_related("gift")[:20],
            # A bearer key to the member's page: only for staff who hand it to the member.
            "private_link": request.build_absolute_uri(reverse("member-page", args=[member.token]))
            if request.user.has_perm(VIEW_LINK)
            else "",
            "gift_form": GiftRedeemForm(member=member),
            "fee_form": FeeOffsetForm(),
            "correction_form": CorrectionForm(),
            "referral_form": ReferralForm(user=request.user),
        },
    )


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def member_redeem_gift(request, member_id: int):
    member = _member(request, member_id)
    form = GiftRedeemForm(request.POST, member=member)
    if form.is_valid():
        gift = form.cleaned_data["gift"]
        _run(
            request,
            lambda: services.gift_redeem(member=member, gift=gift, by=request.user),
            _("Redeemed: %(gift)s.") % {"gift": gift.name},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-member", member_id=member.pk)


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def member_fee_offset(request, member_id: int):
    member = _member(request, member_id)
    form = FeeOffsetForm(request.POST)
    if form.is_valid():
        amount = form.cleaned_data["amount"]
        _run(
            request,
            lambda: services.fee_offset_redeem(member=member, amount=amount, by=request.user),
            _("%(amount)s yuan of property fees offset with points.") % {"amount": amount},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-member", member_id=member.pk)


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def member_correct(request, member_id: int):
    member = _member(request, member_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.points_correct(member=member, by=request.user, **form.cleaned_data),
            _("Correction recorded."),
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-member", member_id=member.pk)


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def member_status(request, member_id: int):
    member = _member(request, member_id)
    status = request.POST.get("status", "")
    _run(
        request,
        lambda: services.member_set_status(member=member, status=status),
        _("Membership suspended.") if status == Member.Status.SUSPENDED else _("Membership reactivated."),
    )
    return redirect("club-member", member_id=member.pk)


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def member_refer(request, member_id: int):
    member = _member(request, member_id)
    form = ReferralForm(request.POST, user=request.user)
    if form.is_valid():
        customer = form.cleaned_data["phone"]
        _run(
            request,
            lambda: services.referral_create(referrer=member, customer=customer),
            _("Referral recorded: %(name)s. The points are earned when the customer signs.")
            % {"name": customer.name},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-member", member_id=member.pk)


# --- Events --------------------------------------------------------------------------------------


@staff_ui
@permission_required(VIEW, raise_exception=True)
def event_list(request):
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise Http404
        if form.is_valid():
            event = form.save()
            messages.success(request, _("Event planned."))
            return redirect("club-event", event_id=event.pk)
    return render(
        request,
        "membership/event_list.html",
        {"events": selectors.event_list(user=request.user), "form": form},
    )


@staff_ui
@permission_required(VIEW, raise_exception=True)
def event_detail(request, event_id: int):
    event = _event(request, event_id)
    signups = selectors.event_signups(event=event)
    return render(
        request,
        "membership/event_detail.html",
        {
            "event": event,
            "confirmed": [s for s in signups if s.status == EventSignup.Status.CONFIRMED],
            "waiting": [s for s in signups if s.status == EventSignup.Status.WAITING],
            "started": event.starts_at <= timezone.now(),
            "signup_form": StaffSignupForm(user=request.user),
        },
    )


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def event_signup(request, event_id: int):
    event = _event(request, event_id)
    form = StaffSignupForm(request.POST, user=request.user)
    if form.is_valid():
        member = form.cleaned_data["number"]
        _run(
            request,
            lambda: services.event_signup(
                event=event, member=member, channel=EventSignup.Channel.STAFF, by=request.user
            ),
            _("%(name)s signed up.") % {"name": member.customer.name},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-event", event_id=event.pk)


def _signup(request, event: Event, signup_id: int) -> EventSignup:
    signup = EventSignup.objects.filter(event=event, pk=signup_id).select_related("member__customer").first()
    if signup is None:
        raise Http404
    return signup


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def event_cancel(request, event_id: int, signup_id: int):
    event = _event(request, event_id)
    signup = _signup(request, event, signup_id)
    _run(
        request, lambda: services.event_cancel_signup(signup=signup, by=request.user), _("Sign-up cancelled.")
    )
    return redirect("club-event", event_id=event.pk)


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def event_attended(request, event_id: int, signup_id: int):
    event = _event(request, event_id)
    signup = _signup(request, event, signup_id)
    _run(
        request,
        lambda: services.event_mark_attendance(event=event, member=signup.member, by=request.user),
        _("Attendance recorded for %(name)s.") % {"name": signup.member.customer.name},
    )
    return redirect("club-event", event_id=event.pk)


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def event_call_off(request, event_id: int):
    event = _event(request, event_id)
    _run(
        request,
        lambda: services.event_call_off(
            event=event, reason=request.POST.get("reason", "")[:200], by=request.user
        ),
        _("%(event)s is called off; the members who signed up are told by SMS.") % {"event": event.title},
    )
    return redirect("club-event", event_id=event.pk)


# --- Gifts, merchants, campaigns -----------------------------------------------------------------


@staff_ui
@permission_required(VIEW, raise_exception=True)
def gift_list(request):
    form = GiftForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise Http404
        if form.is_valid():
            form.save()
            messages.success(request, _("Gift added."))
            return redirect("club-gifts")
    gifts = (
        Gift.objects.visible_to(request.user).select_related("company").order_by("company_id", "points")[:200]
    )
    return render(request, "membership/gift_list.html", {"gifts": gifts, "form": form})


@staff_ui
@permission_required(VIEW, raise_exception=True)
def merchant_list(request):
    return render(
        request,
        "membership/merchant_list.html",
        {
            "merchants": selectors.merchant_usage(user=request.user),
            "merchant_form": MerchantForm(user=request.user),
            "offer_form": OfferForm(user=request.user),
            "code_form": CodeForm(),
        },
    )


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def merchant_add(request):
    form = MerchantForm(request.POST, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Partner merchant added."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-merchants")


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def offer_add(request):
    form = OfferForm(request.POST, user=request.user)
    if form.is_valid():
        Offer.objects.create(**form.cleaned_data)
        messages.success(request, _("Offer added."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-merchants")


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def code_use(request):
    form = CodeForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["code"]
        _run(
            request,
            lambda: services.code_use(code=code, user=request.user),
            _("Code %(code)s accepted.") % {"code": code.strip().upper()},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-merchants")


@staff_ui
@permission_required(VIEW, raise_exception=True)
def campaign_list(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            if _run(
                request,
                lambda: services.campaign_create(by=request.user, **data),
                _("The message is being sent to the members."),
            ):
                return redirect("club-campaigns")
    campaigns = Campaign.objects.visible_to(request.user).select_related("created_by")[:100]
    return render(request, "membership/campaign_list.html", {"campaigns": campaigns, "form": form})


# --- The member's private page -------------------------------------------------------------------


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
    return user.has_perm(SERVE) and Member.objects.visible_to(user).filter(pk=member.pk).exists()


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
    mine = {s.event_id: s for s in signups if s.status != EventSignup.Status.CANCELLED}
    return render(
        request,
        "membership/member_page.html",
        {
            "member": member,
            "entries": selectors.history(member=member, limit=30),
            "events": [
                (event, mine.get(event.pk))
                for event in selectors.upcoming_events(company_id=member.company_id)
            ],
            "signups": signups,
            "gifts": selectors.gifts_for(company_id=member.company_id),
            "offers": selectors.offers_for(company_id=member.company_id),
            "codes": selectors.codes_of(member=member),
            "staff": _staff(request),
        },
    )


@member_page_only
@require_POST
def member_page_signup(request, member, event_id: int):
    event = Event.objects.filter(pk=event_id, company_id=member.company_id).first()
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
    signup = EventSignup.objects.filter(event_id=event_id, member=member).first()
    if signup is None:
        raise Http404
    _run(
        request,
        lambda: services.event_cancel_signup(signup=signup, by=_staff(request)),
        _("Sign-up cancelled."),
    )
    return redirect("member-page", token=member.token)


@member_page_only
@require_POST
def member_page_redeem(request, member, gift_id: int):
    gift = Gift.objects.filter(pk=gift_id, company_id=member.company_id).first()
    if gift is None:
        raise Http404
    _run(
        request,
        lambda: services.gift_redeem(member=member, gift=gift, by=_staff(request)),
        _("Redeemed: %(gift)s. Collect it at the customer-service desk.") % {"gift": gift.name},
    )
    return redirect("member-page", token=member.token)


@member_page_only
@require_POST
def member_page_claim(request, member, offer_id: int):
    offer = Offer.objects.filter(pk=offer_id, merchant__company_id=member.company_id).first()
    if offer is None:
        raise Http404
    _run(
        request,
        lambda: services.offer_claim(member=member, offer=offer, by=_staff(request)),
        _("Your code for %(offer)s is below.") % {"offer": offer.title},
    )
    return redirect("member-page", token=member.token)
