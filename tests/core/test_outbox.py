"""The customer-message outbox: written once per business event, sent once, retried, unsubscribable."""

import pytest
from django.core import mail, signing

from core import outbox
from core.models import MessageOptOut, OutboundMessage

pytestmark = pytest.mark.django_db


def sms(key="k1", recipient="13800138000", topic="greetings"):
    return outbox.Message(channel="sms", recipient=recipient, topic=topic, body="生日快乐", dedupe_key=key)


def test_the_same_event_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert outbox.message_queue_many([sms("a"), sms("a"), sms("b")]) == 2
        assert outbox.message_queue(sms("a")) is False
    assert OutboundMessage.objects.count() == 2


def test_delivery_sends_each_message_once(settings, caplog):
    settings.SMS_BACKEND = "core.sms.LogBackend"
    email = outbox.Message(channel="email", recipient="a@example.com", topic="survey", body="hi", subject="S")
    outbox.message_queue_many([sms("a"), email])
    assert outbox.deliver_pending() == 2
    assert outbox.deliver_pending() == 0
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


class FailingBackend:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_a_failing_gateway_keeps_the_message_and_gives_up_after_the_limit(settings):
    settings.SMS_BACKEND = "tests.core.test_outbox.FailingBackend"
    outbox.message_queue(sms())
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        assert outbox.deliver_pending() == 0
    message = OutboundMessage.objects.get()
    assert message.status == "pending" and message.attempts == outbox.MAX_ATTEMPTS - 1
    assert "gateway down" in message.last_error
    outbox.deliver_pending()
    message.refresh_from_db()
    assert message.status == "failed"


def test_unsubscribe_link_stops_the_topic_only_and_carries_no_phone(client):
    outbox.message_queue(sms("pending-before"))
    link = outbox.unsubscribe_link(recipient="13800138000", topic="greetings")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert "13800138000" not in signing.b64_decode(token.split(":")[0].encode()).decode()
    path = link.split("http://127.0.0.1:8000", 1)[1]

    page = client.get(path)
    assert page.status_code == 200 and MessageOptOut.objects.count() == 0  # GET only asks
    response = client.post(path)
    assert response.status_code == 200
    assert "不再" in response.content.decode()
    assert not MessageOptOut.objects.filter(recipient_key__contains="13800138000").exists()
    assert outbox.deliver_pending() == 0  # queued before the unsubscription, not sent after it
    assert OutboundMessage.objects.get(dedupe_key="pending-before").status == "unsubscribed"
    assert outbox.message_queue(sms("after")) is False
    assert outbox.message_queue(sms("survey", topic="survey")) is True


def test_a_forged_unsubscribe_link_is_refused(client):
    token = outbox.unsubscribe_token(recipient="13800138000", topic="greetings")
    response = client.post(f"/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404
    assert "无效" in response.content.decode()
    assert MessageOptOut.objects.count() == 0
