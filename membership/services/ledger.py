"""The points ledger: earning, spending, corrections and expiry, each an append-only entry, and the
FIFO lots (an earn's ``remaining``) that spending draws from, first-expiring first.

It also owns the member row lock (``_locked``: every change of points takes it first), the
active-membership check and the level that follows the points earned, because every other club
service builds on them: members, events and rewards import them from here, and this module imports
no other club service.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import webhooks
from core.exceptions import Conflict, DomainError

from .. import rules
from ..models import Member, PointEntry

LOT_BATCH = 100


class NotEnoughPoints(DomainError):
    code = "not_enough_points"


def _locked(member: Member) -> Member:
    return Member.objects.select_for_update().select_related("customer").get(pk=member.pk)


def _check_active(member: Member) -> None:
    if member.status != Member.Status.ACTIVE:
        raise DomainError(_("This membership is suspended."), code="member_suspended")


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
    company_id: int | None = None,
) -> tuple[PointEntry, bool]:
    """Credit points for a business event; the same key a second time returns the first entry and
    changes nothing. ``company_id`` is the company whose event it is (by default the member's own).
    Returns (entry, created)."""
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
        company_id=company_id or member.company_id,
    )
    if backdated:  # imports of earlier events keep their own time (and expiry)
        PointEntry.objects.filter(pk=entry.pk).update(created_at=at)
    member.balance += points
    member.earned_total += points
    _refresh_level(member)
    member.save(update_fields=["balance", "earned_total", "level"])
    webhooks.emit(
        "member.points_changed", member, company_id=entry.company_id, extra={"points_delta": points}
    )
    return entry, True


# A partner's key is its own: it is stored under the member's company, so that it cannot meet the
# club's own keys ("purchase:12") nor another company's partner; the column holds 100 characters.
PARTNER_KEY_MAX = 64
PARTNER_POINTS_MAX = 10_000_000


def partner_key(*, company_id: int, key: str) -> str:
    return f"partner:{company_id}:{key}"


def _same_earn(entry: PointEntry, *, member: Member, points: int, reason: str) -> bool:
    return entry.member_id == member.pk and entry.delta == points and entry.reason == reason[:200]


def points_earn_from_partner(
    *, member: Member, points: int, reason: str, idempotency_key: str, by
) -> tuple[PointEntry, bool]:
    """Credit points a partner system reports (a property-fee payment, a merchant's purchase), once
    per ``idempotency_key``: the same key with the same member, points and reason returns the first
    entry and writes nothing (``created`` False); the same key with anything else is a conflict.
    The unique key column decides between concurrent requests: ``points_earn`` looks the key up
    under the member row lock, and a request for another member that inserts the same key second
    fails inside its savepoint and answers from the winner's row. Returns (entry, created)."""
    key = idempotency_key.strip()
    if not key or len(key) > PARTNER_KEY_MAX or not key.isascii() or not key.isprintable():
        raise DomainError(
            _("The idempotency key must be 1 to %(max)s printable ASCII characters.")
            % {"max": PARTNER_KEY_MAX},
            code="invalid_idempotency_key",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason the points are earned."), code="reason_required")
    if not 0 < points <= PARTNER_POINTS_MAX:
        raise DomainError(
            _("Points earned must be between 1 and %(max)s.") % {"max": PARTNER_POINTS_MAX},
            code="invalid_points",
        )
    stored_key = partner_key(company_id=member.company_id, key=key)
    try:
        with transaction.atomic():
            entry, created = points_earn(
                member=member,
                points=points,
                reason=reason,
                source=f"partner:{by.pk}",
                idempotency_key=stored_key,
            )
    except IntegrityError:  # a concurrent request with the same key (another member) committed first
        entry, created = PointEntry.objects.get(idempotency_key=stored_key), False
    if not created and not _same_earn(entry, member=member, points=points, reason=reason):
        raise Conflict(
            _("This idempotency key was already used for a different request."),
            code="idempotency_key_reused",
        )
    return entry, created


def _take(
    member: Member,
    points: int,
    *,
    kind: str,
    reason: str,
    source: str,
    idempotency_key: str,
    company_id: int | None = None,
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
        company_id=company_id or member.company_id,
    )
    member.balance -= points
    member.save(update_fields=["balance"])
    webhooks.emit(
        "member.points_changed", member, company_id=entry.company_id, extra={"points_delta": -points}
    )
    return entry


@transaction.atomic
def points_spend(
    *,
    member: Member,
    points: int,
    reason: str,
    source: str,
    idempotency_key: str,
    company_id: int | None = None,
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
        company_id=company_id,
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
    company_id = by.company_id or member.company_id  # the manager's company; the group's: the member's
    if delta < 0:
        return _take(
            member,
            -delta,
            kind=PointEntry.Kind.CORRECT,
            reason=reason.strip(),
            source=f"user:{by.pk}",
            idempotency_key=key,
            company_id=company_id,
        )
    entry = PointEntry.objects.create(
        member=member,
        delta=delta,
        kind=PointEntry.Kind.CORRECT,
        reason=reason.strip()[:200],
        source=f"user:{by.pk}",
        idempotency_key=key,
        remaining=delta,
        company_id=company_id,
    )
    member.balance += delta
    member.save(update_fields=["balance"])
    webhooks.emit("member.points_changed", member, company_id=entry.company_id, extra={"points_delta": delta})
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
                "company_id": lot.company_id,
            },
        )
        if created:
            total += lot.remaining
        lot.remaining = 0
        lot.save(update_fields=["remaining"])
    if total:
        member.balance -= total
        member.save(update_fields=["balance"])
        webhooks.emit(
            "member.points_changed", member, company_id=member.company_id, extra={"points_delta": -total}
        )
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
