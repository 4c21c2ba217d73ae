"""Overdue and at risk: one rule (``rules.urgency``), its SQL twin (``selectors``), and the clock
columns the services keep for them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import rules, selectors, services
from complaints.models import Complaint, Status
from tests.conftest import api_as
from tests.factories import ComplaintFactory, ProjectFactory

NOW = timezone.now()
DAY, HOUR = timedelta(days=1), timedelta(hours=1)

# (name, fields relative to NOW, expected)
CASES = [
    ("fresh", {"received_at": NOW - HOUR}, rules.ON_TRACK),
    ("plan deadline passed", {"received_at": NOW - 2 * DAY, "deadline": NOW - HOUR}, rules.OVERDUE),
    ("plan deadline in 23 h", {"received_at": NOW - 2 * DAY, "deadline": NOW + 23 * HOUR}, rules.AT_RISK),
    ("plan deadline in 25 h", {"received_at": NOW - HOUR, "deadline": NOW + 25 * HOUR}, rules.ON_TRACK),
    ("hot in 20 h", {"received_at": NOW - HOUR, "escalates_at": NOW + 20 * HOUR}, rules.AT_RISK),
    ("hot in 2 days", {"received_at": NOW - HOUR, "escalates_at": NOW + 2 * DAY}, rules.ON_TRACK),
    ("open 31 days", {"received_at": NOW - 31 * DAY}, rules.OVERDUE),
    ("open 48 days, major", {"received_at": NOW - 48 * DAY, "tier": "major"}, rules.OVERDUE),
    ("a month in 10 h", {"received_at": NOW - 30 * DAY + 10 * HOUR}, rules.AT_RISK),
    (
        "paused before the month ran out",
        {"received_at": NOW - 31 * DAY, "paused_since": NOW - 2 * DAY, "status": Status.AWAITING_CUSTOMER},
        rules.ON_TRACK,
    ),
    (
        "paused after the month ran out",
        {"received_at": NOW - 40 * DAY, "paused_since": NOW - 2 * DAY, "status": Status.AWAITING_CUSTOMER},
        rules.OVERDUE,
    ),
    (
        "waited 5 days on the owner: the month is 5 days longer",
        {"received_at": NOW - 35 * DAY + 10 * HOUR, "paused_seconds": int((5 * DAY).total_seconds())},
        rules.AT_RISK,
    ),
    (
        "resolved late is no longer overdue",
        {"received_at": NOW - 40 * DAY, "resolved_at": NOW - DAY, "status": Status.RESOLVED},
        None,
    ),
]


def fields_of(case: dict) -> dict:
    fields = {"status": Status.IN_PROGRESS, **case}
    fields["resolve_by"] = rules.resolve_limit(
        received_at=fields["received_at"], paused_seconds=fields.get("paused_seconds", 0)
    )
    return fields


@pytest.mark.parametrize(("name", "case", "expected"), CASES, ids=[case[0] for case in CASES])
def test_the_rule(name, case, expected):
    fields = fields_of(case)
    assert (
        rules.urgency(
            now=NOW,
            resolved_at=fields.get("resolved_at"),
            deadline=fields.get("deadline"),
            resolve_by=fields["resolve_by"],
            escalates_at=fields.get("escalates_at"),
            paused_since=fields.get("paused_since"),
        )
        == expected
    )


@pytest.mark.django_db
def test_the_sql_twin_agrees_with_the_rule():
    made = {name: ComplaintFactory(**fields_of(case)).pk for name, case, _expected in CASES}
    expected = {name: urgency for name, _case, urgency in CASES}
    annotated = dict(selectors.with_urgency(Complaint.objects.all(), NOW).values_list("pk", "urgency"))
    assert {name: annotated[pk] for name, pk in made.items()} == expected
    overdue = set(Complaint.objects.filter(selectors.overdue_q(NOW)).values_list("pk", flat=True))
    at_risk = set(Complaint.objects.filter(selectors.at_risk_q(NOW)).values_list("pk", flat=True))
    assert overdue == {made[name] for name, urgency in expected.items() if urgency == rules.OVERDUE}
    assert at_risk == {made[name] for name, urgency in expected.items() if urgency == rules.AT_RISK}


@pytest.mark.django_db
def test_resolved_in_time_means_not_overdue_when_resolved():
    """The scorecard's "in time" is the queue's "not overdue", read at the moment of resolving."""
    unresolved = [(name, case) for name, case, expected in CASES if expected is not None]
    made = {
        name: ComplaintFactory(**{**fields_of(case), "resolved_at": NOW, "status": Status.RESOLVED}).pk
        for name, case in unresolved
    }
    in_time = set(Complaint.objects.filter(selectors.resolved_in_time_q()).values_list("pk", flat=True))
    expected = {
        made[name]
        for name, case in unresolved
        if rules.urgency(
            now=NOW,
            resolved_at=None,
            deadline=fields_of(case).get("deadline"),
            resolve_by=fields_of(case)["resolve_by"],
            escalates_at=None,
            paused_since=case.get("paused_since"),
        )
        != rules.OVERDUE
    }
    assert in_time == expected
    assert not Complaint.objects.filter(selectors.resolved_in_time_q(), resolved_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_complaint_that_reached_its_month_in_the_past_counts_as_overdue_at_that_moment():
    complaint = ComplaintFactory(**fields_of({"received_at": NOW - 40 * DAY, "resolved_at": NOW - DAY}))
    month_end = NOW - 5 * DAY
    assert Complaint.objects.filter(selectors.overdue_q(month_end), pk=complaint.pk).exists()
    assert not Complaint.objects.filter(selectors.overdue_q(NOW), pk=complaint.pk).exists()


@pytest.mark.django_db
def test_the_services_keep_the_clock_columns(company_a, staff_a):
    complaint = services.complaint_create(
        intake=services.Intake(
            project=ProjectFactory(company=company_a),
            channel="hotline",
            category="construction",
            title="外墙渗水",
            description="雨后外墙渗水",
            received_at=NOW - 3 * DAY,
        ),
        received_by=staff_a,
    )
    assert complaint.resolve_by == complaint.received_at + rules.MAJOR_UNRESOLVED_AFTER
    assert complaint.escalates_at == complaint.received_at + rules.HOT_UNRESOLVED_AFTER
    complaint.tier = "hot"
    complaint.save(update_fields=["tier"])
    services.evaluate(complaint, now=NOW)
    assert complaint.escalates_at == complaint.received_at + rules.MAJOR_UNRESOLVED_AFTER


@pytest.mark.django_db
def test_the_list_filters_by_urgency(company_a, staff_a):
    project = ProjectFactory(company=company_a)
    late = ComplaintFactory(project=project, **fields_of({"received_at": NOW - 31 * DAY}))
    close = ComplaintFactory(
        project=project, **fields_of({"received_at": NOW - HOUR, "deadline": NOW + HOUR})
    )
    ComplaintFactory(project=project, **fields_of({"received_at": NOW - HOUR}))
    client = api_as(staff_a)
    for value, expected in (("overdue", late), ("at_risk", close)):
        rows = client.get("/api/v1/complaints/", {"urgency": value}).json()["results"]
        assert [row["id"] for row in rows] == [expected.pk]
    assert client.get("/api/v1/complaints/", {"urgency": "late"}).status_code == 400
