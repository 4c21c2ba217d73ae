"""Subscriptions, emitting events and sending deliveries again: the state changes of webhooks."""

from __future__ import annotations

import json
import logging
import secrets
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from core.exceptions import DomainError
from core.jobs import enqueue_on_commit
from core.scoping import scope_for
from core.webhook_models import WebhookDelivery, WebhookSubscription

from . import registry, targets

logger = logging.getLogger(__name__)

DELIVER_TASK = "core.tasks.deliver_webhooks"
# Failed deliveries are retried for this long after the event, then marked failed.
RETRY_FOR = timedelta(hours=24)
MIN_SECRET_LENGTH = 16


def _check_event_types(event_types: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(event_types))
    unknown = [name for name in chosen if name not in registry.EVENT_TYPES]
    if unknown or not chosen:
        raise DomainError(
            _("Choose event types among: %(types)s.") % {"types": ", ".join(registry.EVENT_TYPES)},
            code="webhook_event_types",
        )
    return chosen


def _company_for(user, company_id: int | None) -> int | None:
    """A company user subscribes for their own company; a group-level user for a company they name,
    or for every company (None)."""
    scope = scope_for(user)
    if scope.all_companies:
        companies = WebhookSubscription._meta.get_field("company").related_model.objects
        if company_id is not None and not companies.filter(pk=company_id).exists():
            raise DomainError(_("There is no such company."), code="unknown_company")
        return company_id
    if scope.company_id is None or company_id not in (None, scope.company_id):
        raise DomainError(_("You can only subscribe for your own company."), code="own_company_only")
    return scope.company_id


@transaction.atomic
def subscription_create(
    *,
    user,
    url: str,
    event_types: Iterable[str],
    secret: str = "",
    description: str = "",
    company_id: int | None = None,
) -> WebhookSubscription:
    """Register a subscription; without a secret one is made. The caller shows the secret once."""
    targets.check_url(url)
    if secret and len(secret) < MIN_SECRET_LENGTH:
        raise DomainError(
            _("The secret must be at least %(count)d characters long.") % {"count": MIN_SECRET_LENGTH},
            code="webhook_secret_short",
        )
    forget_subscriptions()
    return WebhookSubscription.objects.create(
        company_id=_company_for(user, company_id),
        owner=user,
        url=url,
        event_types=_check_event_types(event_types),
        secret=secret or secrets.token_urlsafe(32),
        description=description,
    )


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Remove the subscription and its delivery log."""
    subscription.delete()
    forget_subscriptions()


@transaction.atomic
def subscription_update(*, subscription: WebhookSubscription, changes: dict) -> WebhookSubscription:
    """Change the URL, events, description or secret, or switch it on or off. Switching a
    subscription on again starts its failure count afresh."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if "url" in changes:
        targets.check_url(changes["url"])
        subscription.url = changes["url"]
    if "event_types" in changes:
        subscription.event_types = _check_event_types(changes["event_types"])
    if "description" in changes:
        subscription.description = changes["description"]
    if changes.get("secret"):
        if len(changes["secret"]) < MIN_SECRET_LENGTH:
            raise DomainError(
                _("The secret must be at least %(count)d characters long.") % {"count": MIN_SECRET_LENGTH},
                code="webhook_secret_short",
            )
        subscription.secret = changes["secret"]
    if "is_active" in changes and changes["is_active"] != subscription.is_active:
        subscription.is_active = changes["is_active"]
        subscription.consecutive_failures = 0
        subscription.disabled_at = None if subscription.is_active else timezone.now()
    subscription.save()
    forget_subscriptions()
    if subscription.is_active:
        enqueue_on_commit(DELIVER_TASK)
    return subscription


# The active subscriptions of a company, read once per transaction: an intake emits several events
# (created, status_changed, tier_raised) and pays for one query. Keyed by the connection's list of
# on-commit callbacks, which Django replaces when a transaction commits or rolls back, so a new
# transaction reads afresh; a change to a subscription in this process clears it at once.
_memo = threading.local()


def _active_subscriptions(company_id: int) -> list[WebhookSubscription]:
    connection = transaction.get_connection()
    transaction_marker = connection.run_on_commit if connection.in_atomic_block else None
    memo = getattr(_memo, "value", None)
    if transaction_marker is None or memo is None or memo[0] is not transaction_marker:
        memo = (transaction_marker, {})
        _memo.value = memo
    if company_id not in memo[1]:
        memo[1][company_id] = list(
            WebhookSubscription.objects.filter(
                Q(company_id=company_id) | Q(company__isnull=True), is_active=True
            ).select_related("owner")
        )
    return memo[1][company_id]


def forget_subscriptions() -> None:
    """Called after any change to subscriptions: the next emit reads them again."""
    _memo.value = None


def emit(event_type: str, instance, *, company_id: int, extra: dict | None = None) -> int:
    """Write one delivery per active subscription of the company (and per group-level one) that
    wants ``event_type``, in the caller's transaction; delivery is queued after the commit.

    The body is rendered now, per subscriber, with the API's serializer (``registry``): it says what
    was true when the event happened. Returns how many deliveries were written."""
    subscriptions = [
        subscription
        for subscription in _active_subscriptions(company_id)
        if event_type in subscription.event_types
    ]
    if not subscriptions:
        return 0
    render = registry.renderer(event_type)
    event_id, now = uuid.uuid4(), timezone.now()
    resource = f"{event_type.split('.', 1)[0]}:{instance.pk}"
    bodies: dict[int, str] = {}  # one rendering per subscriber
    rows = []
    for subscription in subscriptions:
        if subscription.owner_id not in bodies:
            with translation.override(settings.LANGUAGE_CODE):  # labels in one language, whoever caused it
                data = render(instance, subscription.owner)
            if extra:
                data = {**data, **extra}
            bodies[subscription.owner_id] = json.dumps(
                {"id": str(event_id), "type": event_type, "occurred_at": now.isoformat(), "data": data},
                cls=JSONEncoder,
                ensure_ascii=False,
                separators=(",", ":"),
            )
        rows.append(
            WebhookDelivery(
                subscription=subscription,
                event_id=event_id,
                event_type=event_type,
                resource=resource,
                body=bodies[subscription.owner_id],
                next_attempt_at=now,
                retry_until=now + RETRY_FOR,
            )
        )
    held = _held.get()
    if held is not None:
        held.extend(rows)
        return len(rows)
    _write(rows)
    return len(rows)


def _write(rows: list[WebhookDelivery]) -> None:
    if rows:
        WebhookDelivery.objects.bulk_create(rows)
        enqueue_on_commit(DELIVER_TASK)


# Deliveries emitted inside ``held()`` wait in memory for ``release``: a caller whose resource gets
# its final identity only at the end of its transaction (a complaint's number) writes them then.
_held: ContextVar[list[WebhookDelivery] | None] = ContextVar("webhook_deliveries_held", default=None)


@contextmanager
def held() -> Iterator[list[WebhookDelivery]]:
    rows: list[WebhookDelivery] = []
    token = _held.set(rows)
    try:
        yield rows
    finally:
        _held.reset(token)


def release(rows: list[WebhookDelivery], *, replace: tuple[str, str]) -> None:
    """Write deliveries kept by ``held()``, in the order they were emitted, with ``replace``'s first
    text (a stand-in the bodies were rendered with) replaced by its second."""
    for row in rows:
        row.body = row.body.replace(*replace)
    _write(rows)


RESEND = "core.resend_webhookdelivery"


@transaction.atomic
def delivery_resend(*, user, delivery_id: int) -> WebhookDelivery:
    """Send a finished delivery (failed or delivered) again: a new delivery of the same event and
    body, with its own delivery id and a fresh day of retries. The old row stays in the log."""
    if not user.has_perm(RESEND):
        raise DomainError(_("You may not send webhook deliveries again."), code="forbidden")
    original = (
        WebhookDelivery.objects.visible_to(user).select_related("subscription").filter(pk=delivery_id).first()
    )
    if original is None:
        raise DomainError(_("No such delivery."), code="not_found")
    if original.status == WebhookDelivery.Status.PENDING:
        raise DomainError(_("This delivery is still being sent."), code="webhook_delivery_pending")
    if not original.subscription.is_active:
        raise DomainError(
            _("The subscription is switched off; switch it on before sending again."), code="webhook_inactive"
        )
    now = timezone.now()
    copy = WebhookDelivery.objects.create(
        subscription=original.subscription,
        event_id=original.event_id,
        event_type=original.event_type,
        resource=original.resource,
        body=original.body,
        next_attempt_at=now,
        retry_until=now + RETRY_FOR,
    )
    logger.info("User %s sent webhook delivery %s again as %s", user.pk, original.pk, copy.pk)
    enqueue_on_commit(DELIVER_TASK)
    return copy


def disable_after() -> int:
    return getattr(settings, "WEBHOOK_DISABLE_AFTER_FAILURES", 100)
