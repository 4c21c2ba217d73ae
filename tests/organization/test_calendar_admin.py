"""The admin pages of the working-day calendars (the group centre edits them, through the calendar
service, so the clocks' cache is forgotten) and of the clock's pauses (read-only: audited events)."""

from datetime import date

import pytest
from django.core.cache import cache

from complaints import services
from organization import roles
from organization.models import CalendarDay
from organization.selectors import CALENDAR_CACHE_KEY
from tests.factories import PASSWORD, ComplaintFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def centre(db):
    return UserFactory(username="centre", company=None, role=roles.GROUP_CENTRE, is_staff=True)


def test_the_group_centre_lists_adds_changes_and_removes_calendar_days(client, centre, company_a):
    client = login(client, centre)
    assert client.get("/admin/organization/calendarday/").status_code == 200
    assert client.get("/admin/organization/calendarday/add/").status_code == 200
    cache.set(CALENDAR_CACHE_KEY, "stale")
    response = client.post(
        "/admin/organization/calendarday/add/",
        {"company": company_a.pk, "day": "2027-03-08", "working": "", "name": "公司假日"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(company=company_a, day=date(2027, 3, 8))
    assert (day.working, day.name) == (False, "公司假日")
    assert cache.get(CALENDAR_CACHE_KEY) is None  # the clocks read the new day
    page = client.get(f"/admin/organization/calendarday/{day.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/organization/calendarday/{day.pk}/change/", {"working": "on", "name": "调休上班"}
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.working, day.name) == (True, "调休上班")
    response = client.post(f"/admin/organization/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_managers_cannot_edit_calendars(client, company_a):
    manager = UserFactory(username="boss", company=company_a, role=roles.COMPANY_MANAGER, is_staff=True)
    client = login(client, manager)
    assert client.get("/admin/organization/calendarday/").status_code == 403
    assert client.get("/admin/organization/calendarday/add/").status_code == 403


def test_pauses_are_listed_read_only_within_the_user_s_companies(client, company_a, company_b, staff_a):
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a), status="in_progress")
    pause = services.complaint_pause(complaint=complaint, reason="owner_unavailable", note="出差", by=staff_a)
    other = ComplaintFactory(project=ProjectFactory(company=company_b), status="in_progress")
    services.complaint_pause(
        complaint=other,
        reason="third_party",
        note="等",
        by=UserFactory(company=company_b, role=roles.FRONTLINE_STAFF),
    )
    manager = UserFactory(username="boss", company=company_a, role=roles.COMPANY_MANAGER, is_staff=True)
    client = login(client, manager)
    listing = client.get("/admin/complaints/complaintpause/")
    assert listing.status_code == 200
    assert complaint.number in listing.content.decode() and other.number not in listing.content.decode()
    page = client.get(f"/admin/complaints/complaintpause/{pause.pk}/change/")
    assert page.status_code == 200 and "出差" in page.content.decode()
    assert client.get("/admin/complaints/complaintpause/add/").status_code == 403
    response = client.post(f"/admin/complaints/complaintpause/{pause.pk}/change/", {"note": "改"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/complaints/complaintpause/{pause.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    pause.refresh_from_db()
    assert pause.note == "出差"
