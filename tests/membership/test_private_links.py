"""A member's private link (/m/<token>/) is a bearer secret: only staff who hand it to the member see
it, and a staff session on the member's page acts as that staff user, never as the member."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import AccessLog
from membership.models import EventSignup, Gift, Merchant, Offer, OfferCode, Redemption
from tests.conftest import api_as
from tests.factories import PASSWORD, member_for

from .test_views import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(company_a):
    return member_for(company_a, points=500)


def test_staff_who_hand_out_links_see_the_member_link(client, staff_a, member):
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(f"/club/members/{member.pk}/").content.decode()
    assert f"/m/{member.token}/" in page


def test_auditors_never_see_the_member_link(client, auditor, member):
    client.login(username=auditor.username, password=PASSWORD)
    response = client.get(f"/club/members/{member.pk}/")
    assert response.status_code == 200
    assert member.token not in response.content.decode()


def test_integrators_never_get_the_member_link(integrator_a, member):
    api = api_as(integrator_a)
    for url in (f"/api/v1/members/{member.pk}/", "/api/v1/members/"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert member.token not in response.content.decode()


def test_a_member_acting_on_their_page_is_the_member(client, company_a, member):
    event = make_event(company_a)
    gift = Gift.objects.create(company=company_a, name="保温杯", points=100, stock=5)
    client.post(f"/m/{member.token}/events/{event.pk}/signup/")
    client.post(f"/m/{member.token}/gifts/{gift.pk}/redeem/")
    signup = EventSignup.objects.get(member=member)
    assert (signup.channel, signup.by) == ("web", None)
    assert Redemption.objects.get(member=member).by is None
    assert not AccessLog.objects.exists()


def test_a_staff_session_on_the_member_page_acts_as_that_staff_user(client, company_a, staff_a, member):
    event = make_event(company_a)
    gift = Gift.objects.create(company=company_a, name="保温杯", points=100, stock=5)
    offer = Offer.objects.create(
        merchant=Merchant.objects.create(company=company_a, name="咖啡店"),
        title="咖啡买一送一",
        points=0,
        valid_until=timezone.localdate() + timedelta(days=10),
    )
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(f"/m/{member.token}/")
    assert page.status_code == 200
    assert "以员工身份" in page.content.decode()  # the page says whose actions these are
    log = AccessLog.objects.get()
    assert (log.user, log.customer, log.action, log.full_data) == (staff_a, member.customer, "view", False)

    client.post(f"/m/{member.token}/events/{event.pk}/signup/")
    signup = EventSignup.objects.get(member=member)
    assert (signup.channel, signup.by) == ("staff", staff_a)
    client.post(f"/m/{member.token}/events/{event.pk}/cancel/")
    signup.refresh_from_db()
    assert (signup.status, signup.cancelled_by) == ("cancelled", staff_a)
    client.post(f"/m/{member.token}/gifts/{gift.pk}/redeem/")
    assert Redemption.objects.get(member=member).by == staff_a
    client.post(f"/m/{member.token}/offers/{offer.pk}/claim/")
    assert OfferCode.objects.get(member=member).claimed_by == staff_a


def test_staff_without_the_right_to_serve_members_cannot_act_on_a_member_page(
    client, company_a, auditor, staff_b, member
):
    gift = Gift.objects.create(company=company_a, name="保温杯", points=100, stock=5)
    for user in (auditor, staff_b):  # read-only, and another company's staff
        client.login(username=user.username, password=PASSWORD)
        response = client.post(f"/m/{member.token}/gifts/{gift.pk}/redeem/")
        assert response.status_code == 403, user
        client.logout()
    assert not Redemption.objects.exists()
    member.refresh_from_db()
    assert member.balance == 500
