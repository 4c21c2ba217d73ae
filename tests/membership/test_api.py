from datetime import timedelta

import pytest
from django.utils import timezone

from membership.models import Event, Gift, PointEntry
from tests.conftest import api_as
from tests.factories import member_for

pytestmark = pytest.mark.django_db


def test_members_are_scoped_masked_and_paged_by_cursor(staff_a, company_a, company_b):
    mine = member_for(company_a, phone="13812345678", points=10)
    theirs = member_for(company_b)
    client = api_as(staff_a)
    body = client.get("/api/v1/members/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["results"][0]["phone"] == "138****5678" and body["results"][0]["balance"] == 10
    assert "count" not in body
    assert body["results"][0]["benefits"] == ["points", "events"]
    assert client.get(f"/api/v1/members/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/members/{theirs.pk}/ledger/").status_code == 404


def test_ledger_newest_first(staff_a, company_a):
    from membership import services

    member = member_for(company_a, points=100)
    services.points_spend(member=member, points=30, reason="礼品", source="t", idempotency_key="k")
    rows = api_as(staff_a).get(f"/api/v1/members/{member.pk}/ledger/").json()["results"]
    assert [(r["kind"], r["delta"]) for r in rows] == [("spend", -30), ("earn", 100)]
    entries = api_as(staff_a).get(f"/api/v1/point-entries/?member={member.pk}").json()["results"]
    assert len(entries) == 2


def test_ledger_has_no_write_endpoint(staff_a, company_a):
    member = member_for(company_a)
    response = api_as(staff_a).post("/api/v1/point-entries/", {"member": member.pk, "delta": 1000})
    assert response.status_code in {403, 405}
    assert PointEntry.objects.count() == 0


def test_sign_up_twice_is_a_translated_409(staff_a, company_a):
    event = Event.objects.create(
        company=company_a,
        title="亲子运动会",
        kind="sports",
        starts_at=timezone.now() + timedelta(days=2),
        place="体育馆",
        capacity=1,
    )
    member = member_for(company_a)
    client = api_as(staff_a)
    first = client.post(f"/api/v1/club-events/{event.pk}/signup/", {"member": member.pk})
    assert first.status_code == 201 and first.json()["status"] == "confirmed"
    again = client.post(f"/api/v1/club-events/{event.pk}/signup/", {"member": member.pk})
    assert again.status_code == 409 and again.json()["code"] == "already_signed_up"
    assert again.json()["detail"] == "已报名此活动。"
    english = client.post(
        f"/api/v1/club-events/{event.pk}/signup/", {"member": member.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["detail"] == "Already signed up for this event."


def test_redeeming_beyond_the_balance_is_400_and_changes_nothing(staff_a, company_a, company_b):
    member = member_for(company_a, points=100)
    gift = Gift.objects.create(company=company_a, name="电饭煲", points=500, stock=5)
    client = api_as(staff_a)
    response = client.post(f"/api/v1/members/{member.pk}/redeem-gift/", {"gift": gift.pk})
    assert response.status_code == 400 and response.json()["code"] == "not_enough_points"
    gift.refresh_from_db()
    member.refresh_from_db()
    assert (gift.stock, member.balance) == (5, 100)
    other_gift = Gift.objects.create(company=company_b, name="雨伞", points=1, stock=1)
    response = client.post(f"/api/v1/members/{member.pk}/redeem-gift/", {"gift": other_gift.pk})
    assert response.status_code == 400 and "gift" in response.json()
    ok = client.post(f"/api/v1/members/{member.pk}/fee-offset/", {"amount": "0.50"})
    assert ok.status_code == 201 and ok.json()["points"] == 50


def test_auditors_read_but_cannot_redeem(auditor, company_a):
    member = member_for(company_a, points=100)
    client = api_as(auditor)
    assert client.get(f"/api/v1/members/{member.pk}/").status_code == 200
    assert client.post(f"/api/v1/members/{member.pk}/fee-offset/", {"amount": "0.10"}).status_code == 403


def test_calling_off_through_the_api_needs_the_club_manager(staff_a, manager_a, company_a):
    event = Event.objects.create(
        company=company_a,
        title="亲子运动会",
        kind="sports",
        starts_at=timezone.now() + timedelta(days=2),
        place="会所",
        capacity=10,
    )
    url = f"/api/v1/club-events/{event.pk}/call-off/"
    assert api_as(staff_a).post(url, {"reason": "天气"}, format="json").status_code == 403
    assert api_as(manager_a).post(url, {}, format="json").status_code == 400
    done = api_as(manager_a).post(url, {"reason": "天气"}, format="json")
    assert (
        done.status_code == 200
        and done.json()["call_off_reason"] == "天气"
        and done.json()["seats_left"] == 0
    )
    again = api_as(manager_a).post(url, {"reason": "天气"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_called_off"
