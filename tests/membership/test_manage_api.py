"""The API does what the club's pages do for managers: plan and change events, add gifts and change
their stock, add partner merchants and offers — with the same roles and the same refusals."""

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from membership.models import Event, Gift, Merchant, Offer
from organization import roles
from tests.conftest import api_as
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/club-events/"
GIFTS = "/api/v1/club-gifts/"
MERCHANTS = "/api/v1/club-merchants/"
OFFERS = "/api/v1/club-offers/"


@pytest.fixture
def manager_b(company_b):
    return UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)


def event_body(**changes) -> dict:
    starts_at = timezone.localtime(timezone.now() + timedelta(days=3)).replace(microsecond=0)
    body = {
        "title": "中秋游园会",
        "kind": "festival",
        "starts_at": starts_at.isoformat(),
        "place": "会所广场",
        "capacity": 30,
        "points": 20,
    }
    return {**body, **changes}


def an_event(company, **extra) -> Event:
    values = {
        "company": company,
        "title": "中秋游园会",
        "kind": "festival",
        "starts_at": timezone.now() + timedelta(days=3),
        "place": "会所广场",
        "capacity": 30,
    }
    return Event.objects.create(**{**values, **extra})


# --- Events --------------------------------------------------------------------------------------


def test_a_manager_plans_an_event_of_their_company(manager_a, company_a):
    project = ProjectFactory(company=company_a)
    response = api_as(manager_a).post(EVENTS, event_body(project=project.pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    event = Event.objects.get()
    assert (body["id"], body["company"], body["project"], body["seats_left"]) == (
        event.pk,
        company_a.pk,
        project.pk,
        30,
    )
    assert body["version"] == event.version


def test_the_group_centre_names_the_company(group_user, company_a):
    client = api_as(group_user)
    unnamed = client.post(EVENTS, event_body(), format="json")
    assert unnamed.status_code == 400
    assert unnamed.json() == {
        "detail": "集团级调用方必须指明所属公司（company）。",
        "code": "company_required",
    }
    named = client.post(EVENTS, event_body(company=company_a.pk), format="json")
    assert named.status_code == 201 and Event.objects.get().company == company_a


@pytest.mark.parametrize("role", [roles.FRONTLINE_STAFF, roles.INTEGRATOR, roles.AUDITOR])
def test_planning_needs_the_club_manager(role, company_a):
    user = UserFactory(company=None if role == roles.AUDITOR else company_a, role=role)
    response = api_as(user).post(EVENTS, event_body(), format="json")
    assert response.status_code == 403
    assert Event.objects.count() == 0


def test_another_companys_manager_cannot_plan_for_it(manager_b, company_a):
    response = api_as(manager_b).post(EVENTS, event_body(company=company_a.pk), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "只能为本公司记录。", "code": "own_company_only"}
    assert Event.objects.count() == 0


def test_invalid_plans_are_a_translated_400(manager_a, company_b):
    client = api_as(manager_a)
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).isoformat()
    response = client.post(EVENTS, event_body(starts_at=past), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "活动时间须在未来。", "code": "starts_in_past"}
    project_b = ProjectFactory(company=company_b)
    response = client.post(EVENTS, event_body(project=project_b.pk), format="json")
    assert response.status_code == 400 and "project" in response.json()  # not visible: "does not exist"
    response = client.post(EVENTS, event_body(capacity=0, kind="picnic"), format="json")
    assert response.status_code == 400 and set(response.json()) == {"capacity", "kind"}
    assert Event.objects.count() == 0


def test_a_manager_changes_an_event_with_the_version_read(manager_a, company_a):
    event = an_event(company_a)
    client = api_as(manager_a)
    read = client.get(f"{EVENTS}{event.pk}/").json()
    response = client.patch(
        f"{EVENTS}{event.pk}/", {"place": "社区体育馆", "version": read["version"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["place"] == "社区体育馆" and response.json()["title"] == "中秋游园会"
    assert response.json()["version"] != read["version"]
    event.refresh_from_db()
    assert event.place == "社区体育馆"


def test_a_change_on_an_old_version_is_409_and_changes_nothing(manager_a, group_user, company_a):
    event = an_event(company_a)
    version = api_as(manager_a).get(f"{EVENTS}{event.pk}/").json()["version"]
    first = api_as(group_user).patch(
        f"{EVENTS}{event.pk}/", {"capacity": 40, "version": version}, format="json"
    )
    assert first.status_code == 200
    second = api_as(manager_a).patch(
        f"{EVENTS}{event.pk}/", {"capacity": 20, "version": version}, format="json"
    )
    assert second.status_code == 409 and second.json()["code"] == "stale_version"
    event.refresh_from_db()
    assert event.capacity == 40


def test_a_change_without_the_version_is_a_translated_400(manager_a, company_a):
    event = an_event(company_a)
    response = api_as(manager_a).patch(f"{EVENTS}{event.pk}/", {"place": "别处"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": ["请提交读取时的 version，以便发现并发修改。"]}
    event.refresh_from_db()
    assert event.place == "会所广场"


def test_a_started_event_is_not_changed(manager_a, company_a):
    event = an_event(company_a, starts_at=timezone.now() - timedelta(minutes=5))
    version = event.version
    response = api_as(manager_a).patch(
        f"{EVENTS}{event.pk}/",
        {"title": "改名", "version": version},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The event has started; it can no longer be changed.",
        "code": "event_started",
    }
    event.refresh_from_db()
    assert event.title == "中秋游园会"


def test_changing_others_events_is_403_or_404(staff_a, manager_b, company_a):
    event = an_event(company_a)
    body = {"title": "改名", "version": event.version}
    assert api_as(staff_a).patch(f"{EVENTS}{event.pk}/", body, format="json").status_code == 403
    assert api_as(manager_b).patch(f"{EVENTS}{event.pk}/", body, format="json").status_code == 404
    event.refresh_from_db()
    assert event.title == "中秋游园会"


# --- Gifts ---------------------------------------------------------------------------------------


def test_a_manager_adds_a_gift_and_changes_its_stock(manager_a, company_a):
    client = api_as(manager_a)
    response = client.post(GIFTS, {"name": "保温杯", "points": 500, "stock": 2}, format="json")
    assert response.status_code == 201, response.json()
    gift = Gift.objects.get()
    assert response.json() == {
        "id": gift.pk,
        "company": company_a.pk,
        "name": "保温杯",
        "points": 500,
        "stock": 2,
        "active": True,
    }
    delivery = client.post(f"{GIFTS}{gift.pk}/stock/", {"delta": 10}, format="json")
    assert delivery.status_code == 200 and delivery.json()["stock"] == 12
    write_off = client.post(f"{GIFTS}{gift.pk}/stock/", {"delta": -13}, format="json")
    assert write_off.status_code == 409 and write_off.json()["code"] == "not_enough_stock"
    gift.refresh_from_db()
    assert gift.stock == 12


def test_gifts_are_read_by_club_staff_and_integrators_of_the_company(
    staff_a, integrator_a, company_a, company_b
):
    mine = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=1)
    Gift.objects.create(company=company_b, name="雨伞", points=100, stock=1)
    for user in (staff_a, integrator_a):
        response = api_as(user).get(GIFTS)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_gifts_and_their_stock_need_the_club_manager(staff_a, integrator_a, manager_b, company_a):
    gift = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=1)
    for user in (staff_a, integrator_a):
        client = api_as(user)
        assert client.post(GIFTS, {"name": "伞", "points": 1}, format="json").status_code == 403
        assert client.post(f"{GIFTS}{gift.pk}/stock/", {"delta": 5}, format="json").status_code == 403
    assert api_as(manager_b).post(f"{GIFTS}{gift.pk}/stock/", {"delta": 5}, format="json").status_code == 404
    refused = api_as(manager_b).post(
        GIFTS, {"company": company_a.pk, "name": "伞", "points": 1}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "own_company_only"
    gift.refresh_from_db()
    assert gift.stock == 1 and Gift.objects.count() == 1


def test_invalid_gifts_and_stock_changes_are_400(manager_a, company_a):
    client = api_as(manager_a)
    response = client.post(GIFTS, {"name": "伞", "points": 0}, format="json")
    assert response.status_code == 400 and "points" in response.json()
    gift = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=1)
    zero = client.post(f"{GIFTS}{gift.pk}/stock/", {"delta": 0}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert zero.status_code == 400
    assert zero.json() == {"detail": "Enter how many to add (+) or take away (−).", "code": "invalid_delta"}
    assert Gift.objects.count() == 1


# --- Merchants and offers ------------------------------------------------------------------------


def test_a_manager_adds_a_merchant_and_its_offer(manager_a, company_a):
    client = api_as(manager_a)
    response = client.post(MERCHANTS, {"name": "社区洗衣店", "category": "洗衣"}, format="json")
    assert response.status_code == 201, response.json()
    merchant = Merchant.objects.get()
    assert response.json() == {
        "id": merchant.pk,
        "company": company_a.pk,
        "name": "社区洗衣店",
        "category": "洗衣",
        "active": True,
    }
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        OFFERS, {"merchant": merchant.pk, "title": "九折", "valid_until": until}, format="json"
    )
    assert response.status_code == 201, response.json()
    offer = Offer.objects.get()
    assert response.json() == {
        "id": offer.pk,
        "merchant": merchant.pk,
        "title": "九折",
        "points": 0,
        "valid_until": until,
    }
    listed = client.get(f"{OFFERS}?merchant={merchant.pk}").json()["results"]
    assert [row["id"] for row in listed] == [offer.pk]


def test_merchants_and_offers_need_the_club_manager_of_the_company(
    staff_a, integrator_a, manager_b, company_a
):
    merchant = Merchant.objects.create(company=company_a, name="社区洗衣店")
    until = timezone.localdate().isoformat()
    for user in (staff_a, integrator_a):
        client = api_as(user)
        assert client.post(MERCHANTS, {"name": "花店"}, format="json").status_code == 403
        offer = {"merchant": merchant.pk, "title": "九折", "valid_until": until}
        assert client.post(OFFERS, offer, format="json").status_code == 403
    client = api_as(manager_b)
    refused = client.post(MERCHANTS, {"company": company_a.pk, "name": "花店"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "own_company_only"
    unseen = client.post(
        OFFERS, {"merchant": merchant.pk, "title": "九折", "valid_until": until}, format="json"
    )
    assert unseen.status_code == 400 and "merchant" in unseen.json()
    assert client.get(f"{MERCHANTS}{merchant.pk}/").status_code == 404
    assert (Merchant.objects.count(), Offer.objects.count()) == (1, 0)


def test_offers_of_an_inactive_merchant_or_in_the_past_are_translated_400s(manager_a, company_a):
    merchant = Merchant.objects.create(company=company_a, name="社区洗衣店")
    client = api_as(manager_a)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    past = client.post(
        OFFERS,
        {"merchant": merchant.pk, "title": "九折", "valid_until": yesterday},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert past.status_code == 400
    assert past.json() == {
        "detail": "The offer must be valid until today or later.",
        "code": "valid_until_past",
    }
    Merchant.objects.filter(pk=merchant.pk).update(active=False)
    today = timezone.localdate().isoformat()
    inactive = client.post(
        OFFERS, {"merchant": merchant.pk, "title": "九折", "valid_until": today}, format="json"
    )
    assert inactive.status_code == 400 and inactive.json()["code"] == "merchant_inactive"
    assert Offer.objects.count() == 0


# --- The schema ----------------------------------------------------------------------------------


def test_the_schema_documents_the_bodies_of_the_managers_operations(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    operations = {
        ("/api/v1/club-events/", "post"): ("EventRequest", "201", "Event"),
        ("/api/v1/club-events/{id}/", "patch"): ("PatchedEventRequest", "200", "Event"),
        ("/api/v1/club-gifts/", "post"): ("GiftCreateInputRequest", "201", "Gift"),
        ("/api/v1/club-gifts/{id}/stock/", "post"): ("GiftStockInputRequest", "200", "Gift"),
        ("/api/v1/club-merchants/", "post"): ("MerchantCreateInputRequest", "201", "Merchant"),
        ("/api/v1/club-offers/", "post"): ("OfferCreateInputRequest", "201", "Offer"),
    }
    for (path, method), (request, status, response) in operations.items():
        operation = paths[path][method]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
            f"/{request}"
        )
        body = operation["responses"][status]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith(f"/{response}"), (path, method)
        assert "400" in operation["responses"]
    assert "409" in paths["/api/v1/club-events/{id}/"]["patch"]["responses"]
    assert "409" in paths["/api/v1/club-gifts/{id}/stock/"]["post"]["responses"]
