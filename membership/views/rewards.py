"""Staff pages of what members spend points on (/club/gifts/, /club/merchants/…): gifts and their
stock, partner merchants and their offers, and accepting a member's redemption code."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from core.forms import form_errors_text
from core.staff import staff_ui

from .. import selectors, services
from ..forms import CodeForm, GiftForm, GiftStockForm, MerchantForm, OfferForm
from .common import MANAGE, SERVE, VIEW, run


@staff_ui
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def gift_list(request):
    form = GiftForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.has_perm(MANAGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.gift_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Gift added."))
                return redirect("club-gifts")
    return render(
        request,
        "membership/gift_list.html",
        {"gifts": selectors.gift_list(user=request.user), "form": form, "stock_form": GiftStockForm()},
    )


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def gift_stock(request, gift_id: int):
    gift = selectors.gift_get(user=request.user, gift_id=gift_id)
    if gift is None:
        raise Http404
    form = GiftStockForm(request.POST)
    if form.is_valid():
        delta = form.cleaned_data["delta"]
        run(
            request,
            lambda: services.gift_stock_change(gift=gift, delta=delta, by=request.user),
            _("Stock of %(gift)s changed by %(delta)s.") % {"gift": gift.name, "delta": f"{delta:+d}"},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-gifts")


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
        run(
            request,
            lambda: services.merchant_create(by=request.user, **form.cleaned_data),
            _("Partner merchant added."),
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-merchants")


@staff_ui
@permission_required(MANAGE, raise_exception=True)
@require_POST
def offer_add(request):
    form = OfferForm(request.POST, user=request.user)
    if form.is_valid():
        run(request, lambda: services.offer_create(by=request.user, **form.cleaned_data), _("Offer added."))
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
        run(
            request,
            lambda: services.code_use(code=code, user=request.user),
            _("Code %(code)s accepted.") % {"code": code.strip().upper()},
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("club-merchants")
