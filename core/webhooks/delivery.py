"""Sending deliveries: the sweep, the signature and one HTTP call.

Nothing is scheduled per delivery. The beat task ``core.tasks.deliver_webhooks`` (and a nudge
queued after each commit that wrote deliveries) runs ``deliver_due``: it claims pending rows whose
``next_attempt_at`` has come, in batches under ``FOR UPDATE SKIP LOCKED``, skipping any row with an
earlier delivery of the same (subscription, resource) still pending, so that one resource's events
arrive in order. A claim moves ``next_attempt_at`` one lease ahead and counts the attempt; the HTTP
call happens after that commit, outside any transaction. If the worker dies before it records the
outcome, the lease runs out and the row is taken again: delivery is at least once, and receivers
dedupe by ``X-Vanke-Delivery``. The outcome is recorded only if the row is still the claim this
worker made (the attempt number is the fencing token).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from core.webhook_models import WebhookDelivery, WebhookSubscription

from . import services, targets

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# A claimed row is taken again after this long without an outcome (the worker died).
LEASE = timedelta(seconds=60)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP = timedelta(hours=1)
USER_AGENT = "vanke-crm-webhooks/1"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``, the X-Vanke-Signature header."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, … capped at an hour."""
    return min(timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)), BACKOFF_CAP)


@dataclass(frozen=True)
class Claim:
    id: int
    attempts: int
    subscription_id: int
    url: str
    secret: str
    uuid: str
    event_type: str
    body: str
    retry_until: datetime


@dataclass(frozen=True)
class Outcome:
    ok: bool
    response_code: int | None = None
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new target: following it could lead to a private address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to ``pinned`` (the address ``targets.check_url`` approved) instead of resolving the
    host name again; the Host header stays the name."""

    pinned: str | None = None

    def connect(self):
        if self.pinned is None:
            return super().connect()
        self.sock = socket.create_connection((self.pinned, self.port), self.timeout, self.source_address)
        return None


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same for HTTPS; the certificate is still checked against the host name (SNI)."""

    pinned: str | None = None

    def connect(self):
        if self.pinned is None:
            return super().connect()
        sock = socket.create_connection((self.pinned, self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        return None


def _pinned(connection_class, address: str | None):
    def make(host, **kwargs):
        connection = connection_class(host, **kwargs)
        connection.pinned = address
        return connection

    return make


def _tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, host names checked."""
    return ssl.create_default_context()


def _opener(address: str | None):
    """No proxies, no redirects, and connections to the checked address."""

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(_pinned(_PinnedHTTPConnection, address), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(_pinned(_PinnedHTTPSConnection, address), req, context=_tls_context())

    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect(), HTTP(), HTTPS())


def post(claim: Claim) -> Outcome:
    """One signed POST; done on a 2xx answer within ``TIMEOUT_SECONDS``. The timestamp is the
    wall clock at sending, so that receivers can refuse old (replayed) requests."""
    try:
        address = targets.check_url(claim.url)
    except targets.TargetRefused as refused:
        return Outcome(ok=False, error=str(refused.message))
    body = claim.body.encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310  (http(s) only: checked above)
        claim.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Vanke-Event": claim.event_type,
            "X-Vanke-Delivery": claim.uuid,
            "X-Vanke-Timestamp": str(timestamp),
            "X-Vanke-Signature": signature(claim.secret, timestamp, body),
        },
    )
    started = time.monotonic()
    try:
        with _opener(address).open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(64 * 1024)
            code = response.status
    except urllib.error.HTTPError as error:
        return Outcome(ok=False, response_code=error.code, error=f"HTTP {error.code}")
    except (OSError, ValueError) as error:  # refused, reset, timed out, bad answer
        return Outcome(ok=False, error=f"{type(error).__name__}: {error}"[:300])
    if time.monotonic() - started > TIMEOUT_SECONDS:
        return Outcome(ok=False, response_code=code, error=f"answered after more than {TIMEOUT_SECONDS} s")
    if not 200 <= code < 300:
        return Outcome(ok=False, response_code=code, error=f"HTTP {code}")
    return Outcome(ok=True, response_code=code)


def claim_due(*, now: datetime, batch_size: int) -> list[Claim]:
    """Take up to ``batch_size`` due deliveries whose earlier deliveries (same subscription and
    resource) are all finished; each is leased until ``now + LEASE`` and its attempt counted."""
    earlier_pending = WebhookDelivery.objects.filter(
        subscription_id=OuterRef("subscription_id"),
        resource=OuterRef("resource"),
        status=WebhookDelivery.Status.PENDING,
        id__lt=OuterRef("id"),
    )
    with transaction.atomic():
        rows = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, subscription__is_active=True
            )
            .filter(~Exists(earlier_pending))
            .select_related("subscription")
            .order_by("next_attempt_at", "id")[:batch_size]
        )
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = now + LEASE
        WebhookDelivery.objects.bulk_update(rows, ["attempts", "next_attempt_at"])
    return [
        Claim(
            id=row.pk,
            attempts=row.attempts,
            subscription_id=row.subscription_id,
            url=row.subscription.url,
            secret=row.subscription.secret,
            uuid=str(row.uuid),
            event_type=row.event_type,
            body=row.body,
            retry_until=row.retry_until,
        )
        for row in rows
    ]


def record(claim: Claim, outcome: Outcome, *, now: datetime) -> bool:
    """Store the outcome if the row is still this claim; count the subscription's failures in a
    row (reset by a success; at the limit the subscription is switched off)."""
    mine = WebhookDelivery.objects.filter(
        pk=claim.id, status=WebhookDelivery.Status.PENDING, attempts=claim.attempts
    )
    with transaction.atomic():
        if outcome.ok:
            updated = mine.update(
                status=WebhookDelivery.Status.SUCCEEDED,
                delivered_at=now,
                response_code=outcome.response_code,
                last_error="",
                next_attempt_at=None,
            )
            WebhookSubscription.objects.filter(pk=claim.subscription_id, consecutive_failures__gt=0).update(
                consecutive_failures=0
            )
            return bool(updated)
        if now >= claim.retry_until:
            changes = {"status": WebhookDelivery.Status.FAILED, "next_attempt_at": None}
        else:
            changes = {"next_attempt_at": min(now + backoff(claim.attempts), claim.retry_until)}
        updated = mine.update(response_code=outcome.response_code, last_error=outcome.error[:300], **changes)
        WebhookSubscription.objects.filter(pk=claim.subscription_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        switched_off = WebhookSubscription.objects.filter(
            pk=claim.subscription_id, is_active=True, consecutive_failures__gte=services.disable_after()
        ).update(is_active=False, disabled_at=now)
        if switched_off:
            services.forget_subscriptions()
            logger.warning(
                "Webhook subscription %s switched off after repeated failures", claim.subscription_id
            )
        return bool(updated)


def deliver_due(*, now: datetime | None = None, batch_size: int = 100, max_batches: int = 50) -> int:
    """The sweep: claim, send, record, until nothing is due (or ``max_batches``); returns how many
    deliveries succeeded. Safe to run concurrently: rows another worker holds are skipped."""
    fixed_now = now
    delivered = 0
    for _batch in range(max_batches):
        claims = claim_due(now=fixed_now or timezone.now(), batch_size=batch_size)
        if not claims:
            break
        for claim in claims:
            outcome = post(claim)
            if not outcome.ok:
                logger.info("Webhook delivery %s failed: %s", claim.id, outcome.error)
            delivered += record(claim, outcome, now=fixed_now or timezone.now()) and outcome.ok
    return delivered


def delete_old(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """Daily: finished deliveries older than ``WEBHOOK_DELIVERY_RETENTION_DAYS`` are deleted (their
    bodies hold personal data). Pending ones are kept whatever their age. Returns how many."""
    days = getattr(settings, "WEBHOOK_DELIVERY_RETENTION_DAYS", 30)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    finished = WebhookDelivery.objects.filter(created_at__lt=cutoff).exclude(
        status=WebhookDelivery.Status.PENDING
    )
    while True:
        ids = list(finished.order_by("id").values_list("id", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += WebhookDelivery.objects.filter(pk__in=ids).delete()[0]
