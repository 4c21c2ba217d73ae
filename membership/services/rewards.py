"""What members spend points on: gifts (under the gift row lock, for stock), property-fee offsets,
and partner merchants' offers with their one-time redemption codes (claimed by the member, used at
the merchant under the code row lock). Every debit goes through the ledger's ``_take``.

Managers add gifts and change their stock, add partner merchants and their offers; the company each
belongs to is decided by ``organization.access.write_company_for``.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError
from organization import access
from organization.models import Company

from .. import rules
from ..models import Gift, Member, Merchant, Offer, OfferCode, PointEntry, Redemption
from .ledger import NotEnoughPoints, _check_active, _locked, _take

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- Gifts ---------------------------------------------------------------------------------------


def _required(text: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(_("Fill in the name."), code="name_required")
    return text


@transaction.atomic
def gift_create(*, company: Company | None, name: str, points: int, stock: int, by) -> Gift:
    """Offer a gift to the members of ``company`` (a company user's own; a group-level user names it)."""
    company = access.write_company_for(by, company)
    if points < 1:
        raise DomainError(_("A gift costs at least one point."), code="invalid_points")
    if stock < 0:
        raise DomainError(_("The stock cannot be negative."), code="invalid_stock")
    return Gift.objects.create(company=company, name=_required(name), points=points, stock=stock)


@transaction.atomic
def gift_stock_change(*, gift: Gift, delta: int, by) -> Gift:
    """Add to the stock (a delivery, ``delta`` > 0) or take from it (a write-off, ``delta`` < 0).
    A change, not a new total, under the gift row lock: a redemption between reading the stock and
    saving it is never undone."""
    gift = Gift.objects.select_for_update().get(pk=gift.pk)
    access.write_company_for(by, gift.company)
    if delta == 0:
        raise DomainError(_("Enter how many to add (+) or take away (−)."), code="invalid_delta")
    if gift.stock + delta < 0:
        raise Conflict(
            _("Only %(stock)s in stock; %(count)s cannot be taken away.")
            % {"stock": gift.stock, "count": -delta},
            code="not_enough_stock",
        )
    gift.stock += delta
    gift.save(update_fields=["stock"])
    return gift


@transaction.atomic
def gift_update(*, gift: Gift, name: str, points: int, active: bool, by) -> Gift:
    """Change a gift's name, price in points or whether it is offered (the stock changes only by
    ``gift_stock_change``). Under the gift row lock, as redemptions take it: a redemption in between
    pays the price it read. Redemptions already made keep the points they cost."""
    gift = Gift.objects.select_for_update().get(pk=gift.pk)
    access.write_company_for(by, gift.company)
    if points < 1:
        raise DomainError(_("A gift costs at least one point."), code="invalid_points")
    gift.name, gift.points, gift.active = _required(name), points, active
    gift.save(update_fields=["name", "points", "active"])
    return gift


# --- Redemptions ---------------------------------------------------------------------------------


@transaction.atomic
def gift_redeem(*, member: Member, gift: Gift, by=None) -> Redemption:
    member = _locked(member)
    _check_active(member)
    gift = Gift.objects.select_for_update().get(pk=gift.pk)
    if not gift.active or not member.served_by(gift.company_id):
        raise DomainError(_("This gift is not offered."), code="gift_not_offered")
    if gift.stock <= 0:
        raise Conflict(_("%(gift)s is out of stock.") % {"gift": gift.name}, code="out_of_stock")
    if gift.points > member.balance:
        raise NotEnoughPoints(
            _("Not enough points: %(needed)s needed, the balance is %(balance)s.")
            % {"needed": gift.points, "balance": member.balance}
        )
    redemption = Redemption.objects.create(
        member=member,
        kind=Redemption.Kind.GIFT,
        gift=gift,
        points=gift.points,
        by=by,
        company_id=gift.company_id,
    )
    _take(
        member,
        gift.points,
        kind=PointEntry.Kind.SPEND,
        reason=str(_("Gift: %(gift)s") % {"gift": gift.name}),
        source=f"redemption:{redemption.pk}",
        idempotency_key=f"redemption:{redemption.pk}",
        company_id=gift.company_id,
    )
    gift.stock -= 1
    gift.save(update_fields=["stock"])
    return redemption


@transaction.atomic
def fee_offset_redeem(*, member: Member, amount: Decimal, by=None) -> Redemption:
    """Pay part of the property-management fee with points (POINTS_PER_YUAN points a yuan)."""
    try:
        points = rules.fee_offset_points(amount)
    except ValueError:
        raise DomainError(
            _("Enter an amount between 0.01 and %(max)s yuan.") % {"max": rules.FEE_OFFSET_MAX},
            code="invalid_amount",
        ) from None
    member = _locked(member)
    _check_active(member)
    if points > member.balance:
        raise NotEnoughPoints(
            _("Not enough points: %(needed)s needed, the balance is %(balance)s.")
            % {"needed": points, "balance": member.balance}
        )
    # The serving company's staff offset its property fee; the member on their own page: the joining one's.
    company_id = getattr(by, "company_id", None) or member.company_id
    redemption = Redemption.objects.create(
        member=member,
        kind=Redemption.Kind.FEE_OFFSET,
        points=points,
        amount=amount,
        by=by,
        company_id=company_id,
    )
    _take(
        member,
        points,
        kind=PointEntry.Kind.SPEND,
        reason=str(_("Property-fee offset: %(amount)s yuan") % {"amount": amount}),
        source=f"redemption:{redemption.pk}",
        idempotency_key=f"redemption:{redemption.pk}",
        company_id=company_id,
    )
    return redemption


# --- Merchants -----------------------------------------------------------------------------------


@transaction.atomic
def merchant_create(*, company: Company | None, name: str, category: str = "", by) -> Merchant:
    """Add a partner merchant of ``company`` (a company user's own; a group-level user names it)."""
    company = access.write_company_for(by, company)
    return Merchant.objects.create(company=company, name=_required(name), category=category.strip())


@transaction.atomic
def merchant_update(*, merchant: Merchant, name: str, category: str, active: bool, by) -> Merchant:
    """Rename a partner merchant, change its category, or end (``active`` False) or resume the
    partnership: an inactive merchant's offers are no longer claimed; codes already given still work
    at the merchant until their offer expires."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    access.write_company_for(by, merchant.company)
    merchant.name, merchant.category, merchant.active = _required(name), category.strip(), active
    merchant.save(update_fields=["name", "category", "active"])
    return merchant


@transaction.atomic
def offer_create(*, merchant: Merchant, title: str, points: int, valid_until: date, by) -> Offer:
    """Add an offer of an active partner merchant, written under the merchant's company."""
    merchant = Merchant.objects.select_related("company").get(pk=merchant.pk)
    access.write_company_for(by, merchant.company)
    if not merchant.active:
        raise DomainError(_("This partner merchant is no longer active."), code="merchant_inactive")
    if points < 0:
        raise DomainError(_("The points needed cannot be negative."), code="invalid_points")
    if valid_until < timezone.localdate():
        raise DomainError(_("The offer must be valid until today or later."), code="valid_until_past")
    return Offer.objects.create(
        merchant=merchant, title=_required(title), points=points, valid_until=valid_until
    )


@transaction.atomic
def offer_update(*, offer: Offer, title: str, points: int, valid_until: date, by) -> Offer:
    """Change an offer of an active merchant (its title, points or validity, which may be extended
    or shortened to today, never set in the past). Codes already claimed keep what they cost."""
    offer = Offer.objects.select_for_update().select_related("merchant__company").get(pk=offer.pk)
    access.write_company_for(by, offer.merchant.company)
    if not offer.merchant.active:
        raise DomainError(_("This partner merchant is no longer active."), code="merchant_inactive")
    if points < 0:
        raise DomainError(_("The points needed cannot be negative."), code="invalid_points")
    if valid_until < timezone.localdate():
        raise DomainError(_("The offer must be valid until today or later."), code="valid_until_past")
    offer.title, offer.points, offer.valid_until = _required(title), points, valid_until
    offer.save(update_fields=["title", "points", "valid_until"])
    return offer


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(10))


@transaction.atomic
def offer_claim(*, member: Member, offer: Offer, by=None) -> OfferCode:
    """Give the member a redemption code for the offer (spending its points, if any); one per offer.
    ``by`` is the staff user who claimed it for the member (None when the member did)."""
    member = _locked(member)
    _check_active(member)
    offer = Offer.objects.select_related("merchant").get(pk=offer.pk)
    if not offer.merchant.active or not member.served_by(offer.merchant.company_id):
        raise DomainError(_("This offer is not available."), code="offer_unavailable")
    if offer.valid_until < timezone.localdate():
        raise DomainError(_("This offer has expired."), code="offer_expired")
    if OfferCode.objects.filter(offer=offer, member=member).exists():
        raise Conflict(_("You already have a code for this offer."), code="already_claimed")
    code = OfferCode.objects.create(offer=offer, member=member, code=_new_code(), claimed_by=by)
    if offer.points:
        _take(
            member,
            offer.points,
            kind=PointEntry.Kind.SPEND,
            reason=str(_("Offer: %(offer)s") % {"offer": offer}),
            source=f"offer:{offer.pk}",
            idempotency_key=f"offer:{offer.pk}:{member.pk}",
            company_id=offer.merchant.company_id,
        )
    return code


@transaction.atomic
def code_use(*, code: str, user) -> OfferCode:
    """The merchant presents a member's code; it works once and only while the offer is valid."""
    found = (
        OfferCode.objects.visible_to(user)
        .select_for_update()
        .filter(code=code.strip().upper())
        .select_related("offer__merchant")
        .first()
    )
    if found is None:
        raise DomainError(_("No such redemption code."), code="unknown_code")
    if found.used_at is not None:
        raise Conflict(
            _("This code was already used on %(day)s.") % {"day": timezone.localdate(found.used_at)},
            code="code_used",
        )
    if found.offer.valid_until < timezone.localdate():
        raise DomainError(_("This code's offer has expired."), code="code_expired")
    found.used_at, found.used_by = timezone.now(), user
    found.save(update_fields=["used_at", "used_by"])
    return found
