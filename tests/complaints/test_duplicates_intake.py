"""Possible duplicates shown on the staff new-complaint page before filing
(``complaints/new/duplicates/``, fetched by static/js/intake.js): the same query as after filing,
scoped to what the caller sees of the project's company; staff can still file."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Category, Complaint, Status
from tests.factories import PASSWORD, BuildingFactory, ComplaintFactory, ProjectFactory, UnitFactory

pytestmark = pytest.mark.django_db

URL = reverse("complaint-create-duplicates")


@pytest.fixture
def earlier(company_a):
    project = ProjectFactory(company=company_a)
    unit = UnitFactory(building=BuildingFactory(project=project, name="5栋"), number="801")
    return ComplaintFactory(
        project=project,
        unit=unit,
        category=Category.CONSTRUCTION,
        contact_phone="13800001111",
        received_at=timezone.now() - timedelta(days=3),
    )


def check(client, user, **params):
    client.login(username=user.username, password=PASSWORD)
    return client.get(URL, params)


def by_unit(earlier, **extra):
    return {
        "project": earlier.project_id,
        "building": "5栋",
        "unit_number": "801",
        "category": Category.CONSTRUCTION,
        **extra,
    }


def test_the_unit_and_category_find_the_earlier_complaint(client, earlier, staff_a):
    response = check(client, staff_a, **by_unit(earlier))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-duplicate="{earlier.pk}"' in page and earlier.number in page and "0.9" in page


def test_the_phone_finds_it_too_in_any_format(client, earlier, staff_a):
    params = {"project": earlier.project_id, "contact_phone": "+86 138 0000 1111", "category": "construction"}
    assert f'data-duplicate="{earlier.pk}"' in check(client, staff_a, **params).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"category": Category.PROPERTY},  # another category
        {"unit_number": "802"},  # no such unit, no phone
        {"building": "", "unit_number": ""},  # nothing to match on
        {"project": "999999"},  # no such project
    ],
)
def test_nothing_is_shown_otherwise(client, earlier, staff_a, params):
    response = check(client, staff_a, **by_unit(earlier, **params))
    assert response.status_code == 200 and response.content.decode().strip() == ""


def test_handled_long_ago_is_not_shown(client, earlier, staff_a):
    Complaint.objects.filter(pk=earlier.pk).update(
        status=Status.CLOSED, resolved_at=timezone.now() - timedelta(days=91)
    )
    assert "data-duplicate" not in check(client, staff_a, **by_unit(earlier)).content.decode()


def test_another_company_never_sees_the_candidates(client, earlier, company_b, staff_b):
    """Another company's staff cannot name the project (not theirs), and their own project's check
    never shows company A's complaint of the same phone."""
    assert "data-duplicate" not in check(client, staff_b, **by_unit(earlier)).content.decode()
    own = ProjectFactory(company=company_b)
    params = {"project": own.pk, "contact_phone": "13800001111", "category": "construction"}
    assert "data-duplicate" not in check(client, staff_b, **params).content.decode()


def test_the_group_centre_sees_them_and_readers_may_not_ask(client, earlier, group_user, auditor):
    assert f'data-duplicate="{earlier.pk}"' in check(client, group_user, **by_unit(earlier)).content.decode()
    assert check(client, auditor, **by_unit(earlier)).status_code == 403


def test_the_form_carries_the_check_and_staff_can_still_file(client, earlier, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("complaint-create")).content.decode()
    assert f'data-url="{URL}"' in page and "js/intake.js" in page
    response = client.post(
        reverse("complaint-create"),
        {
            **by_unit(earlier),
            "channel": "hotline",
            "title": "卫生间又漏水",
            "description": "上次修过，又漏了。",
            "complainant_count": 1,
            "litigation": "none",
            "media": "none",
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.filter(unit=earlier.unit).count() == 2
