"""The home page is the workbench: per role, what appears and what must not, ordering by time to
escalation, the tiles' figures against hand-made data, and the query count flat with more rows."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import workbench as complaint_blocks
from complaints.models import ComplaintEvent
from tests.factories import ComplaintFactory, CustomerFactory, ProjectFactory, RiskSignalFactory
from touchpoints.models import ActionType, ServiceTask

pytestmark = pytest.mark.django_db


def home(client, user, **extra) -> str:
    client.force_login(user)
    response = client.get(reverse("home"), **extra)
    assert response.status_code == 200
    return response.content.decode()


def block_html(page: str, key: str) -> str:
    match = re.search(rf'<section [^>]*data-block="{key}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def complaint_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-complaint="(\d+)"', html)]


def blocks(page: str) -> list[str]:
    return re.findall(r'data-block="([\w-]+)"', page)


@pytest.fixture
def project_a(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


@pytest.fixture
def project_b(company_b):
    return ProjectFactory(company=company_b, name="城市花园")


def test_each_role_gets_its_blocks(client, staff_a, manager_a, group_user):
    assert blocks(home(client, staff_a)) == [
        "my-complaints",
        "unassigned",
        "risk-signals",
        "callbacks",
        "my-tasks",
    ]
    assert blocks(home(client, manager_a))[0] == "company-figures"
    assert "companies" not in blocks(home(client, manager_a))
    assert blocks(home(client, group_user))[0] == "companies"
    assert "company-figures" not in blocks(home(client, group_user))


def test_empty_blocks_say_what_to_do(client, staff_a):
    page = home(client, staff_a, HTTP_ACCEPT_LANGUAGE="en")
    assert "No open complaints of yours" in page
    assert "No tasks due today" in page
    assert 'href="/organisation/"' in page


def test_my_complaints_by_time_to_the_next_escalation(client, staff_a, project_a):
    now = timezone.now()
    later = ComplaintFactory(project=project_a, handler=staff_a, escalates_at=now + timedelta(days=3))
    sooner = ComplaintFactory(project=project_a, handler=staff_a, escalates_at=now + timedelta(hours=1))
    none_old = ComplaintFactory(project=project_a, handler=staff_a, received_at=now - timedelta(days=9))
    none_new = ComplaintFactory(project=project_a, handler=staff_a, received_at=now - timedelta(hours=1))
    ComplaintFactory(project=project_a, handler=staff_a, resolved_at=now)  # handled: not listed
    ComplaintFactory(project=project_a, escalates_at=now)  # someone else's (unassigned)
    mine = complaint_ids(block_html(home(client, staff_a), "my-complaints"))
    assert mine == [sooner.pk, later.pk, none_old.pk, none_new.pk]


def test_countdown_shows_when_it_rises(client, staff_a, project_a):
    now = timezone.now()
    received = now - timedelta(days=4) + timedelta(hours=1)
    ComplaintFactory(
        project=project_a, handler=staff_a, received_at=received, escalates_at=received + timedelta(days=7)
    )
    html = block_html(home(client, staff_a, HTTP_ACCEPT_LANGUAGE="en"), "my-complaints")
    assert "Becomes Hot in 3 days" in html


def test_a_company_user_never_sees_another_companys_complaints(
    client, staff_a, manager_a, project_a, project_b
):
    now = timezone.now()
    own = ComplaintFactory(project=project_a)
    other = ComplaintFactory(project=project_b)
    RiskSignalFactory(complaint=ComplaintFactory(project=project_b))
    ComplaintFactory(
        project=project_b, resolved_at=now, status="resolved", callback_due_at=now - timedelta(hours=1)
    )
    for user in (staff_a, manager_a):
        page = home(client, user)
        assert complaint_ids(block_html(page, "unassigned")) == [own.pk]
        assert other.pk not in complaint_ids(page)
        assert "data-signal=" not in page


def test_unassigned_the_longest_waiting_first(client, staff_a, project_a):
    now = timezone.now()
    late = ComplaintFactory(project=project_a, assign_due_at=now - timedelta(hours=2))
    due = ComplaintFactory(project=project_a, assign_due_at=now + timedelta(hours=2))
    ComplaintFactory(project=project_a, handler=staff_a)
    assert complaint_ids(block_html(home(client, staff_a), "unassigned")) == [late.pk, due.pk]


def test_risk_signals_of_my_complaints_or_the_whole_company(client, staff_a, manager_a, project_a):
    mine = RiskSignalFactory(complaint=ComplaintFactory(project=project_a, handler=staff_a))
    others = RiskSignalFactory(complaint=ComplaintFactory(project=project_a))
    RiskSignalFactory(
        complaint=ComplaintFactory(project=project_a, handler=staff_a),
        state="confirmed",
        decided_at=timezone.now(),
        notify_due_at=None,
    )

    def signals(user):
        return [int(pk) for pk in re.findall(r'data-signal="(\d+)"', home(client, user))]

    assert signals(staff_a) == [mine.pk]
    assert signals(manager_a) == [mine.pk, others.pk]


def test_callbacks_due_now(client, staff_a, project_a):
    now = timezone.now()
    due = ComplaintFactory(
        project=project_a,
        handler=staff_a,
        status="resolved",
        resolved_at=now - timedelta(days=3),
        callback_due_at=now - timedelta(hours=1),
    )
    ComplaintFactory(
        project=project_a,
        handler=staff_a,
        status="resolved",
        resolved_at=now,
        callback_due_at=now + timedelta(days=2),
    )
    assert complaint_ids(block_html(home(client, staff_a), "callbacks")) == [due.pk]


def task(project, *, due_on, assignee=None, status=ServiceTask.Status.OPEN):
    return ServiceTask.objects.create(
        company=project.company,
        project=project,
        customer=CustomerFactory(company=project.company),
        action=ActionType.objects.get(code="periodic_callback"),
        occasion="test",
        due_on=due_on,
        assignee=assignee,
        status=status,
    )


def test_my_tasks_due_today_and_overdue(client, staff_a, project_a):
    today = timezone.localdate()
    overdue = task(project_a, due_on=today - timedelta(days=2), assignee=staff_a)
    due = task(project_a, due_on=today, assignee=staff_a)
    task(project_a, due_on=today + timedelta(days=1), assignee=staff_a)  # not yet
    task(project_a, due_on=today, assignee=None)  # nobody's
    html = block_html(home(client, staff_a), "my-tasks")
    assert [int(pk) for pk in re.findall(r'data-task="(\d+)"', html)] == [overdue.pk, due.pk]
    assert 'data-urgency="overdue"' in html


def test_a_list_shows_ten_and_links_to_all(client, staff_a, project_a):
    for _ in range(12):
        ComplaintFactory(project=project_a, handler=staff_a)
    html = block_html(home(client, staff_a), "my-complaints")
    assert len(complaint_ids(html)) == 10
    assert 'class="workbench-more"' in html


@pytest.fixture
def figures(company_a, company_b, project_a, project_b, manager_a):
    """Hand-made: open by tier, one overdue, first responses of 1 / 3 / 5 hours this month, ratings
    5 / 4 / 2 closed this month, two resolved this month of which one called back."""
    now = timezone.now()
    month_start = complaint_blocks.this_month(now).start
    for tier, n in (("major", 1), ("hot", 2), ("normal", 1)):
        for _ in range(n):
            ComplaintFactory(project=project_a, tier=tier, received_at=now - timedelta(days=2))
    ComplaintFactory(project=project_a, tier="hot", received_at=now - timedelta(days=40), resolved_at=now)
    ComplaintFactory(project=project_b, tier="hot", received_at=now - timedelta(days=2))  # other company
    ComplaintFactory(
        project=project_a,
        tier="important",
        received_at=now - timedelta(days=2),
        deadline=now - timedelta(hours=1),
    )  # open and overdue
    for hours in (1, 3, 5):
        received = month_start + timedelta(minutes=10)
        ComplaintFactory(
            project=project_a,
            received_at=received,
            first_response_at=received + timedelta(hours=hours),
            resolved_at=received + timedelta(hours=6),
        )
    for rating in (5, 4, 2):
        ComplaintFactory(
            project=project_a,
            received_at=now - timedelta(days=40),
            resolved_at=now - timedelta(days=35),
            closed_at=now,
            status="closed",
            rating=rating,
        )
    called, silent = (
        ComplaintFactory(
            project=project_a, received_at=now - timedelta(days=40), resolved_at=now, status="resolved"
        )
        for _ in range(2)
    )
    for complaint in (called, silent):
        ComplaintEvent.objects.create(
            complaint=complaint, kind="status", from_value="in_progress", to_value="resolved"
        )
    ComplaintEvent.objects.create(complaint=called, kind="callback", to_value="satisfied")
    return {"month": complaint_blocks.this_month(now).label}


def tile(html: str, name: str) -> str:
    match = re.search(
        rf'data-tile="{name}">\s*(?:<a href="([^"]*)">)?\s*(?:<span class="tile-figure">)?([^<]*)<', html
    )
    assert match, name
    return match.group(2).strip(), match.group(1)


def test_manager_tiles_against_hand_made_data(client, manager_a, figures):
    html = block_html(home(client, manager_a, HTTP_ACCEPT_LANGUAGE="en"), "company-figures")
    assert tile(html, "open-major") == ("1", "/complaints/?tier=major")
    assert tile(html, "open-hot")[0] == "2"
    assert tile(html, "open-important")[0] == "1"
    assert tile(html, "open-normal")[0] == "1"
    assert tile(html, "overdue") == ("1", "/complaints/?urgency=overdue")
    assert tile(html, "first-response") == ("3.0 h", f"/reports/?month={figures['month']}")
    assert tile(html, "callback-coverage")[0] == "50.0%"
    assert tile(html, "satisfaction")[0] == "3.67 / 5"
    assert "66.7% satisfied" in html


def test_group_table_one_row_per_company(client, group_user, company_a, company_b, figures):
    html = block_html(home(client, group_user), "companies")
    rows = dict(re.findall(r'<tr data-company="(\d+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {str(company_a.pk), str(company_b.pk)}
    row_a, row_b = rows[str(company_a.pk)], rows[str(company_b.pk)]
    assert f'href="/complaints/?company={company_a.pk}&amp;tier=hot">2<' in row_a
    assert f'href="/complaints/?company={company_b.pk}&amp;tier=hot">1<' in row_b
    assert f'href="/complaints/?company={company_a.pk}&amp;urgency=overdue">1<' in row_a
    assert 'data-tile="first-response">3.0<' in row_a
    assert 'data-tile="callback-coverage">50.0%<' in row_a
    assert 'data-tile="satisfaction">3.67 (66.7%)<' in row_a
    assert 'data-tile="first-response">—<' in row_b


def queries_of_home(client, user) -> int:
    client.force_login(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def add_work(staff, project, n: int) -> None:
    now = timezone.now()
    today = timezone.localdate()
    for i in range(n):
        ComplaintFactory(
            project=project, handler=staff, escalates_at=now + timedelta(hours=i + 1), tier="hot"
        )
        ComplaintFactory(project=project, first_response_at=now, received_at=now - timedelta(minutes=5))
        RiskSignalFactory(complaint=ComplaintFactory(project=project, handler=staff))
        ComplaintFactory(
            project=project,
            handler=staff,
            status="closed",
            resolved_at=now,
            closed_at=now,
            rating=4,
            callback_due_at=now - timedelta(minutes=1),
        )
        task(project, due_on=today - timedelta(days=i), assignee=staff)


@pytest.mark.parametrize("role", ["staff_a", "manager_a", "group_user"])
def test_home_queries_do_not_grow_with_rows(client, role, request, staff_a, project_a, project_b):
    user = request.getfixturevalue(role)
    add_work(staff_a, project_a, 1)
    few = queries_of_home(client, user)
    add_work(staff_a, project_a, 14)
    add_work(staff_a, project_b, 3)
    assert queries_of_home(client, user) == few


def test_a_tile_link_leads_to_the_matching_filtered_list(client, manager_a, figures):
    html = block_html(home(client, manager_a), "company-figures")
    _figure, url = tile(html, "overdue")
    listed = client.get(url)
    assert listed.status_code == 200
    assert len(re.findall(r'href="/complaints/\d+/"', listed.content.decode())) >= 1


def figure_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if "auth_permission" not in query["sql"]]


def test_this_months_figures_are_kept_ten_minutes_and_say_since_when(client, manager_a, project_a, figures):
    first = block_html(home(client, manager_a, HTTP_ACCEPT_LANGUAGE="en"), "company-figures")
    assert tile(first, "satisfaction")[0] == "3.67 / 5"
    assert re.search(r"as of \d\d:\d\d; they are refreshed every 10 minutes", first)
    ComplaintFactory(
        project=project_a,
        status="closed",
        resolved_at=timezone.now(),
        closed_at=timezone.now(),
        rating=1,
    )
    with CaptureQueriesContext(connection) as kept:
        again = block_html(home(client, manager_a, HTTP_ACCEPT_LANGUAGE="en"), "company-figures")
    assert tile(again, "satisfaction")[0] == "3.67 / 5"
    cache.clear()  # the ten minutes are over
    with CaptureQueriesContext(connection) as fresh:
        later = block_html(home(client, manager_a, HTTP_ACCEPT_LANGUAGE="en"), "company-figures")
    assert tile(later, "satisfaction")[0] == "3.0 / 5"
    # First response, call-back coverage, satisfaction (the cache also kept the permissions).
    assert len(figure_queries(fresh)) == len(figure_queries(kept)) + 3
