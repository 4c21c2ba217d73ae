"""Events (capacity, waiting list, attendance), gifts and fee offsets, merchant codes, campaigns."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core import outbox
from core.exceptions import Conflict, DomainError
from core.models import OutboundMessage
from customers.timeline import timeline_for
from membership import services
from membership.models import Campaign, Event, EventSignup, Gift, Merchant, Offer, PointEntry, Redemption
from tests.factories import member_for

pytestmark = pytest.mark.django_db


def make_event(company, *, capacity=2, points=0, starts_in=timedelta(days=3)):
    return Event.objects.create(
        company=company,
        title="中秋游园会",
        kind="festival",
        starts_at=timezone.now() + starts_in,
        place="会所广场",
        capacity=capacity,
        points=points,
    )


def test_capacity_then_waiting_list_in_order_of_sign_up(company_a):
    event = make_event(company_a, capacity=2)
    members = [member_for(company_a) for _ in range(4)]
    statuses = [services.event_signup(event=event, member=m, channel="web").status for m in members]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    event.refresh_from_db()
    assert event.confirmed_count == 2


def test_signing_up_twice_is_refused(company_a):
    event = make_event(company_a)
    member = member_for(company_a)
    services.event_signup(event=event, member=member, channel="web")
    with pytest.raises(Conflict) as refused:
        services.event_signup(event=event, member=member, channel="staff")
    assert refused.value.code == "already_signed_up"
    assert EventSignup.objects.count() == 1


def test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list(company_a):
    event = make_event(company_a, capacity=1)
    first, second, third = (member_for(company_a) for _ in range(3))
    seat = services.event_signup(event=event, member=first, channel="web")
    services.event_signup(event=event, member=second, channel="web")
    services.event_signup(event=event, member=third, channel="web")
    promoted = services.event_cancel_signup(signup=seat)
    assert promoted.member == second
    assert dict(EventSignup.objects.values_list("member_id", "status")) == {
        first.pk: "cancelled",
        second.pk: "confirmed",
        third.pk: "waiting",
    }
    with pytest.raises(Conflict):
        services.event_cancel_signup(signup=seat)
    # Back again after cancelling: to the end of the queue.
    assert services.event_signup(event=event, member=first, channel="web").status == "waiting"
    event.refresh_from_db()
    assert event.confirmed_count == 1


def test_cancelling_without_a_waiting_list_frees_the_seat(company_a):
    event = make_event(company_a, capacity=1)
    seat = services.event_signup(event=event, member=member_for(company_a), channel="web")
    assert services.event_cancel_signup(signup=seat) is None
    event.refresh_from_db()
    assert event.confirmed_count == 0
    assert (
        services.event_signup(event=event, member=member_for(company_a), channel="web").status == "confirmed"
    )


def test_no_sign_up_after_the_start_or_for_another_company(company_a, company_b):
    started = make_event(company_a, starts_in=timedelta(minutes=-1))
    with pytest.raises(DomainError) as closed:
        services.event_signup(event=started, member=member_for(company_a), channel="web")
    assert closed.value.code == "signup_closed"
    with pytest.raises(DomainError):
        services.event_signup(event=make_event(company_a), member=member_for(company_b), channel="web")
    assert EventSignup.objects.count() == 0


def test_attendance_earns_the_event_points_once_and_shows_on_the_timeline(company_a, staff_a):
    event = make_event(company_a, capacity=1, points=50)
    member = member_for(company_a)
    waiting = member_for(company_a)
    services.event_signup(event=event, member=member, channel="staff")
    services.event_signup(event=event, member=waiting, channel="staff")
    with pytest.raises(DomainError):
        services.event_mark_attendance(event=event, member=member, by=staff_a)  # not started yet
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    services.event_mark_attendance(event=event, member=member, by=staff_a)
    with pytest.raises(Conflict):
        services.event_mark_attendance(event=event, member=member, by=staff_a)
    with pytest.raises(DomainError):
        services.event_mark_attendance(event=event, member=waiting, by=staff_a)
    member.refresh_from_db()
    assert member.balance == 50
    kinds = [entry.kind for entry in timeline_for(member.customer, staff_a)]
    assert "club-event" in kinds and "club-points" in kinds


def test_gift_redemption_spends_points_and_stock(company_a, staff_a):
    member = member_for(company_a, points=1000)
    gift = Gift.objects.create(company=company_a, name="儿童绘本", points=400, stock=2)
    redemption = services.gift_redeem(member=member, gift=gift, by=staff_a)
    member.refresh_from_db()
    gift.refresh_from_db()
    assert (member.balance, gift.stock) == (600, 1)
    spend = PointEntry.objects.get(member=member, kind="spend")
    assert spend.delta == -400 and spend.source == f"redemption:{redemption.pk}"


def test_a_gift_out_of_stock_or_beyond_the_balance_changes_nothing(company_a):
    member = member_for(company_a, points=100)
    empty = Gift.objects.create(company=company_a, name="雨伞", points=50, stock=0)
    dear = Gift.objects.create(company=company_a, name="空气净化器", points=5000, stock=3)
    with pytest.raises(Conflict):
        services.gift_redeem(member=member, gift=empty)
    with pytest.raises(services.NotEnoughPoints):
        services.gift_redeem(member=member, gift=dear)
    dear.refresh_from_db()
    member.refresh_from_db()
    assert (member.balance, dear.stock, Redemption.objects.count()) == (100, 3, 0)
    assert PointEntry.objects.filter(kind="spend").count() == 0


def test_property_fee_offset(company_a):
    member = member_for(company_a, points=5000)
    redemption = services.fee_offset_redeem(member=member, amount=Decimal("12.50"))
    assert redemption.points == 1250
    with pytest.raises(DomainError):
        services.fee_offset_redeem(member=member, amount=Decimal("0.001"))
    with pytest.raises(services.NotEnoughPoints):
        services.fee_offset_redeem(member=member, amount=Decimal("50"))
    member.refresh_from_db()
    assert member.balance == 3750


def test_offer_codes_work_once_and_not_after_the_offer_expired(company_a, staff_a, staff_b):
    member = member_for(company_a, points=300)
    merchant = Merchant.objects.create(company=company_a, name="万科生活超市", category="超市")
    offer = Offer.objects.create(
        merchant=merchant,
        title="满100减20",
        points=100,
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    code = services.offer_claim(member=member, offer=offer)
    member.refresh_from_db()
    assert member.balance == 200 and len(code.code) == 10
    with pytest.raises(Conflict):
        services.offer_claim(member=member, offer=offer)
    with pytest.raises(DomainError) as unknown:
        services.code_use(code=code.code, user=staff_b)  # another company's staff do not see it
    assert unknown.value.code == "unknown_code"
    services.code_use(code=code.code.lower(), user=staff_a)
    with pytest.raises(Conflict) as used:
        services.code_use(code=code.code, user=staff_a)
    assert used.value.code == "code_used"

    other = member_for(company_a)
    late = Offer.objects.create(merchant=merchant, title="洗车", valid_until=timezone.localdate())
    late_code = services.offer_claim(member=other, offer=late)
    Offer.objects.filter(pk=late.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DomainError) as expired:
        services.code_use(code=late_code.code, user=staff_a)
    assert expired.value.code == "code_expired"
    with pytest.raises(DomainError):
        services.offer_claim(member=member, offer=late)


def test_campaigns_reach_the_audience_once_with_an_unsubscribe_link(company_a, company_b, manager_a):
    regular = member_for(company_a, phone="13800000001")
    gold = member_for(company_a, phone="13800000002", points=25_000)
    opted_out = member_for(company_a, phone="13800000003", points=25_000)
    member_for(company_b, phone="13800000004", points=25_000)
    outbox.unsubscribe(recipient=opted_out.customer.phone, topic=services.TOPIC)
    campaign = Campaign.objects.create(
        company=company_a,
        audience="gold",
        channel="sms",
        subject="新春",
        body="新春游园会报名开始",
        created_by=manager_a,
    )
    assert services.campaign_deliver(campaign=campaign) == 1
    assert services.campaign_deliver(campaign=campaign) == 0
    message = OutboundMessage.objects.get()
    assert message.recipient == gold.customer.phone and message.topic == "member_news"
    assert "/unsubscribe/" in message.body and "新春游园会报名开始" in message.body
    assert regular.customer.phone not in OutboundMessage.objects.values_list("recipient", flat=True)
    campaign.refresh_from_db()
    assert campaign.queued == 1


def test_creating_a_campaign_queues_its_delivery(
    company_a, manager_a, eager_celery, django_capture_on_commit_callbacks
):
    member_for(company_a, phone="13800000009")
    with django_capture_on_commit_callbacks(execute=True):
        campaign = services.campaign_create(
            company=company_a, audience="all", channel="sms", subject="通知", body="停水通知", by=manager_a
        )
    campaign.refresh_from_db()
    assert campaign.queued == 1
    with pytest.raises(DomainError):
        services.campaign_create(
            company=company_a, audience="all", channel="sms", subject=" ", body="x", by=manager_a
        )


def test_a_campaign_for_one_customer_segment(company_a, manager_a):
    from customers.models import Customer

    families = member_for(company_a, phone="13800000011")
    member_for(company_a, phone="13800000012")
    Customer.objects.filter(pk=families.customer_id).update(segment="family_children")
    campaign = Campaign.objects.create(
        company=company_a,
        audience="all",
        segment="family_children",
        channel="sms",
        subject="开学季",
        body="亲子阅读会报名",
        created_by=manager_a,
    )
    assert services.campaign_deliver(campaign=campaign) == 1
    assert OutboundMessage.objects.get().recipient == "13800000011"


def test_calling_off_an_event_cancels_every_sign_up_and_tells_each_member_once(company_a, manager_a):
    event = make_event(company_a, capacity=1)
    seated, waiting = member_for(company_a), member_for(company_a)
    services.event_signup(event=event, member=seated, channel="web")
    services.event_signup(event=event, member=waiting, channel="web")

    assert services.event_call_off(event=event, reason="台风预警", by=manager_a) == 2
    event.refresh_from_db()
    assert event.called_off_at is not None and event.confirmed_count == 0
    assert set(EventSignup.objects.values_list("status", flat=True)) == {"cancelled"}
    texts = dict(OutboundMessage.objects.values_list("recipient", "body"))
    assert set(texts) == {seated.customer.phone, waiting.customer.phone}
    assert all("中秋游园会" in body and "台风预警" in body and "取消" in body for body in texts.values())

    with pytest.raises(Conflict):
        services.event_call_off(event=event, reason="再次", by=manager_a)
    with pytest.raises(DomainError, match="取消"):
        services.event_signup(event=event, member=member_for(company_a), channel="web")
    assert OutboundMessage.objects.count() == 2


def test_an_event_that_started_or_has_no_reason_is_not_called_off(company_a, manager_a):
    started = make_event(company_a, starts_in=timedelta(minutes=-5))
    with pytest.raises(DomainError):
        services.event_call_off(event=started, reason="下雨", by=manager_a)
    upcoming = make_event(company_a)
    with pytest.raises(DomainError):
        services.event_call_off(event=upcoming, reason="  ", by=manager_a)
    assert not Event.objects.filter(called_off_at__isnull=False).exists()
