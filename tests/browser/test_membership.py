"""A member signs up for a community event and redeems a gift on their private page; staff see it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from membership.models import Event, EventSignup, Gift, Member, PointEntry
from organization import roles
from tests.factories import PASSWORD, CompanyFactory, UserFactory, member_for

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_signs_up_for_an_event_and_redeems_a_gift(browser, page, phone_page, live_server):
    company = CompanyFactory(name="深圳万科", city="深圳")
    UserFactory(username="staff_sz", name="陈晓丽", company=company, role=roles.FRONTLINE_STAFF)
    member = member_for(company, name="王芳", points=800)
    event = Event.objects.create(
        company=company,
        title="中秋亲子游园会",
        kind="family",
        starts_at=timezone.now() + timedelta(days=7),
        place="四季花城会所",
        capacity=1,
        points=30,
    )
    Gift.objects.create(company=company, name="保温杯", points=500, stock=1)

    owner = phone_page
    owner.goto(f"{live_server.url}/m/{member.token}/")
    assert owner.inner_text("#balance") == "800"
    owner.click(f"#events tr[data-event='{event.pk}'] button[type=submit]")
    assert "您已成功报名 中秋亲子游园会" in owner.inner_text("main")
    assert owner.inner_text(f"#events tr[data-event='{event.pk}'] .signup-status") == "已确认"
    assert owner.locator(f"#events tr[data-event='{event.pk}'] form[action$='/signup/']").count() == 0

    owner.click("#gifts button[type=submit]")
    assert "已兑换：保温杯" in owner.inner_text("main")
    assert owner.inner_text("#balance") == "300"
    assert "已兑完" in owner.inner_text("#gifts")
    assert "兑换礼品：保温杯" in owner.inner_text("#history")

    forged = owner.goto(f"{live_server.url}/m/{member.token[:-2]}xx/")
    assert forged.status == 404
    assert "会员链接无效" in owner.inner_text("main")

    sign_in(page, live_server, "staff_sz", PASSWORD)
    page.click("nav a[href='/club/']")
    page.click(f"#member-table >> text={member.number}")
    assert page.inner_text("#member-balance") == "300"
    assert "兑换礼品：保温杯" in page.inner_text("#ledger-table")
    page.click("#club-nav a[href='/club/events/']")
    page.click("#event-table >> text=中秋亲子游园会")
    assert "王芳" in page.inner_text("#confirmed-table")

    member.refresh_from_db()
    assert member.balance == 300
    assert EventSignup.objects.get(event=event, member=member).status == "confirmed"
    assert PointEntry.objects.filter(member=member, kind="spend").count() == 1
    assert Member.objects.count() == 1
