"""Complaints in the global search (complaints/search.py): how a typed number is read (table), and
the provider through /search/: scoping, permission, the complaints of a home."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from complaints.search import NumberQuery, read_number, recent_months
from tests.factories import ComplaintFactory, ProjectFactory, UnitFactory, UserFactory

TODAY = date(2026, 12, 4)
LAST_YEAR = tuple(f"TS{month}-000123" for month in recent_months(TODAY))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TS202612-000123", NumberQuery(exact=("TS202612-000123",))),
        ("ts202612-000123", NumberQuery(exact=("TS202612-000123",))),
        (" TS202612 - 000123 ", NumberQuery(exact=("TS202612-000123",))),
        ("ＴＳ２０２６１２－０００１２３", NumberQuery(exact=("TS202612-000123",))),  # full-width
        ("202612-000123", NumberQuery(exact=("TS202612-000123",))),
        # zeros left out: that complaint, and the numbers it may still become while typing
        ("202612-123", NumberQuery(exact=("TS202612-000123",), prefix="TS202612-123")),
        ("TS202612-0001", NumberQuery(exact=("TS202612-000001",), prefix="TS202612-0001")),
        # the start of a number
        ("TS2026", NumberQuery(prefix="TS2026")),
        ("TS202612", NumberQuery(prefix="TS202612")),
        ("TS202612-", NumberQuery(prefix="TS202612-")),
        ("202612-", NumberQuery(prefix="TS202612-")),
        # the sequence alone: that number in each of the last twelve months
        ("000123", NumberQuery(exact=LAST_YEAR)),
        ("123", NumberQuery(exact=LAST_YEAR)),
        # not numbers
        ("TS", None),
        ("12", None),  # too few digits to mean one complaint
        ("000", None),
        ("1234567", None),  # seven digits and more: a phone, not a sequence
        ("13812345678", None),
        ("TS202612-0001234", None),
        ("张伟", None),
        ("3栋1502", None),
    ],
)
def test_read_number(text, expected):
    assert read_number(text, TODAY) == expected


def test_recent_months_cross_the_year():
    assert recent_months(date(2026, 2, 28), 4) == ["202602", "202601", "202512", "202511"]
    assert len(recent_months(TODAY)) == 12 and recent_months(TODAY)[-1] == "202601"


def complaint_groups(client, user, query):
    client.force_login(user)
    data = client.get(reverse("search"), {"q": query, "format": "json"}).json()
    return [group for group in data["groups"] if group["key"] == "complaints"]


def labels(groups):
    return [row["label"] for group in groups for row in group["rows"]]


@pytest.fixture
def numbered(company_a, company_b):
    this_month = recent_months(timezone.localdate())[0]
    project_a = ProjectFactory(company=company_a, name="四季花城")
    project_b = ProjectFactory(company=company_b, name="城市花园")
    return {
        "a": ComplaintFactory(project=project_a, number=f"TS{this_month}-000123"),
        "a_older": ComplaintFactory(project=project_a, number="TS202001-000123"),
        "b": ComplaintFactory(project=project_b, number=f"TS{this_month}-000124"),
        "month": this_month,
    }


@pytest.mark.django_db
def test_by_number_only_what_the_user_sees(client, staff_a, staff_b, group_user, numbered):
    month = numbered["month"]
    assert labels(complaint_groups(client, staff_a, f"TS{month}-000123")) == [f"TS{month}-000123"]
    assert labels(complaint_groups(client, staff_a, f"{month}-123")) == [f"TS{month}-000123"]
    assert complaint_groups(client, staff_b, f"TS{month}-000123") == []
    assert labels(complaint_groups(client, staff_a, f"TS{month}-00012")) == [f"TS{month}-000123"]
    assert labels(complaint_groups(client, group_user, f"TS{month}-00012")) == [
        f"TS{month}-000124",
        f"TS{month}-000123",
    ]
    # the sequence alone finds this year's, not the 2020 one (type the whole number for that)
    assert labels(complaint_groups(client, staff_a, "123")) == [f"TS{month}-000123"]
    assert labels(complaint_groups(client, staff_a, "TS202001-000123")) == ["TS202001-000123"]
    row = complaint_groups(client, staff_a, f"TS{month}-000123")[0]["rows"][0]
    assert row["url"] == reverse("complaint-detail", args=[numbered["a"].pk])


@pytest.mark.django_db
def test_prefix_shows_at_most_eight_newest_first(client, company_a, staff_a):
    project = ProjectFactory(company=company_a)
    for sequence in range(1, 11):
        ComplaintFactory(project=project, number=f"TS202611-{sequence:06d}")
    found = labels(complaint_groups(client, staff_a, "TS202611"))
    assert found == [f"TS202611-{sequence:06d}" for sequence in range(10, 2, -1)]


@pytest.mark.django_db
def test_the_complaints_of_a_home(client, company_a, company_b, staff_a, staff_b):
    home_a = UnitFactory(building__project__company=company_a, building__name="3号楼", number="1502")
    home_b = UnitFactory(building__project__company=company_b, building__name="3栋", number="1502")
    other = UnitFactory(building=home_a.building, number="1501")
    ComplaintFactory(project=home_a.building.project, unit=home_a, number="TS202611-000001")
    ComplaintFactory(project=home_a.building.project, unit=other, number="TS202611-000002")
    ComplaintFactory(project=home_b.building.project, unit=home_b, number="TS202611-000003")
    assert labels(complaint_groups(client, staff_a, "3栋1502")) == ["TS202611-000001"]
    assert labels(complaint_groups(client, staff_b, "3-1502")) == ["TS202611-000003"]
    project_name = home_a.building.project.name
    assert labels(complaint_groups(client, staff_a, f"{project_name}3号楼1502室")) == ["TS202611-000001"]


@pytest.mark.django_db
def test_without_the_permission_no_complaints(client, company_a, numbered):
    # A staff-UI user without complaints.view_complaint (a role added later, say) gets no group.
    user = UserFactory(company=company_a)
    user.user_permissions.add(*_permissions("organization.use_staff_ui"))
    assert complaint_groups(client, user, f"TS{numbered['month']}-000123") == []


def _permissions(*codes):
    found = []
    for code in codes:
        app_label, codename = code.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found
