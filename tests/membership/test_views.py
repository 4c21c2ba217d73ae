from datetime import timedelta

import pytest
from django.utils import timezone

from membership.models import Event, EventSignup, Gift, Merchant, Offer, PointEntry
from tests.factories import PASSWORD, member_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    return client


def make_event(company, **extra):
    values = {
        "company": company,
        "title": "端午龙舟赛",
        "kind": "sports",
        "starts_at": timezone.now() + timedelta(days=5),
        "place": "湖边",
        "capacity": 1,
        "points": 20,
    }
    return Event.objects.create(**{**values, **extra})


def test_staff_pages_render_and_mask_phones(signed_in, company_a):
    member = member_for(company_a, phone="13812345678", points=300)
    event = make_event(company_a)
    for url in (
        "/club/",
        f"/club/members/{member.pk}/",
        "/club/events/",
        f"/club/events/{event.pk}/",
        "/club/gifts/",
        "/club/merchants/",
        "/club/campaigns/",
    ):
        response = signed_in.get(url)
        assert response.status_code == 200, url
    page = signed_in.get("/club/?q=5678").content.decode()
    assert "138****5678" in page and "13812345678" not in page


def test_member_list_costs_the_same_queries_for_5_or_50_members(
    signed_in, company_a, django_assert_max_num_queries
):
    for _ in range(5):
        member_for(company_a)
    with django_assert_max_num_queries(8) as five:
        signed_in.get("/club/")
    for _ in range(45):
        member_for(company_a)
    with django_assert_max_num_queries(len(five.captured_queries)):
        assert signed_in.get("/club/").status_code == 200


def test_other_companies_members_and_events_are_404(signed_in, company_b):
    member = member_for(company_b)
    event = make_event(company_b)
    assert signed_in.get(f"/club/members/{member.pk}/").status_code == 404
    assert signed_in.get(f"/club/events/{event.pk}/").status_code == 404
    assert signed_in.post(f"/club/members/{member.pk}/fee-offset/", {"amount": "1"}).status_code == 404


def test_staff_sign_up_waiting_list_and_attendance(signed_in, company_a):
    first, second = member_for(company_a), member_for(company_a)
    event = make_event(company_a)
    signed_in.post(f"/club/events/{event.pk}/signup/", {"number": first.number})
    signed_in.post(f"/club/events/{event.pk}/signup/", {"number": second.number.lower()})
    again = signed_in.post(f"/club/events/{event.pk}/signup/", {"number": first.number}, follow=True)
    assert "已报名此活动" in again.content.decode()
    statuses = dict(EventSignup.objects.values_list("member_id", "status"))
    assert statuses == {first.pk: "confirmed", second.pk: "waiting"}
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    signup = EventSignup.objects.get(member=first)
    signed_in.post(f"/club/events/{event.pk}/signups/{signup.pk}/attended/")
    first.refresh_from_db()
    assert first.balance == 20


def test_spending_more_than_the_balance_shows_a_translated_error(signed_in, company_a):
    member = member_for(company_a, points=100)
    response = signed_in.post(f"/club/members/{member.pk}/fee-offset/", {"amount": "5"}, follow=True)
    assert "积分不足" in response.content.decode()
    member.refresh_from_db()
    assert member.balance == 100 and PointEntry.objects.filter(kind="spend").count() == 0


def test_staff_accept_a_code_once(signed_in, company_a):
    from membership import services

    member = member_for(company_a)
    merchant = Merchant.objects.create(company=company_a, name="社区洗衣店")
    offer = Offer.objects.create(merchant=merchant, title="九折", valid_until=timezone.localdate())
    code = services.offer_claim(member=member, offer=offer)
    signed_in.post("/club/codes/use/", {"code": code.code})
    again = signed_in.post("/club/codes/use/", {"code": code.code}, follow=True)
    assert "已使用" in again.content.decode()
    usage = signed_in.get("/club/merchants/").content.decode()
    assert "社区洗衣店" in usage


def test_frontline_staff_cannot_plan_events(signed_in, company_a):
    response = signed_in.post("/club/events/", {"company": company_a.pk, "title": "x"})
    assert response.status_code == 403
    assert Event.objects.count() == 0


def test_the_private_member_page(client, company_a):
    member = member_for(company_a, points=500)
    event = make_event(company_a, capacity=5)
    gift = Gift.objects.create(company=company_a, name="收纳箱", points=200, stock=1)
    page = client.get(f"/m/{member.token}/")
    assert page.status_code == 200 and "500" in page.content.decode()
    client.post(f"/m/{member.token}/events/{event.pk}/signup/")
    twice = client.post(f"/m/{member.token}/events/{event.pk}/signup/", follow=True)
    assert "已报名此活动" in twice.content.decode()
    client.post(f"/m/{member.token}/gifts/{gift.pk}/redeem/")
    member.refresh_from_db()
    assert member.balance == 300
    sold_out = client.post(f"/m/{member.token}/gifts/{gift.pk}/redeem/", follow=True)
    assert "库存不足" in sold_out.content.decode() or "缺货" in sold_out.content.decode()
    member.refresh_from_db()
    assert member.balance == 300


def test_a_forged_member_link_is_a_translated_404(client, company_a):
    member = member_for(company_a)
    response = client.get(f"/m/{member.token[:-1]}x/")
    assert response.status_code == 404
    assert "会员链接无效" in response.content.decode()
    assert client.get(f"/m/{member.pk}/").status_code == 404
    assert client.post("/m/forged/gifts/1/redeem/").status_code == 404


def test_a_manager_suspends_a_membership_and_spending_stops(client, manager_a, company_a):
    member = member_for(company_a, points=500)
    client.login(username=manager_a.username, password=PASSWORD)
    client.post(f"/club/members/{member.pk}/status/", {"status": "suspended"})
    member.refresh_from_db()
    assert member.status == "suspended"
    refused = client.post(f"/club/members/{member.pk}/fee-offset/", {"amount": "1"}, follow=True)
    assert "该会员资格已暂停" in refused.content.decode()
    again = client.post(f"/club/members/{member.pk}/status/", {"status": "suspended"}, follow=True)
    assert "会员资格已是此状态" in again.content.decode()
    client.post(f"/club/members/{member.pk}/status/", {"status": "active"})
    client.post(f"/club/members/{member.pk}/fee-offset/", {"amount": "1"})
    member.refresh_from_db()
    assert (member.status, member.balance) == ("active", 400)


def test_frontline_staff_cannot_suspend(signed_in, company_a):
    member = member_for(company_a)
    assert signed_in.post(f"/club/members/{member.pk}/status/", {"status": "suspended"}).status_code == 403


def test_the_customer_file_links_to_the_membership(signed_in, company_a):
    member = member_for(company_a)
    page = signed_in.get(f"/customers/{member.customer_id}/").content.decode()
    assert f"/club/members/{member.pk}/" in page and member.number in page


def test_a_manager_sends_a_message_to_a_segment_from_the_page(
    client, manager_a, company_a, eager_celery, django_capture_on_commit_callbacks
):
    from core.models import OutboundMessage
    from customers.models import Customer
    from membership.models import Campaign

    target = member_for(company_a, phone="13800000021")
    member_for(company_a, phone="13800000022")
    Customer.objects.filter(pk=target.customer_id).update(segment="health_elderly")
    client.login(username=manager_a.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/club/campaigns/",
            {
                "company": company_a.pk,
                "audience": "all",
                "segment": "health_elderly",
                "channel": "sms",
                "subject": "健康讲座",
                "body": "本周六社区健康讲座，欢迎报名。",
            },
        )
    assert response.status_code == 302
    assert Campaign.objects.get().queued == 1
    assert list(OutboundMessage.objects.values_list("recipient", flat=True)) == ["13800000021"]


def test_a_manager_calls_an_event_off_from_its_page(client, manager_a, signed_in, company_a):
    event = make_event(company_a)
    assert signed_in.post(f"/club/events/{event.pk}/call-off/", {"reason": "场地维修"}).status_code == 403
    client.logout()
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.post(
        f"/club/events/{event.pk}/call-off/", {"reason": "场地维修"}, follow=True
    ).content.decode()
    assert 'id="called-off"' in page and "场地维修" in page
    event.refresh_from_db()
    assert event.called_off_at is not None
    assert "已取消" in client.get("/club/events/").content.decode()
