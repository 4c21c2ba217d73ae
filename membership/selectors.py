"""Reads of the club, always scoped to the user (out of scope is None → 404)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.scoping import scope_for
from customers import rules as customer_rules
from customers.models import Purchase

from .models import (
    Campaign,
    Event,
    EventSignup,
    Gift,
    Member,
    MemberCompany,
    Merchant,
    Offer,
    OfferCode,
    PointEntry,
    Redemption,
)

PAGE_SIZE = 50


def member_list(*, user, q: str = "", level: str = "", after: int | None = None, limit: int = PAGE_SIZE):
    """Newest members first, keyset-paged by id (no COUNT); ``q`` is a member number or a phone tail."""
    members = Member.objects.visible_to(user).select_related("customer").order_by("-id")
    q = q.strip()
    if q:
        files = MemberCompany.objects.visible_to(user).filter(member=OuterRef("pk"))
        if q.upper().startswith("WK"):
            members = members.filter(number=q.upper())
        elif q.isdigit() and len(q) == 4:
            members = members.filter(Exists(files.filter(customer__phone_tail=q)))
        elif q.isdigit() and len(q) == 11:
            members = members.filter(Exists(files.filter(customer__phone=q)))
        else:
            members = members.filter(Exists(files.filter(customer__name=q)))
    if level:
        members = members.filter(level=level)
    if after:
        members = members.filter(id__lt=after)
    return seen_by(list(members[: limit + 1]), user, homes=False)


def member_get(*, user, member_id: int) -> Member | None:
    member = (
        Member.objects.visible_to(user)
        .select_related("customer", "company", "referred_by")
        .filter(pk=member_id)
        .first()
    )
    return seen_by([member], user)[0] if member is not None else None


def seen_by(members: list[Member], user, *, homes: bool = True) -> list[Member]:
    """The members as the user's company sees them (万客会 across companies): ``customer`` becomes
    that company's own file of the person and ``seen_homes`` the homes bought from it, so nothing
    another company recorded shows. A group-level user sees the file they joined with and all homes.
    Two queries (one without ``homes``) for any number of members; the instances are for reading,
    not for saving."""
    scope = scope_for(user)
    for member in members:  # the same instance may be rendered for several viewers (webhooks)
        if not hasattr(member, "joining_customer"):
            member.joining_customer = member.customer
        member.customer = member.joining_customer
        member.seen_by = getattr(user, "pk", None)
    if scope.all_companies or scope.company_id is None:
        for member in members:
            member.seen_homes = member.homes
        return members
    files = {
        link.member_id: link.customer
        for link in MemberCompany.objects.filter(
            member__in=members, company_id=scope.company_id
        ).select_related("customer")
    }
    counts = (
        dict(
            Purchase.objects.filter(customer_id__in=[c.pk for c in files.values()])
            .values("customer_id")
            .annotate(n=Count("id"))
            .values_list("customer_id", "n")
        )
        if homes
        else {}
    )
    for member in members:
        customer = files.get(member.pk)
        if customer is not None:
            member.customer = customer
        member.seen_homes = counts.get(customer.pk, 0) if customer is not None else 0
    return members


def member_visible(*, user, member: Member) -> bool:
    return Member.objects.visible_to(user).filter(pk=member.pk).exists()


def member_by_token(token: str) -> Member | None:
    if not token or len(token) > 64:
        return None
    return Member.objects.select_related("customer", "company").filter(token=token).first()


def history(
    *, member: Member, limit: int = PAGE_SIZE, before: int | None = None, user=None
) -> list[PointEntry]:
    """The member's ledger, newest first, one index range (member, -id); for staff (``user``) only
    the entries of the companies they see (the member's own page shows them all)."""
    entries = PointEntry.objects.filter(member=member).order_by("-id")
    if user is not None:
        entries = entries.visible_to(user)
    if before:
        entries = entries.filter(id__lt=before)
    return list(entries[:limit])


def signups_of(*, member: Member, limit: int = PAGE_SIZE, user=None) -> list[EventSignup]:
    """The member's sign-ups; for staff (``user``) those for the events of the companies they see."""
    signups = EventSignup.objects.filter(member=member)
    if user is not None:
        signups = signups.visible_to(user)
    return list(signups.select_related("event").order_by("-id")[:limit])


def upcoming_events(*, company_ids, limit: int = PAGE_SIZE) -> list[Event]:
    return list(
        Event.objects.filter(
            company_id__in=company_ids, starts_at__gt=timezone.now(), called_off_at__isnull=True
        ).order_by("starts_at", "id")[:limit]
    )


def event_list(*, user, limit: int = 100) -> list[Event]:
    return list(
        Event.objects.visible_to(user).select_related("project").order_by("-starts_at", "-id")[:limit]
    )


def event_get(*, user, event_id: int) -> Event | None:
    return Event.objects.visible_to(user).select_related("project").filter(pk=event_id).first()


def signup_get(*, event: Event, signup_id: int) -> EventSignup | None:
    return EventSignup.objects.filter(event=event, pk=signup_id).select_related("member__customer").first()


def event_signups(*, event: Event) -> list[EventSignup]:
    return list(
        EventSignup.objects.filter(event=event)
        .exclude(status=EventSignup.Status.CANCELLED)
        .select_related("member__customer")
        .order_by("id")
    )


def gift_list(*, user, limit: int = 200) -> list[Gift]:
    return list(
        Gift.objects.visible_to(user).select_related("company").order_by("company_id", "points", "id")[:limit]
    )


def gift_get(*, user, gift_id: int) -> Gift | None:
    return Gift.objects.visible_to(user).filter(pk=gift_id).first()


def campaign_list(*, user, limit: int = 100) -> list[Campaign]:
    return list(Campaign.objects.visible_to(user).select_related("created_by")[:limit])


def serving_companies(member: Member) -> list[int]:
    """The companies that serve the member (万客会 across companies): their events, gifts and offers
    are the member's."""
    return list(MemberCompany.objects.filter(member=member).values_list("company_id", flat=True))


# --- What a member reaches from their own page (the token is the key, the company the scope) -----


def member_event(*, member: Member, event_id: int) -> Event | None:
    return Event.objects.filter(pk=event_id, company_id__in=serving_companies(member)).first()


def member_signup(*, member: Member, event_id: int) -> EventSignup | None:
    return EventSignup.objects.filter(event_id=event_id, member=member).first()


def member_gift(*, member: Member, gift_id: int) -> Gift | None:
    return Gift.objects.filter(pk=gift_id, company_id__in=serving_companies(member)).first()


def member_offer(*, member: Member, offer_id: int) -> Offer | None:
    return Offer.objects.filter(pk=offer_id, merchant__company_id__in=serving_companies(member)).first()


def gifts_for(*, company_ids) -> list[Gift]:
    return list(Gift.objects.filter(company_id__in=company_ids, active=True).order_by("points", "id"))


def offers_for(*, company_ids) -> list[Offer]:
    return list(
        Offer.objects.filter(
            merchant__company_id__in=company_ids, merchant__active=True, valid_until__gte=timezone.localdate()
        ).select_related("merchant")
    )


def redemptions_of(*, member: Member, limit: int = 20, user=None) -> list[Redemption]:
    """The member's redemptions; for staff (``user``) those of the companies they see."""
    redemptions = Redemption.objects.filter(member=member)
    if user is not None:
        redemptions = redemptions.visible_to(user)
    return list(redemptions.select_related("gift").order_by("-id")[:limit])


def codes_of(*, member: Member, user=None) -> list[OfferCode]:
    """The member's offer codes; for staff (``user``) those of the companies they see."""
    codes = OfferCode.objects.filter(member=member)
    if user is not None:
        codes = codes.visible_to(user)
    return list(codes.select_related("offer__merchant").order_by("-id")[:PAGE_SIZE])


def merchant_usage(*, user) -> list[Merchant]:
    """Merchants with their offers and per-offer usage (codes issued, used), two queries."""
    merchants = list(Merchant.objects.visible_to(user).order_by("name", "id")[:200])
    offers = (
        Offer.objects.filter(merchant__in=merchants)
        .annotate(issued=Count("codes"), used=Count("codes", filter=Q(codes__used_at__isnull=False)))
        .order_by("-valid_until", "id")
    )
    by_merchant: dict[int, list[Offer]] = {}
    for offer in offers:
        by_merchant.setdefault(offer.merchant_id, []).append(offer)
    for merchant in merchants:
        merchant.offer_rows = by_merchant.get(merchant.pk, [])
    return merchants


def masked_phone(member: Member) -> str:
    return customer_rules.mask_phone(member.customer.phone)
