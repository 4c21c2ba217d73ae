"""A campaign queued while the broker is down is sent when it is back; managers see failed
messages of their company (masked) and re-send them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import jobs, outbox
from core.models import Job, OutboundMessage
from membership.models import Campaign
from tests.factories import PASSWORD, member_for

CAMPAIGN = {
    "audience": "all",
    "segment": "",
    "channel": "sms",
    "subject": "停水通知",
    "body": "周六上午停水，请提前储水。",
}


def test_a_campaign_sent_during_a_broker_outage_goes_out_when_it_is_back(
    client, manager_a, company_a, dead_broker, django_capture_on_commit_callbacks
):
    member_for(company_a, phone="13800000031")
    client.login(username=manager_a.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/club/campaigns/", {"company": company_a.pk, **CAMPAIGN})
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    job = Job.objects.get(kind="club_campaign")
    assert job.status == "queued" and job.params == {"campaign": campaign.pk}
    assert not OutboundMessage.objects.exists()
    assert jobs.sweep(now=timezone.now() + timedelta(minutes=2))["resent"] == 0  # still down


def test_the_sweep_sends_the_waiting_campaign(company_a, manager_a, eager_celery):
    from membership import services

    member_for(company_a, phone="13800000032")
    campaign = services.campaign_create(company=company_a, by=manager_a, **CAMPAIGN)  # no commit hook ran
    job = Job.objects.get(kind="club_campaign")
    assert job.status == "queued"
    assert jobs.sweep(now=timezone.now() + timedelta(minutes=2))["resent"] == 1
    job.refresh_from_db()
    campaign.refresh_from_db()
    assert (job.status, job.total, job.processed, campaign.queued) == ("done", 1, 1, 1)
    message = OutboundMessage.objects.get()
    assert message.recipient == "13800000032" and message.company_id == company_a.pk


@pytest.fixture
def failed(company_a, company_b):
    ours = OutboundMessage.objects.create(
        channel="sms",
        company=company_a,
        recipient="13800000041",
        topic="member_news",
        body="【万客会】x",
        status="failed",
        attempts=5,
        last_error="gateway refused 13800000041",
    )
    email = OutboundMessage.objects.create(
        channel="email",
        company=company_a,
        recipient="zhang@example.com",
        topic="staff_notification",
        subject="投诉升级",
        body="x",
        status="failed",
        attempts=5,
        last_error="{'zhang@example.com': (550, b'no such user')}",
    )
    theirs = OutboundMessage.objects.create(
        channel="sms",
        company=company_b,
        recipient="13900000042",
        topic="member_news",
        body="y",
        status="failed",
        attempts=5,
        last_error="refused",
    )
    return ours, email, theirs


def test_a_manager_sees_the_failed_messages_of_their_company_masked(client, manager_a, failed):
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("failed-messages")).content.decode()
    assert "138****0041" in page and "z***@example.com" in page
    assert "13800000041" not in page and "zhang@example.com" not in page  # not even in the reason
    assert "139****0042" not in page  # another company's
    assert "no such user" in page
    assert reverse("failed-messages") in client.get("/club/campaigns/").content.decode()


def test_a_manager_re_sends_failed_messages_with_new_attempts_and_a_note(
    client, manager_a, failed, django_capture_on_commit_callbacks
):
    ours, email, theirs = failed
    client.login(username=manager_a.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("failed-messages"), {"message": [ours.pk, theirs.pk]}, follow=True)
    assert len(callbacks) == 1  # delivery is queued after the commit
    assert [str(m) for m in response.context["messages"]] == ["1 条消息将重新发送。"]
    ours.refresh_from_db()
    theirs.refresh_from_db()
    email.refresh_from_db()
    assert (ours.status, ours.attempts) == ("pending", 0)
    assert manager_a.username in ours.last_error and "gateway refused" in ours.last_error
    assert theirs.status == "failed" and email.status == "failed"  # not ours / not chosen
    assert outbox.deliver_pending() == 1
    ours.refresh_from_db()
    assert ours.status == "sent"


def test_only_managers_see_and_re_send_failed_messages(client, staff_a, auditor, failed):
    ours = failed[0]
    for user in (staff_a, auditor):
        client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("failed-messages")).status_code == 403
        assert client.post(reverse("failed-messages"), {"message": [ours.pk]}).status_code == 403
    ours.refresh_from_db()
    assert ours.status == "failed"
    from core.exceptions import DomainError

    with pytest.raises(DomainError):
        outbox.messages_resend(user=staff_a, message_ids=[ours.pk])


def test_a_group_user_sees_every_company(client, group_user, failed):
    client.login(username=group_user.username, password=PASSWORD)
    page = client.get(reverse("failed-messages")).content.decode()
    assert "138****0041" in page and "139****0042" in page
