"""Webhook delivery: signed, in order per resource, retried with backoff, never lost, SSRF-safe.

A real HTTP receiver (``webhook_receiver``: http.server in a thread) checks every signature."""

import json
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from core.webhook_models import WebhookDelivery, WebhookSubscription
from core.webhooks import delivery, services, targets
from core.webhooks.registry import register
from tests.factories import ComplaintFactory

from .webhook_receiver import SECRET, running_receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def webhook_receiver(settings):
    yield from running_receiver(settings)


@pytest.fixture
def subscription(webhook_receiver, integrator_a):
    return services.subscription_create(
        user=integrator_a, url=webhook_receiver.url, event_types=["complaint.status_changed"], secret=SECRET
    )


def emit(complaint, sequence: int) -> None:
    """An event of the complaint carrying its place in the story (``seq``)."""
    services.emit(
        "complaint.status_changed", complaint, company_id=complaint.company_id, extra={"seq": sequence}
    )


def received_order(receiver) -> dict[int, list[int]]:
    by_resource: dict[int, list[int]] = {}
    for event in receiver.accepted.values():
        by_resource.setdefault(event["body"]["data"]["id"], []).append(event["body"]["data"]["seq"])
    return by_resource


def test_a_delivery_is_signed_and_carries_the_event(subscription, webhook_receiver, company_a):
    complaint = ComplaintFactory(project__company=company_a)
    emit(complaint, 1)
    assert delivery.deliver_due() == 1
    assert webhook_receiver.bad_signatures == 0
    (event,) = webhook_receiver.accepted.values()
    row = WebhookDelivery.objects.get()
    assert event["delivery"] == str(row.uuid) and event["event"] == "complaint.status_changed"
    body = event["body"]
    assert set(body) == {"id", "type", "occurred_at", "data"}
    assert body["id"] == str(row.event_id) and body["type"] == "complaint.status_changed"
    assert body["data"]["id"] == complaint.pk and body["data"]["number"] == complaint.number
    assert row.status == "succeeded" and row.attempts == 1 and row.response_code == 200
    assert delivery.deliver_due() == 0  # sent once


def test_a_wrong_secret_is_rejected_by_the_receiver(subscription, webhook_receiver, company_a):
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret="another-secret-0123456789")
    emit(ComplaintFactory(project__company=company_a), 1)
    assert delivery.deliver_due() == 0
    assert webhook_receiver.bad_signatures == 1 and not webhook_receiver.accepted
    row = WebhookDelivery.objects.get()
    assert row.status == "pending" and row.response_code == 401


def test_receiver_down_then_up_every_event_arrives_once_and_in_order(
    subscription,
    webhook_receiver,
    company_a,
):
    first, second = ComplaintFactory(project__company=company_a), ComplaintFactory(project__company=company_a)
    webhook_receiver.stop()  # connection refused from now on
    for sequence in range(1, 5):
        emit(first, sequence)
        emit(second, sequence)
    now = timezone.now()
    assert delivery.deliver_due(now=now) == 0
    attempted = WebhookDelivery.objects.filter(attempts__gt=0)
    # Only the first event of each complaint was tried: the others wait behind it.
    assert sorted(attempted.values_list("resource", flat=True)) == sorted(
        [f"complaint:{first.pk}", f"complaint:{second.pk}"]
    )
    for _ in range(5):  # still down for a while: retries back off
        now += timedelta(minutes=20)
        delivery.deliver_due(now=now)
    assert not webhook_receiver.accepted
    webhook_receiver.start()  # up again, on the same port
    for _ in range(20):
        if not WebhookDelivery.objects.filter(status="pending").exists():
            break
        now += timedelta(hours=1)
        delivery.deliver_due(now=now)
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}
    assert len(webhook_receiver.raw) == 8 == len(webhook_receiver.accepted)  # exactly once each
    assert received_order(webhook_receiver) == {first.pk: [1, 2, 3, 4], second.pk: [1, 2, 3, 4]}


def test_a_worker_killed_after_its_claim_loses_nothing(subscription, webhook_receiver, company_a):
    complaint = ComplaintFactory(project__company=company_a)
    emit(complaint, 1)
    emit(complaint, 2)
    now = timezone.now()
    (claim,) = delivery.claim_due(now=now, batch_size=10)  # the worker dies here, before sending
    assert delivery.deliver_due(now=now + timedelta(seconds=30)) == 0  # leased: nobody else sends it
    assert delivery.deliver_due(now=now + delivery.LEASE + timedelta(seconds=1)) == 2
    assert received_order(webhook_receiver) == {complaint.pk: [1, 2]}
    assert WebhookDelivery.objects.get(pk=claim.id).attempts == 2


def test_a_worker_killed_after_sending_is_deduped_by_the_receiver(
    subscription,
    webhook_receiver,
    company_a,
):
    emit(ComplaintFactory(project__company=company_a), 1)
    now = timezone.now()
    (claim,) = delivery.claim_due(now=now, batch_size=10)
    assert delivery.post(claim).ok  # sent, then the worker dies before recording it
    later = now + delivery.LEASE + timedelta(seconds=1)
    assert delivery.deliver_due(now=later) == 1  # at least once: sent again with the same id
    assert len(webhook_receiver.raw) == 2 and len(webhook_receiver.accepted) == 1
    # The dead worker's late outcome is refused: the row is no longer its claim.
    assert delivery.record(claim, delivery.Outcome(ok=False, error="late"), now=later) is False
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_failures_back_off_and_give_up_after_a_day(subscription, webhook_receiver, company_a):
    webhook_receiver.status = 500
    emit(ComplaintFactory(project__company=company_a), 1)
    row = WebhookDelivery.objects.get()
    start = row.next_attempt_at
    delivery.deliver_due(now=start)
    row.refresh_from_db()
    assert row.next_attempt_at == start + timedelta(seconds=30) and row.response_code == 500
    delivery.deliver_due(now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.next_attempt_at - start == timedelta(seconds=90)  # then 60 s more
    while row.status == "pending":
        delivery.deliver_due(now=row.next_attempt_at)
        row.refresh_from_db()
        assert row.attempts < 60
    assert row.status == "failed" and row.last_error == "HTTP 500"
    assert row.retry_until - row.created_at <= timedelta(hours=24, seconds=1)
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 10)] == [30, 60, 120, 3600]


def test_a_subscription_is_switched_off_after_100_failures_in_a_row(
    subscription,
    webhook_receiver,
    company_a,
):
    webhook_receiver.status = 503
    emit(ComplaintFactory(project__company=company_a), 1)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=98)
    delivery.deliver_due()
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.consecutive_failures == 99
    delivery.deliver_due(now=timezone.now() + timedelta(minutes=1))
    subscription.refresh_from_db()
    assert not subscription.is_active and subscription.disabled_at is not None
    # Switched off: its deliveries wait, and nothing new is written for it.
    assert delivery.deliver_due(now=timezone.now() + timedelta(hours=2)) == 0
    emit(ComplaintFactory(project__company=company_a), 1)
    assert WebhookDelivery.objects.count() == 1


def test_a_success_resets_the_failure_count(subscription, webhook_receiver, company_a):
    WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=42)
    emit(ComplaintFactory(project__company=company_a), 1)
    delivery.deliver_due()
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_redirects_are_not_followed(subscription, webhook_receiver, company_a):
    # Loopback, so that a regression that followed it would still send nowhere outside this machine.
    webhook_receiver.status, webhook_receiver.location = 302, "http://127.0.0.1:1/elsewhere"
    emit(ComplaintFactory(project__company=company_a), 1)
    assert delivery.deliver_due() == 0
    row = WebhookDelivery.objects.get()
    assert row.status == "pending" and row.response_code == 302


def test_the_target_is_checked_again_at_send_time(subscription, webhook_receiver, company_a, settings):
    emit(ComplaintFactory(project__company=company_a), 1)
    settings.WEBHOOK_ALLOWED_HOSTS = []  # 127.0.0.1 no longer allowed
    assert delivery.deliver_due() == 0
    assert not webhook_receiver.raw
    row = WebhookDelivery.objects.get()
    assert row.status == "pending" and "127.0.0.1" in row.last_error


def test_the_beat_task_and_the_nudge_send(
    subscription, webhook_receiver, company_a, django_capture_on_commit_callbacks, settings
):
    from core.tasks import deliver_webhooks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emit(ComplaintFactory(project__company=company_a), 1)
    assert len(callbacks) == 1  # the nudge, queued after the commit
    assert deliver_webhooks() == 1
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-webhooks"]  # and beat, if the nudge was lost
    assert entry["task"] == "core.tasks.deliver_webhooks" and entry["schedule"] <= 60


def test_each_event_type_has_a_renderer():
    from core.webhooks.registry import EVENT_TYPES, renderer

    for event_type in EVENT_TYPES:
        assert callable(renderer(event_type))
    with pytest.raises(ValueError):
        register("complaint.deleted", lambda instance, user: {})


# --- SSRF -----------------------------------------------------------------------------------------


def fake_dns(mapping):
    def getaddrinfo(host, port, *args, **kwargs):
        if host not in mapping:
            raise socket.gaierror("unknown host")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in mapping[host]]

    return getaddrinfo


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://internal.example.com/hook",  # resolves to a private address
        "http://mixed.example.com/hook",  # one public, one private address
    ],
)
def test_private_targets_are_refused(url, monkeypatch, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        fake_dns(
            {
                "localhost": ["127.0.0.1"],
                "internal.example.com": ["10.0.0.8"],
                "mixed.example.com": ["93.184.216.34", "192.168.0.3"],
                **{
                    host: [host]
                    for host in (
                        "127.0.0.1",
                        "10.1.2.3",
                        "172.16.0.1",
                        "192.168.1.1",
                        "169.254.169.254",
                        "0.0.0.0",  # noqa: S104
                    )
                },
                **{host: [host] for host in ("::1", "fe80::1", "::ffff:127.0.0.1")},
            }
        ),
    )
    with pytest.raises(targets.TargetRefused) as refused:
        targets.check_url(url)
    assert refused.value.code == "webhook_url_private"


def test_public_and_allowed_targets_pass(monkeypatch, settings):
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns({"hooks.example.com": ["93.184.216.34"]}))
    settings.WEBHOOK_ALLOWED_HOSTS = ["crm-bridge.internal"]
    targets.check_url("https://hooks.example.com/vanke")
    targets.check_url("http://crm-bridge.internal:8080/in")  # allowed by name, not resolved
    for url in ("ftp://hooks.example.com/x", "https://user:pw@hooks.example.com/", "http:///x"):
        with pytest.raises(targets.TargetRefused) as refused:
            targets.check_url(url)
        assert refused.value.code == "webhook_url_invalid"
    with pytest.raises(targets.TargetRefused) as refused:
        targets.check_url("https://nowhere.example.com/")
    assert refused.value.code == "webhook_host_unresolved"


def test_signature_matches_the_documented_formula():
    import hashlib
    import hmac

    body = json.dumps({"a": 1}).encode()
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert delivery.signature("s3cret", 1700000000, body) == f"sha256={expected}"


def test_the_readme_receiver_accepts_a_real_delivery_and_refuses_a_forged_one(
    settings, integrator_a, company_a
):
    """The worked example in README.md "Integrating" / "Webhooks", run as written against a real
    delivery."""
    import re
    import threading
    import urllib.request
    from http.server import HTTPServer
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Integrating", 1)[1].split("### Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = code.replace('HTTPServer(("0.0.0.0", 8080), Hook).serve_forever()', "")
    example: dict = {}
    exec(compile(code, "README.md", "exec"), example)  # noqa: S102  (our own documentation)
    example["SECRET"] = SECRET.encode()
    example["Hook"].log_message = lambda *args: None
    server = HTTPServer(("127.0.0.1", 0), example["Hook"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        services.subscription_create(
            user=integrator_a, url=url, event_types=["complaint.created"], secret=SECRET
        )
        services.emit(
            "complaint.created", ComplaintFactory(project__company=company_a), company_id=company_a.pk
        )
        assert delivery.deliver_due() == 1
        assert example["seen"] == {str(WebhookDelivery.objects.get().uuid)}
        forged = urllib.request.Request(
            url,
            data=b'{"id": "x"}',
            headers={"X-Vanke-Timestamp": "1", "X-Vanke-Signature": "sha256=00", "X-Vanke-Delivery": "x"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)  # noqa: S310
        assert refused.value.code == 401
    finally:
        server.shutdown()
        server.server_close()


def test_finished_deliveries_are_deleted_after_the_retention(subscription, company_a, settings):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    for _ in range(3):
        emit(ComplaintFactory(project__company=company_a), 1)
    old_done, old_pending, recent = WebhookDelivery.objects.order_by("id")
    WebhookDelivery.objects.filter(pk__in=[old_done.pk, old_pending.pk]).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    WebhookDelivery.objects.filter(pk__in=[old_done.pk, recent.pk]).update(status="succeeded")
    assert delivery.delete_old() == 1
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {old_pending.pk, recent.pk}


def test_the_send_connects_to_the_checked_address_not_a_second_lookup(
    webhook_receiver, integrator_a, company_a, monkeypatch, settings
):
    """DNS rebinding: the name resolves to an approved address at the check and to another one
    a moment later; the delivery goes to the approved one. (Both are loopback here: the test
    approves 127.0.0.1 by pretending it is public, and the "rebound" 127.0.0.2 has no server.)"""
    answers = {"hooks.example.test": ["127.0.0.1"]}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in answers[host]]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(targets, "_public", lambda address: address == "127.0.0.1")
    settings.WEBHOOK_ALLOWED_HOSTS = []
    url = f"http://hooks.example.test:{webhook_receiver.port}/hook"
    services.subscription_create(user=integrator_a, url=url, event_types=["complaint.created"], secret=SECRET)
    services.emit("complaint.created", ComplaintFactory(project__company=company_a), company_id=company_a.pk)

    checked = targets.check_url
    monkeypatch.setattr(
        targets,
        "check_url",
        lambda url: (checked(url), answers.update({"hooks.example.test": ["127.0.0.2"]}))[0],
    )
    assert delivery.deliver_due() == 1
    assert len(webhook_receiver.accepted) == 1


def test_https_deliveries_connect_to_the_checked_address_and_check_the_certificate(
    tmp_path, integrator_a, company_a, monkeypatch, settings
):
    """HTTPS through the pinned connection: the TLS name is the host's, the socket goes to the
    checked address. A self-signed certificate for hooks.example.test is trusted for the test."""
    import shutil
    import ssl
    import subprocess

    from .webhook_receiver import Receiver

    if shutil.which("openssl") is None:
        pytest.skip("openssl not found")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=hooks.example.test",
            "-addext",
            "subjectAltName=DNS:hooks.example.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    receiver = Receiver()
    receiver.start()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    receiver._server.socket = server_context.wrap_socket(receiver._server.socket, server_side=True)
    try:
        real_getaddrinfo = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host == "hooks.example.test":
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
            return real_getaddrinfo(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(targets, "_public", lambda address: address == "127.0.0.1")
        monkeypatch.setattr(delivery, "_tls_context", lambda: ssl.create_default_context(cafile=cert))
        settings.WEBHOOK_ALLOWED_HOSTS = []
        url = f"https://hooks.example.test:{receiver.port}/hook"
        services.subscription_create(
            user=integrator_a, url=url, event_types=["complaint.created"], secret=SECRET
        )
        services.emit(
            "complaint.created", ComplaintFactory(project__company=company_a), company_id=company_a.pk
        )
        assert delivery.deliver_due() == 1
        assert len(receiver.accepted) == 1
    finally:
        receiver.stop()
