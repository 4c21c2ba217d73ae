"""Resolved in time (``selectors.resolved_in_time_q``, the one definition the monthly report and
the scorecard count with): a government referral is in time only when resolved by our deadline and
by the authority's deadline too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import selectors
from complaints.models import Complaint, Status
from complaints.reports import queries
from complaints.reports.periods import Period
from tests.factories import ComplaintFactory, ProjectFactory

pytestmark = pytest.mark.django_db

RECEIVED = timezone.now() - timedelta(days=10)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)

# (name, fields relative to RECEIVED, in time?)
CASES = [
    ("hotline, no plan deadline, resolved in 3 days", {"resolved_at": RECEIVED + 3 * DAY}, True),
    (
        "hotline, resolved after the plan deadline",
        {"deadline": RECEIVED + DAY, "resolved_at": RECEIVED + 2 * DAY},
        False,
    ),
    (
        "government, resolved before both deadlines",
        {
            "channel": "government",
            "deadline": RECEIVED + 5 * DAY,
            "external_deadline": RECEIVED + 3 * DAY,
            "resolved_at": RECEIVED + 2 * DAY,
        },
        True,
    ),
    (
        "government, by ours but after the authority's",
        {
            "channel": "government",
            "deadline": RECEIVED + 5 * DAY,
            "external_deadline": RECEIVED + 3 * DAY,
            "resolved_at": RECEIVED + 4 * DAY,
        },
        False,
    ),
    (
        "government, by the authority's but after ours",
        {
            "channel": "government",
            "deadline": RECEIVED + DAY,
            "external_deadline": RECEIVED + 3 * DAY,
            "resolved_at": RECEIVED + 2 * DAY,
        },
        False,
    ),
    (
        "government, exactly at the authority's deadline",
        {"channel": "government", "external_deadline": RECEIVED + 3 * DAY, "resolved_at": RECEIVED + 3 * DAY},
        True,
    ),
    (
        "government, no plan deadline, after the authority's",
        {"channel": "government", "external_deadline": RECEIVED + DAY, "resolved_at": RECEIVED + DAY + HOUR},
        False,
    ),
    ("unresolved", {"resolved_at": None, "status": Status.IN_PROGRESS}, False),
]


def make(project, fields: dict) -> Complaint:
    return ComplaintFactory(
        project=project, received_at=RECEIVED, **{"status": Status.RESOLVED, "external_source": "", **fields}
    )


@pytest.mark.parametrize(("name", "fields", "expected"), CASES, ids=[case[0] for case in CASES])
def test_case_by_case(name, fields, expected):
    if fields.get("channel") == "government":
        fields = {"external_source": "12345", "external_ref": name, **fields}
    complaint = make(ProjectFactory(), fields)
    assert Complaint.objects.filter(selectors.resolved_in_time_q(), pk=complaint.pk).exists() is expected


def test_the_monthly_report_counts_in_time_with_the_authority_s_deadline():
    project = ProjectFactory()
    for number, (_name, fields, _expected) in enumerate(CASES):
        if fields.get("channel") == "government":
            fields = {"external_source": "12345", "external_ref": f"SZ-{number}", **fields}
        make(project, fields)
    period = Period.month(RECEIVED.year, RECEIVED.month)
    resolved = Complaint.objects.filter(resolved_at__gte=period.start, resolved_at__lt=period.end)
    expected_in_time = sum(
        1
        for _name, fields, in_time in CASES
        if in_time and fields["resolved_at"] and period.start <= fields["resolved_at"] < period.end
    )
    figures = queries.complaint_report(Complaint.objects.all(), period)["resolved_in_time"]
    assert figures["resolved"] == resolved.count()
    assert figures["in_time"] == expected_in_time
