"""What a role may do on the club's pages it may do through the API (issue 16 §1), with the same
service and the same refusals; and a partner system earns points once per idempotency key."""

import json
from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from core.webhook_models import WebhookDelivery
from core.webhooks import services as webhooks
from membership import services
from membership.models import Gift, Member, Merchant, Offer, OfferCode, PointEntry, Referral
from organization import roles
from tests.conftest import api_as
from tests.factories import CustomerFactory, UserFactory, member_for

pytestmark = pytest.mark.django_db

MEMBERS = "/api/v1/members/"
GIFTS = "/api/v1/club-gifts/"
MERCHANTS = "/api/v1/club-merchants/"
OFFERS = "/api/v1/club-offers/"


@pytest.fixture
def manager_b(company_b):
    return UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)


@pytest.fixture
def integrator_b(company_b):
    return UserFactory(username="integrator_b", company=company_b, role=roles.INTEGRATOR)


def earn(user, member, key="pm-2026-0001", **body):
    values = {"points": 120, "reason": "按时缴纳物业费", "idempotency_key": key, **body}
    return api_as(user).post(f"{MEMBERS}{member.pk}/earn/", values, format="json", HTTP_ACCEPT_LANGUAGE="en")


# --- Earning from a partner system ---------------------------------------------------------------


def test_a_partner_system_earns_points_for_a_member(integrator_a, company_a, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    subscription = webhooks.subscription_create(
        user=integrator_a,
        url="http://127.0.0.1:9/hook",
        event_types=["member.points_changed"],
        secret="x" * 20,
    )
    member = member_for(company_a)
    response = earn(integrator_a, member)
    assert response.status_code == 201, response.json()
    entry = PointEntry.objects.get(member=member)
    assert response.json() == {
        "id": entry.pk,
        "member": member.pk,
        "delta": 120,
        "kind": "earn",
        "reason": "按时缴纳物业费",
        "source": f"partner:{integrator_a.pk}",
        "created_at": response.json()["created_at"],
        "expires_at": response.json()["expires_at"],
    }
    assert entry.expires_at is not None and "Idempotent-Replayed" not in response
    member.refresh_from_db()
    assert (member.balance, member.earned_total) == (120, 120)
    (delivery,) = WebhookDelivery.objects.filter(subscription=subscription)
    assert json.loads(delivery.body)["data"]["points_delta"] == 120


def test_the_same_key_twice_answers_the_first_entry_and_writes_nothing(integrator_a, company_a):
    member = member_for(company_a)
    first = earn(integrator_a, member)
    again = earn(integrator_a, member)
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    member.refresh_from_db()
    assert member.balance == 120 and PointEntry.objects.count() == 1


def test_the_key_may_come_in_the_header(integrator_a, company_a):
    member = member_for(company_a)
    client = api_as(integrator_a)
    body = {"points": 50, "reason": "商家消费"}
    first = client.post(f"{MEMBERS}{member.pk}/earn/", body, format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    again = client.post(f"{MEMBERS}{member.pk}/earn/", {**body, "idempotency_key": "m-1"}, format="json")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    differ = client.post(
        f"{MEMBERS}{member.pk}/earn/",
        {**body, "idempotency_key": "m-2"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="m-1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert differ.status_code == 400 and differ.json()["code"] == "idempotency_key_mismatch"
    missing = client.post(f"{MEMBERS}{member.pk}/earn/", body, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    assert PointEntry.objects.count() == 1


@pytest.mark.parametrize(
    "change", [{"points": 121}, {"reason": "另一件事"}, "other member"], ids=["points", "reason", "member"]
)
def test_the_same_key_with_another_body_is_409(integrator_a, company_a, change):
    member = member_for(company_a)
    earn(integrator_a, member)
    if change == "other member":
        response = earn(integrator_a, member_for(company_a))
    else:
        response = earn(integrator_a, member, **change)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This idempotency key was already used for a different request.",
        "code": "idempotency_key_reused",
    }
    assert PointEntry.objects.count() == 1


def test_keys_are_the_companys_own(integrator_a, integrator_b, company_a, company_b):
    """Another company's partner may use the same key; neither meets the club's own keys."""
    assert earn(integrator_a, member_for(company_a), key="purchase:1").status_code == 201
    assert earn(integrator_b, member_for(company_b), key="purchase:1").status_code == 201
    assert PointEntry.objects.count() == 2


def test_invalid_earns_are_translated_400s(integrator_a, company_a):
    member = member_for(company_a)
    assert earn(integrator_a, member, points=0).status_code == 400
    blank = earn(integrator_a, member, reason="   ")
    assert blank.status_code == 400
    bad_key = earn(integrator_a, member, key="键")
    assert bad_key.status_code == 400 and bad_key.json()["code"] == "invalid_idempotency_key"
    assert PointEntry.objects.count() == 0


def test_a_suspended_member_still_earns(integrator_a, company_a):
    member = member_for(company_a)
    services.member_set_status(member=member, status=Member.Status.SUSPENDED)
    assert earn(integrator_a, member).status_code == 201


def test_who_may_credit_a_partners_earn(staff_a, auditor, manager_a, group_user, integrator_b, company_a):
    member = member_for(company_a)
    assert earn(staff_a, member).status_code == 403
    assert earn(auditor, member).status_code == 403
    assert earn(integrator_b, member).status_code == 404  # another company's member
    assert PointEntry.objects.count() == 0
    assert earn(manager_a, member, key="a").status_code == 201
    assert earn(group_user, member, key="b").status_code == 201


# --- Corrections, suspension, referrals ----------------------------------------------------------


def test_a_manager_corrects_points_as_on_the_page(manager_a, staff_a, integrator_a, manager_b, company_a):
    member = member_for(company_a, points=100)
    url = f"{MEMBERS}{member.pk}/correct/"
    for user in (staff_a, integrator_a):
        assert api_as(user).post(url, {"delta": 5, "reason": "补录"}, format="json").status_code == 403
    assert api_as(manager_b).post(url, {"delta": 5, "reason": "补录"}, format="json").status_code == 404
    client = api_as(manager_a)
    response = client.post(url, {"delta": -30, "reason": "重复发放"}, format="json")
    assert response.status_code == 201 and response.json()["kind"] == "correct"
    too_much = client.post(url, {"delta": -71, "reason": "重复发放"}, format="json")
    assert too_much.status_code == 400 and too_much.json()["code"] == "not_enough_points"
    member.refresh_from_db()
    assert member.balance == 70


def test_a_manager_suspends_and_reactivates(manager_a, staff_a, manager_b, company_a):
    member = member_for(company_a)
    url = f"{MEMBERS}{member.pk}/status/"
    assert api_as(staff_a).post(url, {"status": "suspended"}, format="json").status_code == 403
    assert api_as(manager_b).post(url, {"status": "suspended"}, format="json").status_code == 404
    client = api_as(manager_a)
    response = client.post(url, {"status": "suspended"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    again = client.post(url, {"status": "suspended"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "unchanged"
    assert client.post(url, {"status": "frozen"}, format="json").status_code == 400


def test_staff_record_a_referral(staff_a, auditor, staff_b, company_a, company_b):
    member = member_for(company_a)
    prospect = CustomerFactory(company=company_a)
    url = f"{MEMBERS}{member.pk}/referrals/"
    assert api_as(auditor).post(url, {"customer": prospect.pk}, format="json").status_code == 403
    assert api_as(staff_b).post(url, {"customer": prospect.pk}, format="json").status_code == 404
    outsider = CustomerFactory(company=company_b)
    unseen = api_as(staff_a).post(url, {"customer": outsider.pk}, format="json")
    assert unseen.status_code == 400 and "customer" in unseen.json()
    response = api_as(staff_a).post(url, {"customer": prospect.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["referrer"] == member.pk and response.json()["rewarded_at"] is None
    again = api_as(staff_a).post(url, {"customer": prospect.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_referred"
    assert Referral.objects.count() == 1


# --- Offers: claiming and using codes ------------------------------------------------------------


def an_offer(company, **extra) -> Offer:
    merchant = Merchant.objects.create(company=company, name="社区洗衣店")
    values = {"title": "九折", "points": 40, "valid_until": timezone.localdate() + timedelta(days=5)}
    return Offer.objects.create(merchant=merchant, **{**values, **extra})


def test_staff_claim_an_offer_for_a_member_and_the_code_is_used_once(staff_a, staff_b, company_a):
    member = member_for(company_a, points=100)
    offer = an_offer(company_a)
    client = api_as(staff_a)
    url = f"{MEMBERS}{member.pk}/claim-offer/"
    response = client.post(url, {"offer": offer.pk}, format="json")
    assert response.status_code == 201, response.json()
    code = OfferCode.objects.get()
    assert response.json()["code"] == code.code and response.json()["used_at"] is None
    member.refresh_from_db()
    assert member.balance == 60
    again = client.post(url, {"offer": offer.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_claimed"

    other = api_as(staff_b).post(f"{OFFERS}use-code/", {"code": code.code}, format="json")
    assert other.status_code == 400 and other.json()["code"] == "unknown_code"
    used = client.post(f"{OFFERS}use-code/", {"code": code.code.lower()}, format="json")
    assert used.status_code == 200 and used.json()["used_at"] is not None
    twice = client.post(f"{OFFERS}use-code/", {"code": code.code}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "code_used"


def test_claiming_and_using_codes_need_serve_members(auditor, company_a):
    member = member_for(company_a, points=100)
    offer = an_offer(company_a)
    client = api_as(auditor)
    assert (
        client.post(f"{MEMBERS}{member.pk}/claim-offer/", {"offer": offer.pk}, format="json").status_code
        == 403
    )
    assert client.post(f"{OFFERS}use-code/", {"code": "ABCDEFGHJK"}, format="json").status_code == 403


# --- Editing gifts, merchants and offers ---------------------------------------------------------


def test_a_manager_edits_a_gift(manager_a, company_a):
    gift = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=3)
    client = api_as(manager_a)
    response = client.patch(f"{GIFTS}{gift.pk}/", {"points": 450, "active": False}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "id": gift.pk,
        "company": company_a.pk,
        "name": "保温杯",
        "points": 450,
        "stock": 3,
        "active": False,
    }
    invalid = client.patch(f"{GIFTS}{gift.pk}/", {"points": 0}, format="json")
    assert invalid.status_code == 400 and "points" in invalid.json()
    blank = client.patch(f"{GIFTS}{gift.pk}/", {"name": "  "}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert blank.status_code == 400


def test_a_manager_edits_a_merchant_and_its_offer(manager_a, company_a):
    offer = an_offer(company_a)
    client = api_as(manager_a)
    merchant = client.patch(f"{MERCHANTS}{offer.merchant_id}/", {"category": "洗衣"}, format="json")
    assert merchant.status_code == 200 and merchant.json()["category"] == "洗衣"
    until = (timezone.localdate() + timedelta(days=60)).isoformat()
    changed = client.patch(f"{OFFERS}{offer.pk}/", {"valid_until": until, "points": 0}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["valid_until"], changed.json()["points"], changed.json()["title"]) == (
        until,
        0,
        "九折",
    )
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = client.patch(
        f"{OFFERS}{offer.pk}/", {"valid_until": past}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "The offer must be valid until today or later.",
        "code": "valid_until_past",
    }
    ended = client.patch(f"{MERCHANTS}{offer.merchant_id}/", {"active": False}, format="json")
    assert ended.status_code == 200 and ended.json()["active"] is False
    inactive = client.patch(f"{OFFERS}{offer.pk}/", {"title": "八折"}, format="json")
    assert inactive.status_code == 400 and inactive.json()["code"] == "merchant_inactive"
    offer.refresh_from_db()
    assert offer.title == "九折"


def test_edits_need_the_club_manager_of_the_company(staff_a, integrator_a, manager_b, company_a):
    gift = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=3)
    offer = an_offer(company_a)
    targets = [
        (f"{GIFTS}{gift.pk}/", {"name": "伞"}),
        (f"{MERCHANTS}{offer.merchant_id}/", {"name": "花店"}),
        (f"{OFFERS}{offer.pk}/", {"title": "八折"}),
    ]
    for url, body in targets:
        for user in (staff_a, integrator_a):
            assert api_as(user).patch(url, body, format="json").status_code == 403, url
        assert api_as(manager_b).patch(url, body, format="json").status_code == 404, url
    gift.refresh_from_db()
    offer.refresh_from_db()
    assert (gift.name, offer.title, offer.merchant.name) == ("保温杯", "九折", "社区洗衣店")


def test_the_group_centre_edits_any_companys_gift(group_user, company_a):
    gift = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=3)
    response = api_as(group_user).patch(f"{GIFTS}{gift.pk}/", {"name": "大号保温杯"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "大号保温杯"


# --- The schema ----------------------------------------------------------------------------------


def test_the_schema_documents_the_new_operations(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    operations = {
        ("/api/v1/members/{id}/earn/", "post"): ("PartnerEarnInputRequest", "201", "PointEntry"),
        ("/api/v1/members/{id}/correct/", "post"): ("CorrectionInputRequest", "201", "PointEntry"),
        ("/api/v1/members/{id}/status/", "post"): ("MemberStatusInputRequest", "200", "Member"),
        ("/api/v1/members/{id}/referrals/", "post"): ("ReferralInputRequest", "201", "Referral"),
        ("/api/v1/members/{id}/claim-offer/", "post"): ("OfferInputRequest", "201", "OfferCode"),
        ("/api/v1/club-offers/use-code/", "post"): ("CodeInputRequest", "200", "OfferCode"),
        ("/api/v1/club-gifts/{id}/", "patch"): ("PatchedGiftChangeInputRequest", "200", "Gift"),
        ("/api/v1/club-merchants/{id}/", "patch"): ("PatchedMerchantChangeInputRequest", "200", "Merchant"),
        ("/api/v1/club-offers/{id}/", "patch"): ("PatchedOfferChangeInputRequest", "200", "Offer"),
    }
    for (path, method), (request, status, response) in operations.items():
        operation = paths[path][method]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
            f"/{request}"
        ), (path, method)
        body = operation["responses"][status]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith(f"/{response}"), (path, method)
        assert {"400", "403", "404"} <= set(operation["responses"]), (path, method)
    earn_operation = paths["/api/v1/members/{id}/earn/"]["post"]
    assert "409" in earn_operation["responses"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in earn_operation["parameters"])


# --- Member messages (campaigns) -----------------------------------------------------------------

CAMPAIGNS = "/api/v1/club-campaigns/"


def campaign_body(**changes) -> dict:
    return {"audience": "all", "channel": "sms", "subject": "中秋活动", "body": "欢迎参加", **changes}


def test_a_manager_sends_a_member_message(manager_a, staff_a, company_a):
    from core.models import Job
    from membership.models import Campaign

    response = api_as(manager_a).post(CAMPAIGNS, campaign_body(), format="json")
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get()
    assert (response.json()["id"], response.json()["company"], response.json()["queued"]) == (
        campaign.pk,
        company_a.pk,
        None,
    )
    assert Job.objects.filter(kind=Job.Kind.CLUB_CAMPAIGN, params={"campaign": campaign.pk}).exists()
    listed = api_as(staff_a).get(CAMPAIGNS).json()["results"]
    assert [row["id"] for row in listed] == [campaign.pk]


def test_campaigns_need_the_club_manager_and_stay_in_the_company(
    staff_a, integrator_a, manager_b, group_user, company_a
):
    from membership.models import Campaign

    for user in (staff_a, integrator_a):
        assert api_as(user).post(CAMPAIGNS, campaign_body(), format="json").status_code == 403
    other = api_as(manager_b).post(CAMPAIGNS, campaign_body(company=company_a.pk), format="json")
    assert other.status_code == 400 and other.json()["code"] == "own_company_only"
    unnamed = api_as(group_user).post(CAMPAIGNS, campaign_body(), format="json")
    assert unnamed.status_code == 400 and unnamed.json()["code"] == "company_required"
    empty = api_as(group_user).post(CAMPAIGNS, campaign_body(company=company_a.pk, body="  "), format="json")
    assert empty.status_code == 400
    assert not Campaign.objects.exists()
    named = api_as(group_user).post(CAMPAIGNS, campaign_body(company=company_a.pk), format="json")
    assert named.status_code == 201
    assert api_as(manager_b).get(f"{CAMPAIGNS}{named.json()['id']}/").status_code == 404
