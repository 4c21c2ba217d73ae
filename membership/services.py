"""Every change to the club goes through here: pages, the member's page, the API, tasks and the
purchase hook call these.

Locks: every change of points takes the member row ``FOR UPDATE`` first (so two redemptions of one
member run one after the other and the second sees the first's balance); a sign-up locks the event
row (capacity), a gift redemption the gift row (stock), a code use the code row.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.jobs import JobReclaimed, claim, finish, job_enqueue_on_commit, progress
from core.models import Job
from customers.models import Customer, Purchase
from vanke_crm.exceptions import Conflict, DomainError

from . import rules
from .models import (
    Campaign,
    Event,
    EventSignup,
    Gift,
    Member,
    Offer,
    OfferCode,
    PointEntry,
    Redemption,
    Referral,
)

LOT_BATCH = 100
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class NotEnoughPoints(DomainError):
    code = "not_enough_points"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("customer").get(pk=member.pk)


def _check_active(member: Member) -> None:
    if member.status != Member.Status.ACTIVE:
        raise DomainError(_("This membership is suspended."), code="member_suspended")


# --- Joining -------------------------------------------------------------------------------------


@transaction.atomic
def member_join(
    *, customer: Customer, company, via: str, referred_by: Member | None = None
) -> tuple[Member, bool]:
    """Make the customer a member (once); returns (member, created)."""
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    existing = Member.objects.filter(customer=customer).first()
    if existing is not None:
        return existing, False
    member = Member.objects.create(
        customer=customer,
        company=company,
        number=f"WK{customer.pk:010d}",
        joined_via=via,
        referred_by=referred_by,
        token=_new_token(),
    )
    return member, True


@transaction.atomic
def member_join_on_purchase(*, purchase: Purchase) -> Member:
    """Called by ``customers.services.purchase_record``: buying a home makes the buyer a member and
    earns purchase points (once per purchase); a referred buyer's referrer earns the referral reward
    (once per referral)."""
    customer = purchase.customer
    referral = (
        Referral.objects.select_for_update().filter(customer=customer).select_related("referrer").first()
    )
    member, _created = member_join(
        customer=customer,
        company=purchase.unit.building.project.company,
        via=Member.JoinedVia.REFERRAL if referral else Member.JoinedVia.PURCHASE,
        referred_by=referral.referrer if referral else None,
    )
    member = _locked(member)
    homes = Purchase.objects.filter(customer=customer).count()
    if member.homes != homes:
        member.homes = homes
        member.save(update_fields=["homes"])
    points_earn(
        member=member,
        points=rules.PURCHASE_POINTS,
        reason=str(_("Bought a home: %(unit)s") % {"unit": purchase.unit}),
        source=f"purchase:{purchase.pk}",
        idempotency_key=f"purchase:{purchase.pk}",
    )
    if referral is not None and referral.rewarded_at is None:
        points_earn(
            member=referral.referrer,
            points=rules.REFERRAL_POINTS,
            reason=str(_("Referred %(name)s, who signed") % {"name": customer.name}),
            source=f"referral:{referral.pk}",
            idempotency_key=f"referral:{referral.pk}",
        )
        referral.rewarded_at = timezone.now()
        referral.save(update_fields=["rewarded_at"])
    return member


@transaction.atomic
def members_join_for_purchases(*, purchase_ids: list[int]) -> int:
    """The bulk form of ``member_join_on_purchase`` for imports and demo data (a few queries per
    chunk, not per purchase): buyers without a membership join, each purchase earns once (the same
    idempotency keys), balances move under the members' row locks. Returns the entries written."""
    purchases = list(
        Purchase.objects.filter(pk__in=purchase_ids)
        .select_related("unit__building__project")
        .only(
            "id",
            "customer_id",
            "unit__number",
            "unit__building__name",
            "unit__building__project__name",
            "unit__building__project__company_id",
        )
        .order_by("id")
    )
    if not purchases:
        return 0
    customer_ids = {p.customer_id for p in purchases}
    referrals = {
        r.customer_id: r for r in Referral.objects.select_for_update().filter(customer_id__in=customer_ids)
    }
    keys = {f"purchase:{p.pk}": p for p in purchases}
    done = set(
        PointEntry.objects.filter(idempotency_key__in=list(keys)).values_list("idempotency_key", flat=True)
    )
    earning = {key: p for key, p in keys.items() if key not in done}
    earned: dict[int, int] = {}
    for purchase in earning.values():
        earned[purchase.customer_id] = earned.get(purchase.customer_id, 0) + rules.PURCHASE_POINTS
    homes = dict(
        Purchase.objects.filter(customer_id__in=customer_ids)
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    joined = set(Member.objects.filter(customer_id__in=customer_ids).values_list("customer_id", flat=True))
    first = {}
    for purchase in purchases:
        first.setdefault(purchase.customer_id, purchase)
    # New members are written with the balance of the entries below already in it (the common case
    # of an import: no second write). The random token tells which rows this call created; a row a
    # concurrent request created first is updated under its lock like an existing member.
    created_tokens = {}
    new_members = []
    for customer_id in sorted(customer_ids - joined):
        referral = referrals.get(customer_id)
        created_tokens[customer_id] = _new_token()
        points = earned.get(customer_id, 0)
        new_members.append(
            Member(
                customer_id=customer_id,
                company_id=first[customer_id].unit.building.project.company_id,
                number=f"WK{customer_id:010d}",
                joined_via=Member.JoinedVia.REFERRAL if referral else Member.JoinedVia.PURCHASE,
                referred_by_id=referral.referrer_id if referral else None,
                token=created_tokens[customer_id],
                homes=homes.get(customer_id, 0),
                balance=points,
                earned_total=points,
                level=rules.level_for(homes=homes.get(customer_id, 0), earned_total=points),
            )
        )
    Member.objects.bulk_create(new_members, batch_size=1000, ignore_conflicts=True)
    members = {
        m.customer_id: m
        for m in Member.objects.select_for_update().filter(customer_id__in=customer_ids).order_by("id")
    }
    expires_at = rules.expires_at_for(timezone.now())
    entries = [
        PointEntry(
            member=members[purchase.customer_id],
            delta=rules.PURCHASE_POINTS,
            kind=PointEntry.Kind.EARN,
            reason=str(_("Bought a home: %(unit)s") % {"unit": purchase.unit})[:200],
            source=key,
            idempotency_key=key,
            expires_at=expires_at,
            remaining=rules.PURCHASE_POINTS,
        )
        for key, purchase in earning.items()
    ]
    PointEntry.objects.bulk_create(entries, batch_size=1000)
    existing = [m for c, m in members.items() if created_tokens.get(c) != m.token]
    for member in existing:
        member.balance += earned.get(member.customer_id, 0)
        member.earned_total += earned.get(member.customer_id, 0)
        member.homes = homes.get(member.customer_id, 0)
        _refresh_level(member)
    Member.objects.bulk_update(existing, ["balance", "earned_total", "homes", "level"], batch_size=1000)
    for customer_id, referral in referrals.items():  # rare: one by one, through the same service
        if referral.rewarded_at is None:
            points_earn(
                member=referral.referrer,
                points=rules.REFERRAL_POINTS,
                reason=str(_("Referred %(name)s, who signed") % {"name": members[customer_id].customer.name}),
                source=f"referral:{referral.pk}",
                idempotency_key=f"referral:{referral.pk}",
            )
            referral.rewarded_at = timezone.now()
            referral.save(update_fields=["rewarded_at"])
    return len(entries)


@transaction.atomic
def referral_create(*, referrer: Member, customer: Customer) -> Referral:
    """A member refers a new customer: someone who has not signed for a home yet."""
    _check_active(referrer)
    if referrer.customer_id == customer.pk:
        raise DomainError(_("A member cannot refer themselves."), code="self_referral")
    if (
        Purchase.objects.filter(customer=customer).exists()
        or Member.objects.filter(customer=customer).exists()
    ):
        raise Conflict(
            _("This customer has already bought a home; only new customers can be referred."),
            code="not_new_customer",
        )
    try:
        with transaction.atomic():
            return Referral.objects.create(referrer=referrer, customer=customer)
    except IntegrityError:
        raise Conflict(
            _("This customer was already referred by a member."), code="already_referred"
        ) from None


@transaction.atomic
def member_set_status(*, member: Member, status: str) -> Member:
    """Suspend a membership (no spending, sign-ups or codes; earning continues) or reactivate it."""
    if status not in Member.Status.values:
        raise DomainError(code="invalid_status")
    member = _locked(member)
    if member.status == status:
        raise Conflict(_("The membership is already in this state."), code="unchanged")
    member.status = status
    member.save(update_fields=["status"])
    return member


# --- The ledger ----------------------------------------------------------------------------------


def _refresh_level(member: Member) -> None:
    member.level = rules.level_for(homes=member.homes, earned_total=member.earned_total)


@transaction.atomic
def points_earn(
    *,
    member: Member,
    points: int,
    reason: str,
    source: str,
    idempotency_key: str,
    expires: bool = True,
    at: datetime | None = None,
) -> tuple[PointEntry, bool]:
    """Credit points for a business event; the same key a second time returns the first entry and
    changes nothing. Returns (entry, created)."""
    if points <= 0:
        raise DomainError(_("Points earned must be a positive number."), code="invalid_points")
    member = _locked(member)
    existing = PointEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    backdated = at is not None
    at = at or timezone.now()
    entry = PointEntry.objects.create(
        member=member,
        delta=points,
        kind=PointEntry.Kind.EARN,
        reason=reason[:200],
        source=source[:60],
        idempotency_key=idempotency_key,
        expires_at=rules.expires_at_for(at) if expires else None,
        remaining=points,
    )
    if backdated:  # imports of earlier events keep their own time (and expiry)
        PointEntry.objects.filter(pk=entry.pk).update(created_at=at)
    member.balance += points
    member.earned_total += points
    _refresh_level(member)
    member.save(update_fields=["balance", "earned_total", "level"])
    return entry, True


def _take(
    member: Member, points: int, *, kind: str, reason: str, source: str, idempotency_key: str
) -> PointEntry:
    """Debit ``points`` from a locked member: oldest-expiring lots first. Caller holds the lock."""
    if PointEntry.objects.filter(idempotency_key=idempotency_key).exists():
        raise Conflict(_("This was already recorded."), code="duplicate")
    if points > member.balance:
        raise NotEnoughPoints(
            _("Not enough points: %(needed)s needed, the balance is %(balance)s.")
            % {"needed": points, "balance": member.balance}
        )
    # Read the open lots a batch at a time, first-expiring first, until the amount is covered: a
    # member with years of small earns does not load all of them for one redemption. The balance
    # check above and the invariant balance == sum(remaining) guarantee the lots cover it.
    lots = (
        PointEntry.objects.select_for_update()
        .filter(member=member, remaining__gt=0)
        .order_by(F("expires_at").asc(nulls_last=True), "id")
        .values_list("id", "remaining")
    )
    left = points
    while left:
        # Every lot of the previous batch was emptied (else nothing would be left to take), so it
        # no longer matches remaining > 0: the next batch starts at the top again.
        batch = list(lots[:LOT_BATCH])
        if not batch:
            raise RuntimeError(f"member {member.pk}: lots hold less than the balance")
        taken, left = rules.allocate_some(batch, left)
        for lot_id, take in taken:
            PointEntry.objects.filter(pk=lot_id).update(remaining=F("remaining") - take)
    entry = PointEntry.objects.create(
        member=member,
        delta=-points,
        kind=kind,
        reason=reason[:200],
        source=source[:60],
        idempotency_key=idempotency_key,
    )
    member.balance -= points
    member.save(update_fields=["balance"])
    return entry


@transaction.atomic
def points_spend(
    *, member: Member, points: int, reason: str, source: str, idempotency_key: str
) -> PointEntry:
    if points <= 0:
        raise DomainError(_("Points spent must be a positive number."), code="invalid_points")
    member = _locked(member)
    _check_active(member)
    return _take(
        member,
        points,
        kind=PointEntry.Kind.SPEND,
        reason=reason,
        source=source,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def points_correct(*, member: Member, delta: int, reason: str, by) -> PointEntry:
    """A manager's correction with a reason; a negative one cannot take the balance below zero."""
    if not reason.strip():
        raise DomainError(_("Give a reason for the correction."), code="reason_required")
    if delta == 0:
        raise DomainError(_("A correction must change the balance."), code="invalid_points")
    member = _locked(member)
    key = f"correct:{member.pk}:{secrets.token_hex(8)}"
    if delta < 0:
        return _take(
            member,
            -delta,
            kind=PointEntry.Kind.CORRECT,
            reason=reason.strip(),
            source=f"user:{by.pk}",
            idempotency_key=key,
        )
    entry = PointEntry.objects.create(
        member=member,
        delta=delta,
        kind=PointEntry.Kind.CORRECT,
        reason=reason.strip()[:200],
        source=f"user:{by.pk}",
        idempotency_key=key,
        remaining=delta,
    )
    member.balance += delta
    member.save(update_fields=["balance"])
    return entry


def points_expire_due(*, as_of: datetime | None = None, batch_size: int = 500) -> int:
    """Expire what is left of every earn whose validity ended (the beat task and the command call
    this). One expire entry per lot, keyed by the lot, so a second run writes nothing. Returns the
    number of lots expired."""
    as_of = as_of or timezone.now()
    expired = 0
    while True:
        member_ids = list(
            PointEntry.objects.filter(remaining__gt=0, expires_at__lte=as_of)
            .order_by("expires_at")
            .values_list("member_id", flat=True)[:batch_size]
        )
        if not member_ids:
            return expired
        for member_id in dict.fromkeys(member_ids):
            expired += _expire_member(member_id, as_of)


@transaction.atomic
def _expire_member(member_id: int, as_of: datetime) -> int:
    member = Member.objects.select_for_update().get(pk=member_id)
    lots = list(
        PointEntry.objects.select_for_update().filter(member=member, remaining__gt=0, expires_at__lte=as_of)
    )
    total = 0
    for lot in lots:
        _entry, created = PointEntry.objects.get_or_create(
            idempotency_key=f"expire:{lot.pk}",
            defaults={
                "member": member,
                "delta": -lot.remaining,
                "kind": PointEntry.Kind.EXPIRE,
                "reason": str(_("Points earned on %(day)s expired"))
                % {"day": timezone.localdate(lot.created_at)},
                "source": f"entry:{lot.pk}",
            },
        )
        if created:
            total += lot.remaining
        lot.remaining = 0
        lot.save(update_fields=["remaining"])
    if total:
        member.balance -= total
        member.save(update_fields=["balance"])
    return len(lots)


def ledger_mismatches() -> list[int]:
    """Members whose stored balance differs from the sum of their ledger (should be none)."""
    from django.db.models import Sum

    sums = dict(
        PointEntry.objects.values("member_id").annotate(total=Sum("delta")).values_list("member_id", "total")
    )
    return [
        member_id
        for member_id, balance in Member.objects.values_list("id", "balance").iterator()
        if sums.get(member_id, 0) != balance
    ]


# --- Redemptions ---------------------------------------------------------------------------------


@transaction.atomic
def gift_redeem(*, member: Member, gift: Gift, by=None) -> Redemption:
    member = _locked(member)
    _check_active(member)
    gift = Gift.objects.select_for_update().get(pk=gift.pk)
    if not gift.active or gift.company_id != member.company_id:
        raise DomainError(_("This gift is not offered."), code="gift_not_offered")
    if gift.stock <= 0:
        raise Conflict(_("%(gift)s is out of stock.") % {"gift": gift.name}, code="out_of_stock")
    if gift.points > member.balance:
        raise NotEnoughPoints(
            _("Not enough points: %(needed)s needed, the balance is %(balance)s.")
            % {"needed": gift.points, "balance": member.balance}
        )
    redemption = Redemption.objects.create(
        member=member, kind=Redemption.Kind.GIFT, gift=gift, points=gift.points, by=by
    )
    _take(
        member,
        gift.points,
        kind=PointEntry.Kind.SPEND,
        reason=str(_("Gift: %(gift)s") % {"gift": gift.name}),
        source=f"redemption:{redemption.pk}",
        idempotency_key=f"redemption:{redemption.pk}",
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
    redemption = Redemption.objects.create(
        member=member, kind=Redemption.Kind.FEE_OFFSET, points=points, amount=amount, by=by
    )
    _take(
        member,
        points,
        kind=PointEntry.Kind.SPEND,
        reason=str(_("Property-fee offset: %(amount)s yuan") % {"amount": amount}),
        source=f"redemption:{redemption.pk}",
        idempotency_key=f"redemption:{redemption.pk}",
    )
    return redemption


# --- Events --------------------------------------------------------------------------------------


@transaction.atomic
def event_signup(*, event: Event, member: Member, channel: str, by=None) -> EventSignup:
    """Sign a member up: confirmed while seats are left, else on the waiting list. ``by`` is the
    staff user who did it (None when the member signed up on their own page)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_active(member)
    if member.company_id != event.company_id:
        raise DomainError(_("This event is for members of another company."), code="other_company")
    if event.called_off_at is not None:
        raise DomainError(_("This event was called off."), code="event_called_off")
    if event.starts_at <= timezone.now():
        raise DomainError(_("Sign-up has closed: the event has started."), code="signup_closed")
    signup = EventSignup.objects.filter(event=event, member=member).first()
    if signup is not None and signup.status != EventSignup.Status.CANCELLED:
        raise Conflict(_("Already signed up for this event."), code="already_signed_up")
    status = rules.signup_status(confirmed=event.confirmed_count, capacity=event.capacity)
    if signup is not None:
        # Signing up again after cancelling goes to the back of the queue.
        signup.delete()
    signup = EventSignup.objects.create(event=event, member=member, status=status, channel=channel, by=by)
    if status == EventSignup.Status.CONFIRMED:
        event.confirmed_count += 1
        event.save(update_fields=["confirmed_count"])
    return signup


@transaction.atomic
def event_cancel_signup(*, signup: EventSignup, by=None) -> EventSignup | None:
    """Cancel; a freed seat goes to the first on the waiting list (returned, if any). ``by`` is the
    staff user who cancelled (None when the member did)."""
    event = Event.objects.select_for_update().get(pk=signup.event_id)
    signup = EventSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status == EventSignup.Status.CANCELLED:
        raise Conflict(_("This sign-up was already cancelled."), code="already_cancelled")
    if event.starts_at <= timezone.now():
        raise DomainError(_("The event has started; sign-ups cannot be cancelled."), code="signup_closed")
    was_confirmed = signup.status == EventSignup.Status.CONFIRMED
    signup.status, signup.cancelled_by = EventSignup.Status.CANCELLED, by
    signup.save(update_fields=["status", "cancelled_by"])
    if not was_confirmed:
        return None
    promoted = (
        EventSignup.objects.select_for_update()
        .filter(event=event, status=EventSignup.Status.WAITING)
        .order_by("id")
        .first()
    )
    if promoted is None:
        event.confirmed_count -= 1
        event.save(update_fields=["confirmed_count"])
        return None
    promoted.status = EventSignup.Status.CONFIRMED
    promoted.save(update_fields=["status"])
    return promoted


EVENT_NOTICE_TOPIC = "club_event"


@transaction.atomic
def event_call_off(*, event: Event, reason: str, by) -> int:
    """Call off an event that has not started: every sign-up is cancelled and each member who had a
    place or was waiting gets an SMS with the reason (once, through the outbox). Returns how many."""
    from core.outbox import Message, message_queue_many

    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.called_off_at is not None:
        raise Conflict(_("This event was already called off."), code="already_called_off")
    if event.starts_at <= timezone.now():
        raise DomainError(_("The event has started; it can no longer be called off."), code="event_started")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for calling the event off."), code="reason_required")
    signups = list(
        EventSignup.objects.select_for_update(of=("self",))
        .filter(event=event)
        .exclude(status=EventSignup.Status.CANCELLED)
        .select_related("member__customer")
    )
    EventSignup.objects.filter(pk__in=[s.pk for s in signups]).update(status=EventSignup.Status.CANCELLED)
    event.called_off_at, event.call_off_reason, event.confirmed_count = timezone.now(), reason[:200], 0
    event.save(update_fields=["called_off_at", "call_off_reason", "confirmed_count"])
    day = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
    with translation.override(settings.LANGUAGE_CODE):  # owners get Chinese whatever the staff language
        text = str(
            _("%(event)s on %(day)s is called off: %(reason)s. We apologise for the inconvenience.")
            % {"event": event.title, "day": day, "reason": reason}
        )
    message_queue_many(
        Message(
            channel="sms",
            recipient=signup.member.customer.phone,
            topic=EVENT_NOTICE_TOPIC,
            body=text,
            dedupe_key=f"event:{event.pk}:called-off:{signup.member_id}",
            company_id=event.company_id,
        )
        for signup in signups
    )
    return len(signups)


@transaction.atomic
def event_mark_attendance(*, event: Event, member: Member, by) -> EventSignup:
    """Record that a confirmed member came; the event's points are earned once."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at > timezone.now():
        raise DomainError(_("The event has not started yet."), code="event_in_future")
    signup = EventSignup.objects.select_for_update().filter(event=event, member=member).first()
    if signup is None or signup.status != EventSignup.Status.CONFIRMED:
        raise DomainError(_("This member has no confirmed place at the event."), code="not_confirmed")
    if signup.attended_at is not None:
        raise Conflict(_("Attendance was already recorded."), code="already_attended")
    signup.attended_at = timezone.now()
    signup.save(update_fields=["attended_at"])
    if event.points:
        points_earn(
            member=member,
            points=event.points,
            reason=str(_("Attended %(event)s") % {"event": event.title}),
            source=f"event:{event.pk}",
            idempotency_key=f"event:{event.pk}:{member.pk}",
        )
    return signup


# --- Merchants -----------------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(10))


@transaction.atomic
def offer_claim(*, member: Member, offer: Offer, by=None) -> OfferCode:
    """Give the member a redemption code for the offer (spending its points, if any); one per offer.
    ``by`` is the staff user who claimed it for the member (None when the member did)."""
    member = _locked(member)
    _check_active(member)
    offer = Offer.objects.select_related("merchant").get(pk=offer.pk)
    if offer.merchant.company_id != member.company_id or not offer.merchant.active:
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


# --- Communications ------------------------------------------------------------------------------

TOPIC = "member_news"


@transaction.atomic
def campaign_create(
    *, company, audience: str, channel: str, subject: str, body: str, by, segment: str = ""
) -> Campaign:
    if not subject.strip() or not body.strip():
        raise DomainError(_("Write a subject and a text."), code="empty_message")
    campaign = Campaign.objects.create(
        company=company,
        audience=audience,
        segment=segment,
        channel=channel,
        subject=subject.strip(),
        body=body.strip(),
        created_by=by,
    )
    # A job row, not only a message to the broker: if the broker is down, the job sweep sends it
    # when it is back (core.jobs), and a worker that dies mid-way is replaced.
    job = Job.objects.create(
        kind=Job.Kind.CLUB_CAMPAIGN, created_by=by, company=company, params={"campaign": campaign.pk}
    )
    job_enqueue_on_commit(job)
    return campaign


def campaign_run(job_id: int) -> None:
    """The worker's part: write the campaign's messages (again, after a reclaim: the dedupe keys
    make that harmless), then the job is done."""
    job = claim(job_id)
    if job is None:
        return
    campaign = Campaign.objects.filter(pk=job.params["campaign"]).first()
    if campaign is None:
        finish(job, failure=str(_("The campaign no longer exists.")))
        return
    try:
        campaign_deliver(campaign=campaign, job=job)
    except JobReclaimed:
        return
    finish(job)


def campaign_deliver(*, campaign: Campaign, chunk: int = 2000, job=None) -> int:
    """Write one outbox message per member of the audience (dedupe key per campaign and member, so
    running it again queues nothing new); each ends with the member's unsubscribe link."""
    from core.outbox import Message, message_queue_many, unsubscribe_link

    members = (
        Member.objects.filter(
            company=campaign.company,
            status=Member.Status.ACTIVE,
            level__in=rules.audience_levels(campaign.audience),
        )
        .order_by("id")
        .values_list("id", "customer__phone", "customer__email")
    )
    if campaign.segment:
        members = members.filter(customer__segment=campaign.segment)
    if job is not None:
        progress(job, total=members.count(), processed=0)
    queued, last_id = 0, 0
    while True:
        rows = list(members.filter(id__gt=last_id)[:chunk])
        if not rows:
            break
        last_id = rows[-1][0]
        messages = []
        for member_id, phone, email in rows:
            recipient = phone if campaign.channel == Campaign.Channel.SMS else email
            if not recipient:
                continue
            link = unsubscribe_link(recipient=recipient, topic=TOPIC)
            messages.append(
                Message(
                    channel=campaign.channel,
                    recipient=recipient,
                    topic=TOPIC,
                    subject=campaign.subject,
                    body=f"【万客会】{campaign.body}\n{_('Unsubscribe')}: {link}",
                    dedupe_key=f"club:{campaign.pk}:{member_id}",
                    company_id=campaign.company_id,
                )
            )
        with transaction.atomic():
            queued += message_queue_many(messages)
            if job is not None:
                progress(job, processed=F("processed") + len(rows))
    Campaign.objects.filter(pk=campaign.pk).update(queued=Coalesce(F("queued"), 0) + queued)
    return queued
