"""The complaint list page (/complaints/) and the API list (GET /api/v1/complaints/) filter through one
FilterSet (complaints.filters.ComplaintFilter): every filter keeps the same complaints on both, and
a value one refuses the other refuses with the same message."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from complaints.filters import ComplaintFilter
from complaints.models import Category, Channel, Status, Tier
from tests.conftest import api_as
from tests.factories import PASSWORD, ComplaintFactory, ProjectFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def listed(company_a, company_b, group_user):
    a, b = ProjectFactory(company=company_a), ProjectFactory(company=company_b)
    return {
        "a_old": ComplaintFactory(
            project=a,
            number="TS202601-000001",
            received_at=NOW - timedelta(days=10),
            tier=Tier.HOT,
            deadline=NOW - timedelta(hours=1),
        ),
        "a_new": ComplaintFactory(
            project=a,
            number="TS202611-000002",
            received_at=NOW - timedelta(hours=1),
            category=Category.PROPERTY,
            channel=Channel.WALK_IN,
            status=Status.CLOSED,
        ),
        "b": ComplaintFactory(
            project=b,
            number="TS202611-000003",
            received_at=NOW - timedelta(days=2),
            channel=Channel.EMAIL,
            deadline=NOW + timedelta(hours=2),
            handler=group_user,
            status=Status.ASSIGNED,
            title="外墙 Crack 裂缝",
            description="东侧外墙出现裂缝。",
        ),
    }


def company(listed, key):
    return str(listed[key].company_id)


def project(listed, key):
    return str(listed[key].project_id)


ALL = {"a_old", "a_new", "b"}
# (query, the complaints it keeps); a string instead of a set names the refused parameter.
CASES = [
    ({}, ALL),
    ({"number": " ts202611-000002 "}, {"a_new"}),
    ({"number": "TS209901-000009"}, set()),
    ({"number": "X" * 21}, "number"),
    ({"company": company}, {"a_old", "a_new"}),
    ({"company": "abc"}, "company"),
    ({"project": project}, {"a_old", "a_new"}),
    ({"project": "0"}, "project"),
    ({"channel": "walk_in"}, {"a_new"}),
    ({"channel": "pigeon"}, "channel"),
    ({"category": "property"}, {"a_new"}),
    ({"category": "weather"}, "category"),
    ({"status": "closed"}, {"a_new"}),
    ({"status": ""}, ALL),
    ({"status": "bogus"}, "status"),
    ({"tier": "hot"}, {"a_old"}),
    ({"tier": "urgent"}, "tier"),
    ({"received_after": (NOW - timedelta(days=3)).isoformat()}, {"a_new", "b"}),
    ({"received_after": "0132-12-21T17:13:54+08:00"}, "received_after"),
    ({"received_before": (NOW - timedelta(days=3)).isoformat()}, {"a_old"}),
    ({"received_before": "yesterday"}, "received_before"),
    ({"urgency": "overdue"}, {"a_old"}),
    ({"urgency": "at_risk"}, {"b"}),
    ({"urgency": "late"}, "urgency"),
    ({"status": "received", "channel": "hotline", "company": company}, {"a_old"}),
    # The work queue's filters: the caller's own (group_user handles "b"), open without a handler,
    # words in the title or the description (case-insensitive, every word).
    ({"mine": "true"}, {"b"}),
    ({"mine": "1"}, {"b"}),
    ({"mine": "false"}, {"a_old", "a_new"}),
    ({"unassigned": "true"}, {"a_old"}),
    ({"unassigned": "false"}, {"a_new", "b"}),
    ({"q": "crack"}, {"b"}),
    ({"q": "渗漏"}, {"a_old", "a_new"}),
    ({"q": "东侧 裂缝"}, {"b"}),
    ({"q": "东侧 渗漏"}, set()),
    ({"q": "x" * 101}, "q"),
]


def test_every_filter_of_the_filterset_is_in_the_table():
    named = {name for query, _expected in CASES for name in query}
    assert named == set(ComplaintFilter.base_filters)


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_the_page_and_the_api_keep_the_same_complaints(client, listed, group_user, query, expected):
    query = {name: value(listed, "a_old") if callable(value) else value for name, value in query.items()}
    client.login(username=group_user.username, password=PASSWORD)
    page = client.get(reverse("complaint-list"), query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    api = api_as(group_user).get("/api/v1/complaints/", query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    keys = {complaint.pk: key for key, complaint in listed.items()}
    if isinstance(expected, str):
        assert (page.status_code, api.status_code) == (400, 400)
        assert list(api.json()) == [expected]
        for message in api.json()[expected]:
            assert escape(message) in page.content.decode()
        assert list(page.context["complaints"]) == []
    else:
        assert (page.status_code, api.status_code) == (200, 200)
        assert {keys[complaint.pk] for complaint in page.context["complaints"]} == expected
        assert {keys[row["id"]] for row in api.json()["results"]} == expected


def test_the_page_and_the_api_call_the_same_filterset(client, listed, group_user, monkeypatch):
    seen = []
    original = ComplaintFilter.filter_queryset

    def spy(self, queryset):
        seen.append(dict(self.form.cleaned_data))
        return original(self, queryset)

    monkeypatch.setattr(ComplaintFilter, "filter_queryset", spy)
    query = {"status": "closed", "number": "ts202611-000002", "channel": "walk_in"}
    client.login(username=group_user.username, password=PASSWORD)
    client.get(reverse("complaint-list"), query)
    api_as(group_user).get("/api/v1/complaints/", query)
    assert len(seen) == 2
    assert seen[0] == seen[1]


def test_the_page_keeps_its_filters_on_the_next_page(client, company_a, staff_a):
    project = ProjectFactory(company=company_a)
    ComplaintFactory.create_batch(52, project=project, status=Status.CLOSED)
    ComplaintFactory(project=project)
    client.login(username=staff_a.username, password=PASSWORD)
    first = client.get(reverse("complaint-list"), {"status": "closed"})
    assert len(first.context["complaints"]) == 50
    assert "status=closed" in first.context["page"].next
    second = client.get(reverse("complaint-list") + first.context["page"].next)
    assert len(second.context["complaints"]) == 2
    assert all(complaint.status == Status.CLOSED for complaint in second.context["complaints"])
