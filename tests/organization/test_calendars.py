"""Working-day calendars (issue 19 §1): the State Council's 2026 schedule as the group default, a
company's own days on top, GET/POST /api/v1/calendars/ and the page, each with who may do what."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from organization import roles
from organization.models import CalendarDay
from organization.selectors import working_calendar, working_calendars
from tests.conftest import api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/calendars/"


@pytest.fixture
def centre(group_user):
    return group_user


def test_the_migration_loads_the_2026_schedule_as_the_group_default(company_a):
    calendar = working_calendar(company_a.pk)
    assert not calendar.is_working_day(date(2026, 10, 1))  # 国庆节
    assert not calendar.is_working_day(date(2026, 2, 17))  # 春节
    assert calendar.is_working_day(date(2026, 2, 28))  # 春节调休 Saturday
    assert calendar.is_working_day(date(2026, 9, 20))  # 国庆节调休 Sunday
    assert calendar.is_working_day(date(2026, 12, 4)) and not calendar.is_working_day(date(2026, 12, 5))


def test_calendars_are_read_once_for_many_companies(company_a, company_b, django_assert_num_queries):
    CalendarDay.objects.create(company=company_a, day=date(2026, 12, 4), working=False, name="司庆")
    with django_assert_num_queries(1):
        calendars = working_calendars([company_a.pk, company_b.pk])
    with django_assert_num_queries(0):  # cached until a day is set or removed
        working_calendars([company_a.pk])
    assert not calendars.for_company(company_a.pk).is_working_day(date(2026, 12, 4))
    assert calendars.for_company(company_b.pk).is_working_day(date(2026, 12, 4))
    assert not calendars.for_company(company_b.pk).is_working_day(date(2026, 10, 1))  # the group's


def test_the_group_centre_sets_and_removes_days(centre, company_a):
    client = api_as(centre)
    day = {"company": None, "day": "2027-02-08", "working": False, "name": "春节"}
    response = client.post(URL, day, format="json")
    assert response.status_code == 200, response.json()
    assert (
        client.post(URL, {**day, "name": "春节假期"}, format="json").status_code == 200
    )  # a retry changes it
    assert CalendarDay.objects.get(company=None, day=date(2027, 2, 8)).name == "春节假期"
    own = {"company": company_a.pk, "day": "2027-02-08", "working": True, "name": "公司值班"}
    response = client.post(URL, own, format="json")
    assert response.status_code == 200, response.json()
    assert working_calendar(company_a.pk).is_working_day(date(2027, 2, 8))

    listed = client.get(URL, {"year": 2027}).json()
    group = next(calendar for calendar in listed if calendar["company"] is None)
    assert group["days"] == [{"day": "2027-02-08", "working": False, "name": "春节假期"}]
    mine = next(calendar for calendar in listed if calendar["company"] == company_a.pk)
    assert mine["days"] == [{"day": "2027-02-08", "working": True, "name": "公司值班"}]

    removed = client.post(URL, {"company": company_a.pk, "day": "2027-02-08", "remove": True}, format="json")
    assert removed.status_code == 204
    assert not working_calendar(company_a.pk).is_working_day(date(2027, 2, 8))  # the group's again
    assert client.post(URL, {"company": None, "day": "2027-02-09"}, format="json").status_code == 400


def test_who_may_write_and_what_they_see(company_a, company_b, staff_a, manager_a):
    CalendarDay.objects.create(company=company_b, day=date(2026, 12, 4), working=False, name="B 司庆")
    day = {"company": company_a.pk, "day": "2027-01-04", "working": False}
    assert api_as(manager_a).post(URL, day, format="json").status_code == 403  # not the group centre
    listed = api_as(staff_a).get(URL).json()
    assert [calendar["company"] for calendar in listed] == [None, company_a.pk]  # not company B's
    assert len(listed[0]["days"]) >= 20  # the 2026 schedule
    # A company user granted the permission still writes only their own company's calendar.
    editor = UserFactory(company=company_a, role=roles.COMPANY_MANAGER)
    editor.user_permissions.add(*_calendar_permission())
    editor = type(editor).objects.get(pk=editor.pk)
    other = {"company": company_b.pk, "day": "2027-01-04", "working": False}
    assert api_as(editor).post(URL, other, format="json").status_code == 400  # company B does not exist
    group = {"company": None, "day": "2027-01-04", "working": False}
    response = api_as(editor).post(URL, group, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "group_calendar")


def _calendar_permission():
    return Permission.objects.filter(codename="change_calendarday")


def test_the_page_lists_and_edits_days(client, centre, staff_a):
    url = reverse("calendars")
    client.force_login(centre)
    page = client.get(url, {"year": 2026})
    assert page.status_code == 200
    assert "国庆节调休" in page.content.decode() and 'id="calendar-day-form"' in page.content.decode()
    response = client.post(url, {"company": "", "day": "2027-02-08", "working": "0", "name": "春节"})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(company=None, day=date(2027, 2, 8), working=False).exists()
    assert "春节" in client.get(url, {"year": 2027}).content.decode()
    assert client.post(url, {"company": "", "day": "2027-02-08", "remove": "1"}).status_code == 302
    assert not CalendarDay.objects.filter(day=date(2027, 2, 8)).exists()

    client.force_login(staff_a)
    page = client.get(url)
    assert page.status_code == 200 and 'id="calendar-day-form"' not in page.content.decode()
    assert client.post(url, {"company": "", "day": "2027-02-08", "working": "0"}).status_code == 403


@pytest.mark.parametrize("year", ["20000", "1999", "abc"])
def test_a_year_outside_the_calendars_is_a_400_not_a_crash(group_user, year):
    """?year=20000 crashed the date lookup with a 500 (schemathesis, 20 examples)."""
    response = api_as(group_user).get(f"{URL}?year={year}")
    assert response.status_code == 400
    assert "year" in response.json()


def test_calendars_of_one_year(group_user):
    assert api_as(group_user).get(f"{URL}?year=2026").status_code == 200
