"""Staff pages of the club's members (/club/, /club/members/…): the list, a member's file, and what
staff do for a member (redeem, offset fees, correct points, suspend, record a referral)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import form_errors_text
from core.staff import staff_ui

from .. import selectors, services
from ..forms import (
    CorrectionForm,
    FeeOffsetForm,
    GiftRedeemForm,
    MemberSearchForm,
    ReferralForm,
)
from ..models import Member
from .common import MANAGE, SERVE, VIEW, VIEW_LINK, member_or_404, run


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
    member = member_or_404(request, member_id)
    before = request.GET.get("before", "")
    entries = selectors.history(
        member=member,
        before=int(before) if before.isdigit() and len(before) < 19 else None,
        user=request.user,
    )
    return render(
        request,
        "membership/member_detail.html",
        {
            "member": member,
            "entries": entries,
            "older": entries[-1].pk if len(entries) == selectors.PAGE_SIZE else None,
            "signups": selectors.signups_of(member=member, user=request.user),
            "codes": selectors.codes_of(member=member, user=request.user),
            "redemptions": selectors.redemptions_of(member=member, user=request.user),
            # A bearer key to the member's page: only for staff who hand it to the member.
            "private_link": request.build_absolute_uri(reverse("member-page", args=[member.token]))
            if request.user.has_perm(VIEW_LINK)
            else "",
            "gift_form": GiftRedeemForm(member=member, user=request.user),
            "fee_form": FeeOffsetForm(),
            "correction_form": CorrectionForm(),
            "referral_form": ReferralForm(user=request.user),
        },
    )


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def member_redeem_gift(request, member_id: int):
    member = member_or_404(request, member_id)
    form = GiftRedeemForm(request.POST, member=member, user=request.user)
    if form.is_valid():
        gift = form.cleaned_data["gift"]
        run(
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
    member = member_or_404(request, member_id)
    form = FeeOffsetForm(request.POST)
    if form.is_valid():
        amount = form.cleaned_data["amount"]
        run(
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
    member = member_or_404(request, member_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        run(
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
    member = member_or_404(request, member_id)
    status = request.POST.get("status", "")
    run(
        request,
        lambda: services.member_set_status(member=member, status=status),
        _("Membership suspended.") if status == Member.Status.SUSPENDED else _("Membership reactivated."),
    )
    return redirect("club-member", member_id=member.pk)


@staff_ui
@permission_required(SERVE, raise_exception=True)
@require_POST
def member_refer(request, member_id: int):
    member = member_or_404(request, member_id)
    form = ReferralForm(request.POST, user=request.user)
    if form.is_valid():
        customer = form.cleaned_data["phone"]
        run(
            request,
            lambda: services.referral_create(referrer=member, customer=customer),
            _("Referral recorded: %(name)s. The points are earned when the customer signs.")
            % {"name": customer.name},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-member", member_id=member.pk)
