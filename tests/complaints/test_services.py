from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Notification, Status
from core import outbox
from core.exceptions import Conflict, DomainError
from core.models import OutboundMessage
from customers.models import Customer
from tests.factories import ProjectFactory, UserFactory


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def intake(project, **overrides) -> services.Intake:
    values = {
        "project": project,
        "channel": "hotline",
        "category": "construction",
        "title": "卫生间渗漏水",
        "description": "楼上卫生间渗水到我家天花板",
    }
    return services.Intake(**{**values, **overrides})


def test_numbers_are_sequential_per_month(project, staff_a):
    first = services.complaint_create(intake=intake(project), received_by=staff_a)
    second = services.complaint_create(intake=intake(project), received_by=staff_a)
    month = timezone.localtime().strftime("%Y%m")
    assert (first.number, second.number) == (f"TS{month}-000001", f"TS{month}-000002")
    assert first.first_responder == staff_a
    assert first.tracking_token and first.tracking_token != second.tracking_token


def test_what_intake_sends_carries_the_number_taken_last(project, staff_a, manager_a, integrator_a, settings):
    """The number is taken after routing and judging (to hold the month's counter briefly): every
    notification, e-mail, text and webhook body written at intake names it, never the stand-in."""
    from core.webhook_models import WebhookDelivery
    from core.webhooks import services as webhooks

    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    webhooks.subscription_create(
        user=integrator_a,
        url="http://127.0.0.1:9/hook",
        event_types=["complaint.created", "complaint.status_changed", "complaint.tier_raised"],
        secret="x" * 20,
    )
    project.duty_handler = staff_a
    project.save()
    complaint = services.complaint_create(
        intake=intake(
            project,
            contact_name="王芳",
            contact_phone="13600001111",
            media="exposed",
            route_to_duty_handler=True,
        )
    )
    complaint.refresh_from_db()
    month = timezone.localtime().strftime("%Y%m")
    assert complaint.number == f"TS{month}-000001" and complaint.tier != "normal"
    texts = [
        *Notification.objects.filter(complaint=complaint).values_list("message", flat=True),
        *OutboundMessage.objects.values_list("body", flat=True),
        *WebhookDelivery.objects.values_list("body", flat=True),
    ]
    kinds = set(WebhookDelivery.objects.values_list("event_type", flat=True))
    assert kinds == {"complaint.created", "complaint.status_changed", "complaint.tier_raised"}
    assert OutboundMessage.objects.filter(channel="sms").count() == 1
    assert Notification.objects.filter(complaint=complaint, user=manager_a).exists()  # told of the rise
    assert all(complaint.number in text and "~" not in text for text in texts), texts


def test_received_time_may_be_back_dated_but_not_in_the_future(project, staff_a):
    old = services.complaint_create(
        intake=intake(project, received_at=timezone.now() - timedelta(days=3)), received_by=staff_a
    )
    assert old.received_at < timezone.now()
    with pytest.raises(DomainError):
        services.complaint_create(intake=intake(project, received_at=timezone.now() + timedelta(hours=1)))
    assert Complaint.objects.count() == 1


def test_customer_is_matched_or_created_by_phone(project):
    services.complaint_create(intake=intake(project, contact_phone="13812345678", contact_name="张伟"))
    again = services.complaint_create(intake=intake(project, contact_phone="13812345678"))
    assert Customer.objects.count() == 1
    assert again.customer.name == "张伟"


def test_tier_is_judged_at_intake_with_an_event(project):
    complaint = services.complaint_create(intake=intake(project, media="exposed", complainant_count=4))
    assert complaint.tier == "major"
    assert complaint.tier_reasons == ["media_exposed", "collective_3_or_more"]
    event = complaint.events.get(kind=ComplaintEvent.Kind.TIER_RAISED)
    assert (event.from_value, event.to_value, event.by) == ("normal", "major", None)


def test_three_complainants_about_one_issue_make_the_group_hot(project):
    first = services.complaint_create(intake=intake(project, contact_phone="13800000001"))
    second = services.complaint_create(
        intake=intake(project, contact_phone="13800000002", same_issue_as=first)
    )
    assert first.tier == second.tier == "normal"
    # The same complainant again does not count twice.
    services.complaint_create(intake=intake(project, contact_phone="13800000002", same_issue_as=second))
    first.refresh_from_db()
    assert first.tier == "normal"
    third = services.complaint_create(
        intake=intake(project, contact_phone="13800000003", same_issue_as=first)
    )
    first.refresh_from_db()
    assert third.tier == first.tier == "hot"
    assert "same_issue_3_complainants" in first.tier_reasons


def test_complaints_more_than_a_month_apart_are_not_one_wave(project):
    old = services.complaint_create(
        intake=intake(project, contact_phone="13800000001", received_at=timezone.now() - timedelta(days=40))
    )
    services.complaint_create(intake=intake(project, contact_phone="13800000002", same_issue_as=old))
    newest = services.complaint_create(intake=intake(project, contact_phone="13800000003", same_issue_as=old))
    assert newest.tier == "normal"


def test_second_complaint_must_follow_a_handled_one(project, staff_a):
    first = services.complaint_create(intake=intake(project))
    with pytest.raises(DomainError):
        services.complaint_create(intake=intake(project, follows=first))
    Complaint.objects.filter(pk=first.pk).update(status=Status.CLOSED)
    first.refresh_from_db()
    second = services.complaint_create(intake=intake(project, follows=first))
    assert (second.tier, second.tier_reasons) == ("important", ["second_complaint"])


def flow(complaint, handler, *statuses):
    services.complaint_assign(
        complaint=complaint, handler=handler, department="engineering", deadline=None, by=handler
    )
    for status in statuses:
        complaint = services.complaint_transition(
            complaint=complaint, status=status, note="已修复" if status == "resolved" else "", by=handler
        )
    return complaint


def test_invalid_transition_is_a_conflict_with_a_reason(project, staff_a):
    complaint = services.complaint_create(intake=intake(project))
    with pytest.raises(Conflict) as error:
        services.complaint_transition(complaint=complaint, status="closed", by=staff_a)
    assert error.value.code == "invalid_transition"
    with pytest.raises(DomainError):
        services.complaint_transition(complaint=complaint, status="assigned", by=staff_a)  # no handler yet


def test_waiting_on_the_complainant_pauses_the_clock(project, staff_a):
    complaint = services.complaint_create(
        intake=intake(project, received_at=timezone.now() - timedelta(days=5))
    )
    complaint = flow(complaint, staff_a, "in_progress", "awaiting_customer")
    assert complaint.next_due_at is None
    Complaint.objects.filter(pk=complaint.pk).update(paused_since=timezone.now() - timedelta(days=3))
    complaint.refresh_from_db()
    complaint = services.complaint_transition(complaint=complaint, status="in_progress", by=staff_a)
    assert complaint.paused_seconds >= 3 * 86400
    # Five days old, three of them waiting: two days count; the warning comes a day before one week.
    expected = complaint.received_at + timedelta(seconds=complaint.paused_seconds) + timedelta(days=6)
    assert complaint.next_due_at == expected


def test_the_sweep_raises_on_the_clock_once(project, staff_a):
    complaint = services.complaint_create(
        intake=intake(project, received_at=timezone.now() - timedelta(days=8))
    )
    assert complaint.tier == "hot"  # already a week old when recorded
    later = services.complaint_create(intake=intake(project, received_at=timezone.now() - timedelta(days=1)))
    assert services.escalate_due(as_of=timezone.now() + timedelta(days=6, hours=1)) == 1
    assert services.escalate_due(as_of=timezone.now() + timedelta(days=6, hours=1)) == 0
    later.refresh_from_db()
    assert later.tier == "hot"
    assert later.events.filter(kind="tier_raised").count() == 1
    assert later.next_due_at == later.received_at + timedelta(days=29)  # the warning before one month
    services.escalate_due(as_of=timezone.now() + timedelta(days=40))
    later.refresh_from_db()
    assert later.tier == "major"
    assert later.next_due_at is None


def test_resolved_complaints_do_not_escalate(project, staff_a):
    complaint = services.complaint_create(intake=intake(project))
    complaint = flow(complaint, staff_a, "in_progress", "resolved")
    assert complaint.next_due_at is None
    assert services.escalate_due(as_of=timezone.now() + timedelta(days=60)) == 0


def test_lowering_needs_a_manager_and_a_reason_and_is_not_undone_by_the_rules(project, staff_a, manager_a):
    complaint = services.complaint_create(intake=intake(project, media="possible"))
    assert complaint.tier == "hot"
    with pytest.raises(DomainError):
        services.complaint_lower_tier(complaint=complaint, tier="normal", reason="已澄清", by=staff_a)
    with pytest.raises(DomainError):
        services.complaint_lower_tier(complaint=complaint, tier="normal", reason=" ", by=manager_a)
    complaint = services.complaint_lower_tier(
        complaint=complaint, tier="normal", reason="媒体已澄清不实", by=manager_a
    )
    services.escalate_due(as_of=timezone.now() + timedelta(days=8))
    complaint.refresh_from_db()
    assert complaint.tier == "normal"  # the hot rise happened once; the manager's decision stands
    services.escalate_due(as_of=timezone.now() + timedelta(days=31))
    complaint.refresh_from_db()
    assert complaint.tier == "major"  # a new fact (a month unresolved) still raises


def test_rises_notify_the_people_of_the_tier_after_commit(
    project, staff_a, manager_a, group_user, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    for user in (staff_a, manager_a, group_user):
        user.email = f"{user.username}@example.com"
        user.save()
    from vanke_crm.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            complaint = services.complaint_create(
                intake=intake(project, litigation="filed"), received_by=staff_a
            )
            assert mail.outbox == []  # nothing leaves inside the transaction
        assert len(callbacks) == 1
        for callback in callbacks:
            callback()
    finally:
        app.conf.task_always_eager = False
    recipients = set(
        Notification.objects.filter(complaint=complaint).values_list("user__username", flat=True)
    )
    assert recipients == {"staff_a", "manager_a", "group_cr"}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "group_cr@example.com",
        "manager_a@example.com",
        "staff_a@example.com",
    ]


def test_intake_survives_an_unreachable_broker(
    project, staff_a, manager_a, dead_broker, django_capture_on_commit_callbacks
):
    manager_a.email = "manager_a@example.com"
    manager_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.complaint_create(intake=intake(project, litigation="filed"), received_by=staff_a)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    waiting = OutboundMessage.objects.filter(topic=services.STAFF_TOPIC, status="pending")
    assert waiting.exists()  # waiting in the outbox for beat's delivery run
    assert outbox.deliver_pending() >= 1
    assert not waiting.exists()


def test_handover_keeps_the_first_responder_accountable(project, staff_a, company_a):
    colleague = UserFactory(company=company_a, role="frontline_staff")
    complaint = services.complaint_create(intake=intake(project), received_by=staff_a)
    with pytest.raises(DomainError):
        services.complaint_handover(complaint=complaint, to_user=colleague, note="", by=staff_a)
    complaint = services.complaint_handover(
        complaint=complaint, to_user=colleague, note="工程问题转工程部跟进", by=staff_a
    )
    assert complaint.first_responder == colleague


def test_rating_only_after_resolution_and_once(project, staff_a):
    complaint = services.complaint_create(intake=intake(project))
    with pytest.raises(Conflict):
        services.complaint_rate(complaint=complaint, rating=5, comment="")
    complaint = flow(complaint, staff_a, "in_progress", "resolved")
    services.complaint_rate(complaint=complaint, rating=4, comment="处理及时")
    with pytest.raises(Conflict):
        services.complaint_rate(complaint=complaint, rating=1, comment="")
    complaint.refresh_from_db()
    assert complaint.rating == 4


def test_the_handler_is_warned_a_day_before_the_clock_lifts_the_tier(project, staff_a):
    complaint = services.complaint_create(
        intake=intake(project, received_at=timezone.now() - timedelta(days=2)), received_by=staff_a
    )
    as_of = complaint.received_at + timedelta(days=6, hours=1)
    services.escalate_due(as_of=as_of)
    services.escalate_due(as_of=as_of)
    complaint.refresh_from_db()
    assert complaint.tier == "normal"
    assert complaint.events.filter(kind="clock_warning", to_value="hot").count() == 1
    assert Notification.objects.filter(complaint=complaint, user=staff_a).count() == 1
    assert complaint.next_due_at == complaint.received_at + timedelta(days=7)


def test_repairs_are_attributed_and_a_second_repair_marks_the_first_not_fixed(project, staff_a):
    from complaints.models import Contractor

    contractor = Contractor.objects.create(name="东方雨虹", kind="supplier")
    complaint = services.complaint_create(intake=intake(project))
    today = timezone.localdate()
    first = services.repair_record(
        complaint=complaint,
        contractor=contractor,
        work="重做防水层",
        started_on=today - timedelta(days=5),
        finished_on=today - timedelta(days=4),
        fixed_first_time=None,
        by=staff_a,
    )
    services.repair_record(
        complaint=complaint,
        contractor=contractor,
        work="再次补漏",
        started_on=today,
        finished_on=None,
        fixed_first_time=None,
        by=staff_a,
    )
    first.refresh_from_db()
    assert first.fixed_first_time is False
    with pytest.raises(DomainError):
        services.repair_record(
            complaint=complaint,
            contractor=contractor,
            work="x",
            started_on=today,
            finished_on=today - timedelta(days=1),
            fixed_first_time=True,
            by=staff_a,
        )
    with pytest.raises(DomainError):
        services.repair_record(
            complaint=complaint,
            contractor=contractor,
            work="x",
            started_on=today + timedelta(days=1),
            finished_on=None,
            fixed_first_time=True,
            by=staff_a,
        )
    assert complaint.repairs.count() == 2


def test_the_complainant_gets_texts_with_the_tracking_link_through_the_outbox(project, staff_a, caplog):
    complaint = services.complaint_create(
        intake=intake(project, contact_phone="13812345678", contact_name="张伟")
    )
    complaint = flow(complaint, staff_a, "in_progress", "resolved")
    from core import outbox
    from core.models import OutboundMessage

    texts = list(
        OutboundMessage.objects.filter(topic="complaint").order_by("id").values_list("recipient", "body")
    )
    assert [phone for phone, _text in texts] == ["13812345678", "13812345678"]
    assert all(f"/complain/track/{complaint.tracking_token}/" in text for _phone, text in texts)
    with caplog.at_level("INFO", logger="vanke_crm.sms"):
        outbox.deliver_pending()
    assert len([r for r in caplog.records if r.name == "vanke_crm.sms"]) == 2
    assert not OutboundMessage.objects.filter(sent_at__isnull=True).exists()
