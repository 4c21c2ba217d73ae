"""The complaint list as a work queue (/complaints/): sorts with keyset pages both ways, the columns,
the last-update column kept by the database, the shown total, saved views and bulk assignment or
handover through a confirmation step."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import queue_views, selectors, services
from complaints.models import Complaint, ComplaintEvent, Department, Status, Tier
from core.models import SavedView
from core.pagination import Total
from organization import roles
from tests.factories import ComplaintFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()
TIER_ORDER = {Tier.MAJOR: 0, Tier.HOT: 1, Tier.IMPORTANT: 2, Tier.NORMAL: 3}


@pytest.fixture
def queue(company_a, staff_a):
    """Eleven complaints of company A with ties and empty values in every sort column."""
    rng = random.Random(7)
    project = ProjectFactory(company=company_a)
    moments = [NOW - timedelta(hours=h) for h in (1, 2, 2, 5, 9)]
    rows = []
    for _n in range(11):
        received_at = rng.choice(moments) - timedelta(days=1)
        rows.append(
            ComplaintFactory(
                project=project,
                received_at=received_at,
                tier=rng.choice(list(Tier.values)),
                escalates_at=rng.choice([None, *moments]) and rng.choice(moments) + timedelta(days=3),
                handler=rng.choice([None, staff_a]),
            )
        )
    for complaint in rows:
        last = rng.choice([None, *moments])
        Complaint.objects.filter(pk=complaint.pk).update(last_event_at=last)
    return Complaint.objects.filter(pk__in=[c.pk for c in rows])


def expected_order(complaints, sort):
    rows = list(complaints)
    if sort == "received":
        return [c.pk for c in sorted(rows, key=lambda c: (c.received_at, c.pk), reverse=True)]
    if sort == "escalation":
        with_clock = sorted((c for c in rows if c.escalates_at), key=lambda c: (c.escalates_at, c.pk))
        return [c.pk for c in with_clock] + sorted(c.pk for c in rows if not c.escalates_at)
    if sort == "updated":
        with_time = sorted((c for c in rows if c.last_event_at), key=lambda c: (c.last_event_at, c.pk))
        return [c.pk for c in reversed(with_time)] + sorted(
            (c.pk for c in rows if not c.last_event_at), reverse=True
        )
    by_received = sorted(rows, key=lambda c: (c.received_at, c.pk), reverse=True)
    return [c.pk for c in sorted(by_received, key=lambda c: TIER_ORDER[c.tier])]


def ids(response):
    return [complaint.pk for complaint in response.context["complaints"]]


@pytest.mark.parametrize("sort", list(selectors.QUEUE_SORTS))
def test_every_sort_pages_forwards_and_back_without_gaps_or_repeats(
    client, queue, staff_a, sort, monkeypatch
):
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 3)
    client.force_login(staff_a)
    url = reverse("complaint-list")
    response = client.get(url, {"sort": sort})
    assert response.context["page"].previous is None
    pages = [ids(response)]
    while response.context["page"].next:
        response = client.get(url + response.context["page"].next)
        assert f"sort={sort}" in response.context["page"].previous
        pages.append(ids(response))
    assert [pk for page in pages for pk in page] == expected_order(queue, sort)
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    # And back from the last page to the first, page by page.
    back = [pages[-1]]
    while response.context["page"].previous:
        response = client.get(url + response.context["page"].previous)
        back.append(ids(response))
    assert list(reversed(back)) == pages


def test_the_sort_and_the_filters_travel_together(client, queue, staff_a, monkeypatch):
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 2)
    client.force_login(staff_a)
    response = client.get(reverse("complaint-list"), {"sort": "escalation", "mine": "1"})
    mine = queue.filter(handler=staff_a)
    seen = ids(response)
    while response.context["page"].next:
        assert "mine=1" in response.context["page"].next
        response = client.get(reverse("complaint-list") + response.context["page"].next)
        seen += ids(response)
    assert seen == expected_order(mine, "escalation")


@pytest.mark.parametrize(
    "cursor",
    [
        "junk",
        "2026-01-01T00:00:00~x",
        "~~~",
        "2026-01-01T00:00:00~12",  # no time zone
        "3~2026-01-01T00:00:00+00:00~99999999999999999999999",
        "3~2026-01-01T00:00:00+00:00~²",
        "99999999999999999999~2026-01-01T00:00:00+00:00~1",
        "3~0001-01-01T00:00:00+14:00~1",
        "3~2026-13-01T00:00:00+00:00~1",
    ],
)
def test_a_cursor_the_page_did_not_write_starts_from_the_first_page(client, queue, staff_a, cursor):
    client.force_login(staff_a)
    response = client.get(reverse("complaint-list"), {"sort": "tier", "after": cursor})
    assert response.status_code == 200
    assert ids(response) == expected_order(queue, "tier")


def test_an_unknown_sort_is_the_default(client, queue, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("complaint-list"), {"sort": "random()"})
    assert response.context["sort"] == "received"
    assert ids(response) == expected_order(queue, "received")


def test_the_columns(client, company_a, staff_a):
    project = ProjectFactory(company=company_a, name="四季花城")
    complaint = ComplaintFactory(
        project=project,
        handler=staff_a,
        tier=Tier.IMPORTANT,
        received_at=NOW - timedelta(days=2),
        escalates_at=NOW + timedelta(days=3, hours=1),
    )
    Complaint.objects.filter(pk=complaint.pk).update(last_event_at=NOW - timedelta(hours=1))
    client.force_login(staff_a)
    html = client.get(reverse("complaint-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-complaint="{complaint.pk}"' in html
    assert "四季花城" in html
    assert f'data-handler="{staff_a.pk}"' in html
    assert "Becomes Hot in 3 days" in html
    shanghai = timezone.localtime(NOW - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    assert shanghai in html


def test_one_query_for_the_rows_at_any_page_size(client, company_a, staff_a, django_assert_max_num_queries):
    project = ProjectFactory(company=company_a)
    ComplaintFactory(project=project, handler=staff_a)
    # Made first: a new role holder moves the cached permissions on, so the next request reads them.
    other = UserFactory(company=company_a, role=roles.FRONTLINE_STAFF)
    client.force_login(staff_a)
    client.get(reverse("complaint-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("complaint-list"), {"sort": "updated"})
    ComplaintFactory.create_batch(30, project=project, handler=other)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("complaint-list"), {"sort": "updated"})
    assert len(many) == len(few)
    selects = [q["sql"] for q in many.captured_queries if 'FROM "complaints_complaint"' in q["sql"]]
    # The page's rows, and the total: a count of at most 1,001 rows (on PostgreSQL after the
    # planner's estimate, which is small here).
    assert len(selects) == (3 if connection.vendor == "postgresql" else 2)
    assert any("LIMIT 1001" in sql for sql in selects)


def test_the_shown_total(client, company_a, staff_a, monkeypatch):
    project = ProjectFactory(company=company_a)
    ComplaintFactory.create_batch(4, project=project)
    client.force_login(staff_a)
    html = client.get(reverse("complaint-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-total="4" data-total-kind="exact"' in html
    assert "4 complaints" in html
    # How each kind is decided (a capped count, or the planner's estimate on PostgreSQL) is
    # tests/core/test_estimated_total.py; here, how the page shows it.
    monkeypatch.setattr(queue_views, "estimated_total", lambda queryset: Total(3, "at_least"))
    html = client.get(reverse("complaint-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-total="3" data-total-kind="at_least"' in html
    assert "More than 3 complaints" in html
    monkeypatch.setattr(queue_views, "estimated_total", lambda queryset: Total(12300, "about"))
    html = client.get(reverse("complaint-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-total="12300" data-total-kind="about"' in html
    assert "About 12,300 complaints" in html


def test_the_project_select_offers_the_projects_the_user_sees(client, company_a, company_b, staff_a):
    own, other = (
        ProjectFactory(company=company_a, name="本公司项目"),
        ProjectFactory(company=company_b, name="别家项目"),
    )
    client.force_login(staff_a)
    html = client.get(reverse("complaint-list")).content.decode()
    projects = html.split('name="project"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{own.pk}"' in projects
    assert f'<option value="{other.pk}"' not in projects


# --- The last update: kept by the database on every event -------------------------------------------


def test_the_last_update_follows_every_event(staff_a, company_a):
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a))
    assert complaint.last_event_at is None
    services.complaint_add_progress(
        complaint=complaint, note="已联系业主", visible_to_complainant=True, by=staff_a
    )
    latest = ComplaintEvent.objects.filter(complaint=complaint).latest("at").at
    complaint.refresh_from_db()
    assert complaint.last_event_at == latest
    # An older event (the demo back-dates its events) does not move it forward; back-dating moves it back.
    ComplaintEvent.objects.filter(complaint=complaint).update(at=NOW - timedelta(days=5))
    complaint.refresh_from_db()
    assert complaint.last_event_at == NOW - timedelta(days=5)


# --- Saved views -----------------------------------------------------------------------------------


def test_save_a_view_reopen_it_and_delete_it(client, staff_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("complaint-view-save"),
        {"view_name": "我的热点", "query": "tier=hot&mine=1&after=2026-01-01T00:00:00%2B00:00~5&status="},
    )
    view = SavedView.objects.get(user=staff_a)
    assert (view.page, view.name, view.query) == ("complaints", "我的热点", "tier=hot&mine=1")
    assert response.url == reverse("complaint-list") + "?tier=hot&mine=1"
    html = client.get(reverse("complaint-list")).content.decode()
    assert f'data-saved-view="{view.pk}"' in html
    assert 'href="?tier=hot&amp;mine=1"' in html
    client.post(reverse("complaint-view-delete", args=[view.pk]))
    assert not SavedView.objects.exists()


def test_the_same_name_replaces_the_view(client, staff_a):
    client.force_login(staff_a)
    client.post(reverse("complaint-view-save"), {"view_name": "待办", "query": "mine=1"})
    client.post(reverse("complaint-view-save"), {"view_name": " 待办 ", "query": "unassigned=1"})
    assert list(SavedView.objects.values_list("name", "query")) == [("待办", "unassigned=1")]


def test_a_view_needs_a_name(client, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("complaint-view-save"), {"view_name": " ", "query": "mine=1"}, follow=True)
    assert not SavedView.objects.exists()
    assert response.status_code == 200


def test_views_are_their_owners_only(client, staff_a, manager_a):
    mine = SavedView.objects.create(user=staff_a, page="complaints", name="A", query="mine=1")
    theirs = SavedView.objects.create(user=manager_a, page="complaints", name="B", query="tier=major")
    client.force_login(staff_a)
    html = client.get(reverse("complaint-list")).content.decode()
    assert f'data-saved-view="{mine.pk}"' in html
    assert f'data-saved-view="{theirs.pk}"' not in html
    assert client.post(reverse("complaint-view-delete", args=[theirs.pk])).status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    # Another user may use the same name.
    SavedView.objects.create(user=staff_a, page="complaints", name="B", query="")


def test_saving_and_deleting_are_posts(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("complaint-view-save")).status_code == 405


# --- Bulk assignment and handover ---------------------------------------------------------------------


@pytest.fixture
def two_open(company_a):
    project = ProjectFactory(company=company_a)
    return ComplaintFactory.create_batch(2, project=project)


@pytest.fixture
def colleague(company_a):
    return UserFactory(username="colleague_a", company=company_a, role=roles.FRONTLINE_STAFF)


def bulk(client, complaints, **fields):
    data = {"ids": [str(c.pk) for c in complaints], "back": "tier=hot", **fields}
    return client.post(reverse("complaint-bulk"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_bulk_assign_asks_first_then_assigns_each(client, staff_a, colleague, two_open):
    client.force_login(staff_a)
    confirm = bulk(client, two_open, action="assign", to=colleague.pk)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Assign 2 complaints to" in html
    assert all(f'data-complaint="{c.pk}"' in html for c in two_open)
    assert not Complaint.objects.filter(handler=colleague).exists()  # nothing happens before confirming
    done = bulk(
        client, two_open, action="assign", to=colleague.pk, confirm="1", department=Department.ENGINEERING
    )
    assert done.status_code == 200
    assert done.content.decode().count('data-outcome="done"') == 2
    for complaint in two_open:
        complaint.refresh_from_db()
        assert (complaint.handler, complaint.status, complaint.department) == (
            colleague,
            Status.ASSIGNED,
            Department.ENGINEERING,
        )
    # Submitting again changes nothing: each is skipped, with the reason.
    again = bulk(client, two_open, action="assign", to=colleague.pk, confirm="1")
    html = again.content.decode()
    assert html.count('data-outcome="skipped"') == 2
    assert "already assigned to them" in html


def test_bulk_assign_keeps_each_deadline_and_department(client, staff_a, colleague, two_open):
    first = two_open[0]
    Complaint.objects.filter(pk=first.pk).update(
        department=Department.DESIGN, deadline=NOW + timedelta(days=2)
    )
    client.force_login(staff_a)
    bulk(client, [first], action="assign", to=colleague.pk, confirm="1", department="")
    first.refresh_from_db()
    assert (first.handler, first.department, first.deadline) == (
        colleague,
        Department.DESIGN,
        NOW + timedelta(days=2),
    )


def test_bulk_handover_needs_a_note_and_records_it(client, staff_a, colleague, two_open):
    client.force_login(staff_a)
    refused = bulk(client, two_open, action="handover", to=colleague.pk, confirm="1", note=" ")
    assert refused.status_code == 400
    assert not ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.HANDOVER).exists()
    done = bulk(client, two_open, action="handover", to=colleague.pk, confirm="1", note="我休假，交给同事")
    assert done.content.decode().count('data-outcome="done"') == 2
    assert (
        ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.HANDOVER, to_value=str(colleague.pk)).count()
        == 2
    )
    assert Complaint.objects.filter(first_responder=colleague).count() == 2


def test_mixed_companies_are_refused(client, group_user, company_a, company_b):
    a = ComplaintFactory(project=ProjectFactory(company=company_a))
    b = ComplaintFactory(project=ProjectFactory(company=company_b))
    client.force_login(group_user)
    response = bulk(client, [a, b], action="assign", to=group_user.pk, confirm="1")
    assert response.status_code == 302
    assert response.url == reverse("complaint-list") + "?tier=hot"
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "belong to several companies" in page
    assert not Complaint.objects.filter(handler__isnull=False).exists()


def test_another_companys_complaint_in_the_post_refuses_the_whole_request(
    client, staff_a, colleague, two_open, company_b
):
    foreign = ComplaintFactory(project=ProjectFactory(company=company_b))
    client.force_login(staff_a)
    response = bulk(client, [*two_open, foreign], action="assign", to=colleague.pk, confirm="1")
    assert response.status_code == 302
    assert not Complaint.objects.filter(handler__isnull=False).exists()
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not available to you" in page


def test_the_person_must_be_assignable_for_that_company(client, staff_a, staff_b, auditor, two_open):
    client.force_login(staff_a)
    for person in (staff_b, auditor):
        response = bulk(client, two_open, action="assign", to=person.pk, confirm="1")
        assert response.status_code == 302
    assert not Complaint.objects.filter(handler__isnull=False).exists()


def test_without_the_change_permission_bulk_is_forbidden(client, auditor, two_open, staff_a):
    client.force_login(auditor)
    assert bulk(client, two_open, action="assign", to=staff_a.pk, confirm="1").status_code == 403
    assert 'id="bulk-bar"' not in client.get(reverse("complaint-list")).content.decode()


def test_bulk_is_a_post_with_csrf(staff_a, two_open, colleague):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff_a)
    assert strict.get(reverse("complaint-bulk")).status_code == 405
    response = strict.post(
        reverse("complaint-bulk"), {"ids": [two_open[0].pk], "action": "assign", "to": colleague.pk}
    )
    assert response.status_code == 403


def test_the_date_fields_of_the_filter_bar_are_accepted(client, company_a, staff_a):
    project = ProjectFactory(company=company_a)
    old = ComplaintFactory(project=project, received_at=NOW - timedelta(days=10))
    new = ComplaintFactory(project=project, received_at=NOW - timedelta(hours=1))
    client.force_login(staff_a)
    day = timezone.localdate(NOW - timedelta(days=3)).isoformat()  # what <input type=date> sends
    after = client.get(reverse("complaint-list"), {"received_after": day})
    before = client.get(reverse("complaint-list"), {"received_before": day})
    assert (after.status_code, ids(after)) == (200, [new.pk])
    assert (before.status_code, ids(before)) == (200, [old.pk])


def test_the_last_update_follows_events_written_in_bulk(company_a):
    project = ProjectFactory(company=company_a)
    first, second = ComplaintFactory.create_batch(2, project=project)
    ComplaintEvent.objects.bulk_create(
        [
            ComplaintEvent(complaint=complaint, kind=ComplaintEvent.Kind.LINKED)
            for complaint in (first, second)
        ]
    )
    ComplaintEvent.objects.filter(complaint=first).update(at=NOW - timedelta(days=2))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.last_event_at == NOW - timedelta(days=2)
    assert second.last_event_at == ComplaintEvent.objects.get(complaint=second).at


@pytest.mark.parametrize(
    "fields",
    [
        {"ids": ["99999999999999999999999"], "to": "1"},
        {"ids": ["²"], "to": "1"},
        {"ids": ["abc"], "to": "1"},
        {"ids": [], "to": "1"},
        {"to": "99999999999999999999999"},
        {"to": ""},
    ],
)
def test_bad_bulk_input_is_a_message_not_an_error(client, staff_a, two_open, fields):
    client.force_login(staff_a)
    data = {"ids": [str(c.pk) for c in two_open], "action": "assign", "confirm": "1", **fields}
    response = client.post(reverse("complaint-bulk"), data)
    assert response.status_code == 302
    assert not Complaint.objects.filter(handler__isnull=False).exists()


def test_too_many_complaints_at_once(client, staff_a, colleague, monkeypatch, two_open):
    monkeypatch.setattr(queue_views, "BULK_MAX", 1)
    client.force_login(staff_a)
    assert bulk(client, two_open, action="assign", to=colleague.pk, confirm="1").status_code == 302
    assert not Complaint.objects.filter(handler__isnull=False).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_the_keyword_search_reads_the_trigram_indexes_on_postgresql(company_a, group_user):
    ComplaintFactory(project=ProjectFactory(company=company_a))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'complaint_title_trgm'")
        if cursor.fetchone() is None:
            pytest.skip("pg_trgm could not be created on this server")
    queryset = Complaint.objects.filter(Q(title__icontains="裂缝") | Q(description__icontains="裂缝")).values(
        "pk"
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a table of one row is read whole otherwise
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "complaint_title_trgm" in plan
    assert "complaint_description_trgm" in plan
