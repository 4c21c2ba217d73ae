"""SMS and e-mail to customers through one outbox.

Callers write ``OutboundMessage`` rows inside their own transaction (``message_queue`` or
``message_queue_many``); after commit a delivery task is queued (``core.jobs.enqueue_on_commit``),
and the beat task ``core.tasks.deliver_messages`` sends whatever is still pending if the broker was
down. A message that failed ``MAX_ATTEMPTS`` times waits, failed, until a manager of its company
re-sends it (``messages_resend``). A message
whose ``dedupe_key`` exists already is not written again, so a schedule that runs twice sends once.
Recipients who unsubscribed from a topic get nothing of that topic: they are skipped when
messages are queued and when they are sent.
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail, signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DomainError

from . import sms
from .jobs import enqueue_on_commit
from .logging import redact
from .models import MessageOptOut, OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
UNSUBSCRIBE_SALT = "core.unsubscribe"


@dataclass(frozen=True)
class Message:
    channel: str
    recipient: str
    topic: str
    body: str
    subject: str = ""
    dedupe_key: str | None = None
    company_id: int | None = None  # whose managers see a failure


def message_queue_many(messages: Iterable[Message], *, batch_size: int = 1000) -> int:
    """Write the messages that are new (by ``dedupe_key``) and not opted out; return how many.

    Runs in the caller's transaction; delivery is queued after it commits."""
    messages = list(messages)
    if not messages:
        return 0
    opted_out = _opted_out({m.recipient for m in messages}, {m.topic for m in messages})
    keys = [m.dedupe_key for m in messages if m.dedupe_key]
    existing = set()
    for start in range(0, len(keys), batch_size):
        existing.update(
            OutboundMessage.objects.filter(dedupe_key__in=keys[start : start + batch_size]).values_list(
                "dedupe_key", flat=True
            )
        )
    rows, seen = [], set()
    for m in messages:
        if (m.recipient, m.topic) in opted_out or not m.recipient:
            continue
        if m.dedupe_key and (m.dedupe_key in existing or m.dedupe_key in seen):
            continue
        seen.add(m.dedupe_key)
        rows.append(
            OutboundMessage(
                channel=m.channel,
                company_id=m.company_id,
                recipient=m.recipient,
                topic=m.topic,
                subject=m.subject[:200],
                body=m.body,
                dedupe_key=m.dedupe_key,
            )
        )
    # ignore_conflicts: a concurrent run that wrote the same key first wins, this one skips it.
    OutboundMessage.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    if rows:
        queue_delivery()
    return len(rows)


def message_queue(message: Message) -> bool:
    """Queue one message; False when it was a duplicate or the recipient opted out."""
    return message_queue_many([message]) == 1


def recipient_key(recipient: str) -> str:
    """A one-way key for a phone number or e-mail address. Unlike a signed value it survives a
    change of SECRET_KEY, so an unsubscription is never lost."""
    return hashlib.sha256(f"vanke_crm.recipient:{recipient.strip().lower()}".encode()).hexdigest()[:32]


def _opted_out(recipients: set[str], topics: set[str]) -> set[tuple[str, str]]:
    """The (recipient, topic) pairs among these that were unsubscribed."""
    by_key = {recipient_key(recipient): recipient for recipient in recipients}
    keys, found = list(by_key), set()
    for start in range(0, len(keys), 1000):
        found.update(
            (by_key[key], topic)
            for key, topic in MessageOptOut.objects.filter(
                recipient_key__in=keys[start : start + 1000], topic__in=topics
            ).values_list("recipient_key", "topic")
        )
    return found


def queue_delivery() -> None:
    """Deliver after the commit; if the broker is down the rows wait for beat's next run."""
    from .tasks import deliver_messages  # here, not at the top: tasks imports this module

    enqueue_on_commit(deliver_messages)


@transaction.atomic
def messages_resend(*, user, message_ids: Iterable[int]) -> int:
    """Give failed messages (of the user's scope) five new attempts; returns how many. Each row
    keeps a note of who re-sent it and when, in place of its last error."""
    if not user.has_perm("core.resend_outboundmessage"):
        raise DomainError(_("Only managers may re-send messages."), code="forbidden")
    failed = list(
        OutboundMessage.objects.visible_to(user)
        .select_for_update()
        .filter(pk__in=list(message_ids), status=OutboundMessage.Status.FAILED)
    )
    note = _("Re-sent by %(user)s on %(time)s after: %(error)s")
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    for message in failed:
        message.status = OutboundMessage.Status.PENDING
        message.attempts = 0
        message.last_error = str(
            note % {"user": user.get_username(), "time": now, "error": message.last_error}
        )[:300]
    OutboundMessage.objects.bulk_update(failed, ["status", "attempts", "last_error"])
    if failed:
        logger.info("User %s re-sent %d failed messages", user.pk, len(failed))
        queue_delivery()
    return len(failed)


def deliver_pending(*, batch_size: int = 200) -> int:
    """Send pending messages in batches under ``FOR UPDATE SKIP LOCKED`` so that two workers
    never send the same message. A failing send is retried by later runs, up to ``MAX_ATTEMPTS``."""
    sms_backend, sent, last_id = sms.get_backend(), 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                OutboundMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboundMessage.Status.PENDING, id__gt=last_id)
                .order_by("id")[:batch_size]
            )
            if not batch:
                return sent
            opted_out = _opted_out({m.recipient for m in batch}, {m.topic for m in batch})
            for message in batch:
                if (message.recipient, message.topic) in opted_out:  # unsubscribed after it was queued
                    message.status = OutboundMessage.Status.UNSUBSCRIBED
                    continue
                try:
                    if message.channel == OutboundMessage.Channel.SMS:
                        sms_backend.send(message.recipient, message.body)
                    else:
                        mail.send_mail(
                            message.subject or message.body[:60],
                            message.body,
                            settings.DEFAULT_FROM_EMAIL,
                            [message.recipient],
                        )
                except Exception as error:  # the gateway refused; keep the message for a retry
                    logger.warning("Sending message %s failed", message.pk, exc_info=True)
                    message.attempts += 1
                    message.last_error = str(error)[:300]
                    if message.attempts >= MAX_ATTEMPTS:
                        message.status = OutboundMessage.Status.FAILED
                    continue
                message.attempts += 1
                message.status = OutboundMessage.Status.SENT
                message.sent_at = timezone.now()
                sent += 1
            OutboundMessage.objects.bulk_update(batch, ["status", "attempts", "last_error", "sent_at"])
            last_id = batch[-1].id


def mask_recipient(recipient: str) -> str:
    """138****5678 or z***@example.com: enough for a manager to recognise, not to copy."""
    if "@" in recipient:
        local, _at, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(recipient) < 8:
        return "*" * len(recipient)
    return f"{recipient[:3]}{'*' * (len(recipient) - 7)}{recipient[-4:]}"


def failed_messages(*, user, limit: int = 200) -> list[OutboundMessage]:
    """The newest failed messages of the user's scope, with recipients masked (also inside the
    gateway's error text, which often repeats the address)."""
    rows = list(
        OutboundMessage.objects.visible_to(user)
        .filter(status=OutboundMessage.Status.FAILED)
        .order_by("-id")[:limit]
    )
    for message in rows:
        message.masked_recipient = mask_recipient(message.recipient)
        message.masked_error = redact(message.last_error.replace(message.recipient, message.masked_recipient))
    return rows


def unsubscribe_token(*, recipient: str, topic: str) -> str:
    return signing.dumps({"k": recipient_key(recipient), "t": topic}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_link(*, recipient: str, topic: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/unsubscribe/{unsubscribe_token(recipient=recipient, topic=topic)}/"


def read_unsubscribe_token(token: str) -> tuple[str, str]:
    """The (recipient key, topic) a link was made for; ``signing.BadSignature`` for a forged one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("k"), str) or not isinstance(data.get("t"), str):
        raise signing.BadSignature("malformed unsubscribe token")
    return data["k"], data["t"]


def unsubscribe(*, topic: str, recipient: str | None = None, key: str | None = None) -> bool:
    """Record the opt-out (by recipient, or by the key of an unsubscribe link); messages still
    pending for it are not sent. False if it was recorded already."""
    _opt_out, created = MessageOptOut.objects.get_or_create(
        recipient_key=key or recipient_key(recipient), topic=topic
    )
    return created
