"""The club's pages for managers: planning and changing events, gifts and their stock, partner
merchants and offers — through the same services as the API, with the refusals on the page."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from membership import services
from membership.models import Event, Gift, Merchant, Offer
from organization import roles
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_b(company_b):
    return UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)


def signed_in_as(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def page_text(message: str) -> str:
    """A message as the page shows it (the staff pages are in Chinese)."""
    with translation.override("zh-hans"):
        return gettext(message)


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


def event_form(company, **changes) -> dict:
    starts_at = timezone.localtime(timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "company": company.pk,
        "title": "端午龙舟赛",
        "kind": "sports",
        "starts_at": starts_at,
        "place": "湖边",
        "capacity": 10,
        "points": 20,
    }
    return {**form, **changes}


# --- Events --------------------------------------------------------------------------------------


def test_a_manager_plans_an_event_on_the_page(client, manager_a, company_a):
    response = signed_in_as(client, manager_a).post("/club/events/", event_form(company_a), follow=True)
    event = Event.objects.get()
    assert response.redirect_chain[-1][0] == f"/club/events/{event.pk}/"
    assert "活动已创建" in response.content.decode()
    assert (event.company, event.title, event.capacity, event.points) == (company_a, "端午龙舟赛", 10, 20)


def test_a_plan_in_the_past_is_shown_on_the_form_and_not_saved(client, manager_a, company_a):
    past = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in_as(client, manager_a).post("/club/events/", event_form(company_a, starts_at=past))
    assert response.status_code == 200
    assert "活动时间须在未来。" in response.content.decode()
    assert Event.objects.count() == 0


def test_another_companys_manager_cannot_plan_for_it(client, manager_b, company_a):
    response = signed_in_as(client, manager_b).post("/club/events/", event_form(company_a))
    assert response.status_code == 200  # the company is not among the form's choices
    assert Event.objects.count() == 0


def test_a_manager_changes_an_event_on_its_edit_page(client, manager_a, company_a):
    event = an_event(company_a)
    client = signed_in_as(client, manager_a)
    assert 'id="edit-event"' in client.get(f"/club/events/{event.pk}/").content.decode()
    form = client.get(f"/club/events/{event.pk}/edit/").context["form"]
    assert form.initial["version"] == event.version
    data = {**event_form(company_a, place="社区体育馆"), "version": form.initial["version"]}
    response = client.post(f"/club/events/{event.pk}/edit/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"/club/events/{event.pk}/"
    event.refresh_from_db()
    assert (event.title, event.place) == ("端午龙舟赛", "社区体育馆")


def test_a_change_saved_since_the_form_was_opened_is_kept(client, manager_a, group_user, company_a):
    event = an_event(company_a)
    opened = event.version
    renamed = replace(services.event_plan_of(event), title="国庆游园会")
    services.event_update(event=event, plan=renamed, version=opened, by=group_user)
    data = {**event_form(company_a, title="我的改名"), "version": opened}
    response = signed_in_as(client, manager_a).post(f"/club/events/{event.pk}/edit/", data)
    assert response.status_code == 200
    message = page_text(
        "Someone changed the event after you opened it; reload it and make your change again."
    )
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.title == "国庆游园会"


def test_a_started_event_is_not_changed_on_the_page(client, manager_a, company_a):
    event = an_event(company_a, starts_at=timezone.now() - timedelta(minutes=5))
    client = signed_in_as(client, manager_a)
    assert 'id="edit-event"' not in client.get(f"/club/events/{event.pk}/").content.decode()
    data = {**event_form(company_a, title="改名"), "version": event.version}
    response = client.post(f"/club/events/{event.pk}/edit/", data)
    assert page_text("The event has started; it can no longer be changed.") in response.content.decode()
    event.refresh_from_db()
    assert event.title == "中秋游园会"


def test_others_cannot_change_an_event(client, staff_a, manager_b, company_a):
    event = an_event(company_a)
    data = {**event_form(company_a, title="改名"), "version": event.version}
    assert signed_in_as(client, staff_a).post(f"/club/events/{event.pk}/edit/", data).status_code == 403
    client.logout()
    assert signed_in_as(client, manager_b).post(f"/club/events/{event.pk}/edit/", data).status_code == 404
    event.refresh_from_db()
    assert event.title == "中秋游园会"


# --- Gifts ---------------------------------------------------------------------------------------


def test_a_manager_adds_a_gift_and_changes_its_stock_on_the_page(client, manager_a, company_a):
    client = signed_in_as(client, manager_a)
    added = client.post(
        "/club/gifts/", {"company": company_a.pk, "name": "保温杯", "points": 500, "stock": 2}
    )
    assert added.status_code == 302
    gift = Gift.objects.get()
    assert (gift.company, gift.name, gift.points, gift.stock) == (company_a, "保温杯", 500, 2)
    assert f'action="/club/gifts/{gift.pk}/stock/"' in client.get("/club/gifts/").content.decode()
    client.post(f"/club/gifts/{gift.pk}/stock/", {"delta": "5"})
    gift.refresh_from_db()
    assert gift.stock == 7
    too_many = client.post(f"/club/gifts/{gift.pk}/stock/", {"delta": "-8"}, follow=True)
    message = page_text("Only %(stock)s in stock; %(count)s cannot be taken away.") % {"stock": 7, "count": 8}
    assert message in too_many.content.decode()
    gift.refresh_from_db()
    assert gift.stock == 7


def test_a_gift_without_points_is_refused_on_the_form(client, manager_a, company_a):
    response = signed_in_as(client, manager_a).post(
        "/club/gifts/", {"company": company_a.pk, "name": "保温杯", "points": 0, "stock": 2}
    )
    assert response.status_code == 200 and response.context["form"].errors["points"]
    assert Gift.objects.count() == 0


def test_frontline_staff_cannot_add_gifts_or_change_stock(client, staff_a, company_a):
    gift = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=2)
    client = signed_in_as(client, staff_a)
    assert 'action="/club/gifts/' not in client.get("/club/gifts/").content.decode()
    assert (
        client.post("/club/gifts/", {"company": company_a.pk, "name": "伞", "points": 1}).status_code == 403
    )
    assert client.post(f"/club/gifts/{gift.pk}/stock/", {"delta": "5"}).status_code == 403
    gift.refresh_from_db()
    assert gift.stock == 2 and Gift.objects.count() == 1


def test_another_companys_manager_cannot_change_the_stock(client, manager_b, company_a):
    gift = Gift.objects.create(company=company_a, name="保温杯", points=500, stock=2)
    assert (
        signed_in_as(client, manager_b).post(f"/club/gifts/{gift.pk}/stock/", {"delta": "5"}).status_code
        == 404
    )
    gift.refresh_from_db()
    assert gift.stock == 2


# --- Merchants and offers ------------------------------------------------------------------------


def test_a_manager_adds_a_merchant_and_an_offer_on_the_page(client, manager_a, company_a):
    client = signed_in_as(client, manager_a)
    added = client.post("/club/merchants/add/", {"company": company_a.pk, "name": "社区洗衣店"}, follow=True)
    assert "合作商家已添加" in added.content.decode()
    merchant = Merchant.objects.get()
    assert merchant.company == company_a
    until = timezone.localdate().isoformat()
    client.post(
        "/club/offers/add/", {"merchant": merchant.pk, "title": "九折", "points": 0, "valid_until": until}
    )
    offer = Offer.objects.get()
    assert (offer.merchant, offer.title) == (merchant, "九折")
    assert "九折" in client.get("/club/merchants/").content.decode()


def test_an_offer_in_the_past_is_refused_on_the_page(client, manager_a, company_a):
    merchant = Merchant.objects.create(company=company_a, name="社区洗衣店")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = signed_in_as(client, manager_a).post(
        "/club/offers/add/",
        {"merchant": merchant.pk, "title": "九折", "points": 0, "valid_until": yesterday},
        follow=True,
    )
    assert page_text("The offer must be valid until today or later.") in response.content.decode()
    assert Offer.objects.count() == 0


def test_frontline_staff_and_other_companies_cannot_add_merchants_or_offers(
    client, staff_a, manager_b, company_a
):
    merchant = Merchant.objects.create(company=company_a, name="社区洗衣店")
    offer = {
        "merchant": merchant.pk,
        "title": "九折",
        "points": 0,
        "valid_until": timezone.localdate().isoformat(),
    }
    client = signed_in_as(client, staff_a)
    assert client.post("/club/merchants/add/", {"company": company_a.pk, "name": "花店"}).status_code == 403
    assert client.post("/club/offers/add/", offer).status_code == 403
    client.logout()
    client = signed_in_as(client, manager_b)
    client.post("/club/merchants/add/", {"company": company_a.pk, "name": "花店"})
    client.post("/club/offers/add/", offer)  # the merchant is not among the form's choices
    assert (Merchant.objects.count(), Offer.objects.count()) == (1, 0)
