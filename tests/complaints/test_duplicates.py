"""Repeat complaints caught at intake (issue 19 §4): the matching rule (table), the API's
``possible_duplicates`` and ``duplicate-decision`` (scoped, roles), the public form's automatic link."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import rules
from complaints.models import Category, Complaint, ComplaintEvent, Status
from tests.conftest import api_as
from tests.factories import BuildingFactory, ComplaintFactory, ProjectFactory, UnitFactory

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
D = Decimal


@pytest.mark.parametrize(
    "same_unit, same_phone, same_category, types, earlier_open, handled_days_ago, expected",
    [
        (True, False, True, (1, 1), True, None, D("1.0")),  # unit + category + defect type
        (True, True, True, (1, 1), True, None, D("1.0")),  # the phone adds nothing to the unit
        (True, False, True, (None, 1), True, None, D("0.9")),  # the earlier one untyped
        (True, False, True, (1, None), True, None, D("0.9")),  # the new one untyped
        (False, True, True, (1, 1), True, None, D("0.9")),  # same phone instead of unit
        (False, True, True, (None, None), True, None, D("0.8")),
        (True, False, True, (1, 2), True, None, None),  # another defect type
        (True, False, False, (1, 1), True, None, None),  # another category
        (False, False, True, (1, 1), True, None, None),  # neither unit nor phone
        (True, False, True, (1, 1), False, 89, D("1.0")),  # handled 89 days ago
        (True, False, True, (1, 1), False, 90, D("1.0")),  # ... 90: the window's edge
        (True, False, True, (1, 1), False, 91, None),  # ... 91: too long ago
        (True, False, True, (1, 1), False, None, None),  # closed without a resolve time
    ],
)
def test_duplicate_similarity(
    same_unit, same_phone, same_category, types, earlier_open, handled_days_ago, expected
):
    handled_at = None if handled_days_ago is None else NOW - timedelta(days=handled_days_ago)
    assert (
        rules.duplicate_similarity(
            same_unit=same_unit,
            same_phone=same_phone,
            same_category=same_category,
            defect_types=types,
            earlier_open=earlier_open,
            handled_at=handled_at,
            received_at=NOW,
        )
        == expected
    )


@pytest.mark.parametrize(
    "same_unit, same_category, days_before, expected",
    [
        (True, True, 0, True),
        (True, True, 7, True),
        (True, True, 7.01, False),
        (False, True, 1, False),
        (True, False, 1, False),
        (True, True, -1, False),  # a later one is not the earlier filing
    ],
)
def test_links_by_itself(same_unit, same_category, days_before, expected):
    earlier = NOW - timedelta(days=days_before)
    assert (
        rules.links_by_itself(
            same_unit=same_unit, same_category=same_category, earlier_received_at=earlier, received_at=NOW
        )
        is expected
    )


# --- API ----------------------------------------------------------------------------------------


@pytest.fixture
def earlier(company_a):
    project = ProjectFactory(company=company_a)
    unit = UnitFactory(building=BuildingFactory(project=project))
    return ComplaintFactory(
        project=project,
        unit=unit,
        category=Category.CONSTRUCTION,
        contact_phone="13800001111",
        received_at=timezone.now() - timedelta(days=3),
    )


def create(user, earlier, **extra):
    body = {
        "project": earlier.project_id,
        "unit": earlier.unit_id,
        "channel": "hotline",
        "category": earlier.category,
        "title": "卫生间又漏水",
        "description": "上次修过，又漏了。",
        **extra,
    }
    return api_as(user).post("/api/v1/complaints/", body, format="json")


def test_create_answers_the_possible_duplicates(earlier, staff_a):
    response = create(staff_a, earlier)
    assert response.status_code == 201, response.json()
    assert response.json()["possible_duplicates"] == [
        {"id": earlier.pk, "number": earlier.number, "status": "received", "similarity": "0.90"}
    ]
    detail = api_as(staff_a).get(f"/api/v1/complaints/{response.json()['id']}/").json()
    assert [row["id"] for row in detail["possible_duplicates"]] == [earlier.pk]


def test_same_phone_other_unit_and_other_category(earlier, staff_a):
    other_unit = UnitFactory(building=earlier.unit.building)
    by_phone = create(staff_a, earlier, unit=other_unit.pk, contact_phone="13800001111").json()
    assert [(row["id"], row["similarity"]) for row in by_phone["possible_duplicates"]] == [
        (earlier.pk, "0.80")
    ]
    assert create(staff_a, earlier, category=Category.PROPERTY).json()["possible_duplicates"] == []


def test_handled_long_ago_is_no_duplicate(earlier, staff_a):
    Complaint.objects.filter(pk=earlier.pk).update(
        status=Status.CLOSED, resolved_at=timezone.now() - timedelta(days=91)
    )
    assert create(staff_a, earlier).json()["possible_duplicates"] == []


def test_another_company_gets_404_and_never_sees_the_candidates(earlier, company_b, staff_a, staff_b):
    """Scoping: another company's complaint (even of the same phone) is never a candidate, and
    another company's staff get 404 for the complaint and its decision."""
    other = ComplaintFactory(
        project=ProjectFactory(company=company_b),
        category=earlier.category,
        contact_phone=earlier.contact_phone,
        received_at=timezone.now() - timedelta(days=1),
    )
    response = create(staff_a, earlier, contact_phone=earlier.contact_phone)
    assert [row["id"] for row in response.json()["possible_duplicates"]] == [earlier.pk]
    assert other.pk not in [row["id"] for row in response.json()["possible_duplicates"]]
    pk = response.json()["id"]
    assert api_as(staff_b).get(f"/api/v1/complaints/{pk}/").status_code == 404
    decision = {"earlier": earlier.pk, "decision": "separate"}
    assert (
        api_as(staff_b)
        .post(f"/api/v1/complaints/{pk}/duplicate-decision/", decision, format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize("decision", ["same_issue", "separate"])
def test_decide_a_possible_duplicate(earlier, staff_a, decision):
    new = create(staff_a, earlier).json()["id"]
    url = f"/api/v1/complaints/{new}/duplicate-decision/"
    response = api_as(staff_a).post(url, {"earlier": earlier.pk, "decision": decision}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["possible_duplicates"] == []
    complaint = Complaint.objects.get(pk=new)
    assert complaint.issue_root_id == (earlier.pk if decision == "same_issue" else None)
    event = complaint.events.get(kind=ComplaintEvent.Kind.DUPLICATE)
    assert (event.by, event.from_value, event.to_value) == (staff_a, earlier.number, decision)
    again = api_as(staff_a).post(url, {"earlier": earlier.pk, "decision": "separate"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "not_a_candidate"


def test_follow_up_needs_a_handled_earlier_complaint(earlier, staff_a):
    new = create(staff_a, earlier).json()["id"]
    url = f"/api/v1/complaints/{new}/duplicate-decision/"
    refused = api_as(staff_a).post(url, {"earlier": earlier.pk, "decision": "follow_up"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "follows_unhandled"
    Complaint.objects.filter(pk=earlier.pk).update(status=Status.RESOLVED, resolved_at=timezone.now())
    # Intake did not link it (the earlier one was open then): staff do now.
    response = api_as(staff_a).post(url, {"earlier": earlier.pk, "decision": "follow_up"}, format="json")
    assert response.status_code == 200, response.json()
    complaint = Complaint.objects.get(pk=new)
    assert complaint.follows_id == earlier.pk
    assert complaint.tier == "important"  # a second complaint


def test_readers_may_not_decide(earlier, staff_a, auditor):
    new = create(staff_a, earlier).json()["id"]
    response = api_as(auditor).post(
        f"/api/v1/complaints/{new}/duplicate-decision/",
        {"earlier": earlier.pk, "decision": "separate"},
        format="json",
    )
    assert response.status_code == 403


# --- The public form ----------------------------------------------------------------------------


def _public_post(client, earlier, **extra):
    return client.post(
        reverse("public-complaint"),
        {
            "project": earlier.project_id,
            "building": earlier.unit.building.name,
            "unit_number": earlier.unit.number,
            "category": earlier.category,
            "title": "卫生间又漏水",
            "description": "前几天投诉过，还在漏。",
            "website": "",
            "contact_name": "李先生",
            "contact_phone": "13800002222",
            **extra,
        },
    )


def test_an_owners_second_filing_within_a_week_is_linked_and_told(client, earlier):
    response = _public_post(client, earlier)
    assert response.status_code == 302, response.content.decode()[:2000]
    complaint = Complaint.objects.latest("id")
    assert complaint.issue_root_id == earlier.pk
    page = client.get(response["Location"])
    assert earlier.number in page.content.decode()
    assert 'id="filed-linked"' in page.content.decode()


def test_a_filing_after_a_week_is_not_linked(client, earlier):
    Complaint.objects.filter(pk=earlier.pk).update(received_at=timezone.now() - timedelta(days=8))
    response = _public_post(client, earlier)
    assert response.status_code == 302
    complaint = Complaint.objects.latest("id")
    assert complaint.issue_root_id is None
    assert 'id="filed-linked"' not in client.get(response["Location"]).content.decode()
