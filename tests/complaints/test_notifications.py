"""Staff e-mail goes through the core outbox: its attempt limit, and one refused address does not
hold up the others."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from complaints import services
from complaints.models import Notification
from core import outbox
from core.models import OutboundMessage
from tests.factories import ProjectFactory


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def hot_complaint(project, staff, manager):
    staff.email, manager.email = "refused@example.com", "manager_a@example.com"
    staff.save()
    manager.save()
    return services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="卫生间渗漏水",
            description="楼上卫生间渗水",
            media="possible",
        ),
        received_by=staff,
    )


def test_one_refused_address_does_not_hold_up_the_others_and_fails_after_five_attempts(
    project, staff_a, manager_a
):
    hot_complaint(project, staff_a, manager_a)
    assert Notification.objects.count() == 2  # the in-app list keeps both
    real_send = mail.send_mail

    def refuse_one(subject, body, sender, recipients, **kwargs):
        if recipients == ["refused@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"refused@example.com": (550, b"no such user")})
        return real_send(subject, body, sender, recipients, **kwargs)

    with mock.patch("django.core.mail.send_mail", refuse_one):
        assert outbox.deliver_pending() == 1
        assert [m.to for m in mail.outbox] == [["manager_a@example.com"]]
        for _attempt in range(6):
            outbox.deliver_pending()
    assert len(mail.outbox) == 1  # the manager was e-mailed once
    refused = OutboundMessage.objects.get(recipient="refused@example.com")
    assert (refused.status, refused.attempts, refused.channel) == ("failed", 5, "email")
    assert refused.topic == services.STAFF_TOPIC and refused.company_id == project.company_id
    assert OutboundMessage.objects.get(recipient="manager_a@example.com").status == "sent"


def test_each_notification_is_e_mailed_once(project, staff_a, manager_a):
    complaint = hot_complaint(project, staff_a, manager_a)
    services.escalate_due(as_of=timezone.now() + timedelta(days=1))  # nothing new to say
    outbox.deliver_pending()
    outbox.deliver_pending()
    assert sorted(m.to[0] for m in mail.outbox) == ["manager_a@example.com", "refused@example.com"]
    keys = set(OutboundMessage.objects.values_list("dedupe_key", flat=True))
    assert keys == {f"notification:{n.pk}" for n in Notification.objects.filter(complaint=complaint)}


def test_a_staff_member_without_an_address_gets_the_in_app_notification_only(project, staff_a, manager_a):
    manager_a.email = ""
    manager_a.save()
    services.complaint_create(
        intake=services.Intake(
            project=project,
            channel="hotline",
            category="construction",
            title="t",
            description="d",
            media="possible",
        ),
        received_by=staff_a,
    )
    assert Notification.objects.filter(user=manager_a).exists()
    assert not OutboundMessage.objects.filter(topic=services.STAFF_TOPIC, recipient="").exists()
