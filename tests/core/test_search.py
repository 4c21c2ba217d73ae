"""The global search page and its JSON twin (core.search, core.views.search): states, shape, who may
use it, and a fixed number of queries whatever the number of matches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import search
from tests.factories import ComplaintFactory, CustomerFactory, ProjectFactory, UnitFactory

pytestmark = pytest.mark.django_db


def search_json(client, user, query):
    client.force_login(user)
    response = client.get(reverse("search"), {"q": query, "format": "json"})
    assert response.status_code == 200
    return response.json()


def groups_of(data) -> dict[str, list[str]]:
    return {group["key"]: [row["label"] for row in group["rows"]] for group in data["groups"]}


def test_clean_query_trims_and_cuts():
    assert search.clean_query("  3栋   1502 ") == "3栋 1502"
    assert search.clean_query("x" * 500) == "x" * search.MAX_QUERY_LENGTH
    assert search.clean_query(None) == ""


def test_nothing_typed_shows_what_the_box_takes(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("search"))
    assert response.status_code == 200
    assert b'data-status="empty"' in response.content and b'id="search-help"' in response.content


def test_one_character_is_too_short_and_asks_nothing(client, staff_a, django_assert_max_num_queries):
    client.force_login(staff_a)
    with django_assert_max_num_queries(4):  # session, user and permissions only
        response = client.get(reverse("search"), {"q": "张", "format": "json"}, HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()
    assert data["status"] == "too_short" and data["groups"] == []
    assert data["message"] == "Type at least 2 characters."
    page = client.get(reverse("search"), {"q": "张"})
    assert b'data-status="too_short"' in page.content and b'id="search-message"' in page.content


def test_no_results_state(client, staff_a):
    client.force_login(staff_a)
    data = client.get(
        reverse("search"), {"q": "不存在的名字", "format": "json"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert data == {
        "query": "不存在的名字",
        "status": "ok",
        "message": "Nothing found for “不存在的名字”.",
        "groups": [],
    }
    page = client.get(reverse("search"), {"q": "不存在的名字"})
    assert b'data-status="ok"' in page.content and b'id="search-message"' in page.content


def test_json_shape_and_group_order(client, staff_a, company_a):
    project = ProjectFactory(company=company_a, name="四季花城")
    unit = UnitFactory(building__project=project, building__name="3栋", number="1502")
    complaint = ComplaintFactory(project=project, unit=unit, number="TS202612-000123")
    data = search_json(client, staff_a, "3栋1502")
    assert data["status"] == "ok" and data["message"] == ""
    assert [group["key"] for group in data["groups"]] == ["complaints", "units"]
    first = data["groups"][0]
    assert set(first) == {"key", "title", "note", "more_url", "rows"}
    assert first["rows"] == [
        {
            "label": "TS202612-000123",
            "detail": first["rows"][0]["detail"],
            "url": reverse("complaint-detail", args=[complaint.pk]),
        }
    ]
    assert "四季花城 3栋 1502" in first["rows"][0]["detail"]
    assert data["groups"][1]["rows"][0]["url"] == reverse("project-detail", args=[project.pk])


def test_the_page_groups_results_with_links(client, staff_a, company_a):
    CustomerFactory(company=company_a, name="张伟", phone="13812345678")
    ProjectFactory(company=company_a, name="张江花园")
    client.force_login(staff_a)
    page = client.get(reverse("search"), {"q": "张"}).content.decode()
    assert 'data-status="too_short"' in page
    page = client.get(reverse("search"), {"q": "张伟"}).content.decode()
    assert 'data-group="customers"' in page and "138****5678" in page and "13812345678" not in page
    page = client.get(reverse("search"), {"q": "张江"}).content.decode()
    assert 'data-group="projects"' in page and "张江花园" in page


def test_the_top_bar_box_is_a_get_form_on_staff_pages_only(client, staff_a):
    assert b'id="global-search"' not in client.get(reverse("login")).content
    client.force_login(staff_a)
    home = client.get(reverse("home")).content.decode()
    assert 'id="global-search"' in home and f'action="{reverse("search")}" method="get"' in home
    assert "js/search.js" in home and "css/search.css" in home
    again = client.get(reverse("search"), {"q": "3栋1502"}).content.decode()
    assert 'value="3栋1502"' in again  # the box keeps what was searched


def test_signed_out_is_sent_to_sign_in_and_integrators_are_refused(client, integrator_a):
    assert client.get(reverse("search"), {"q": "张伟"}).status_code == 302
    client.force_login(integrator_a)
    assert client.get(reverse("search"), {"q": "张伟", "format": "json"}).status_code == 403


def test_queries_per_search_do_not_grow_with_the_matches(client, group_user, company_a, company_b):
    def queries(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            search_json(client, group_user, query)
        return len(captured)

    def seed(count: int, tag: str, phones: str):
        for company in (company_a, company_b)[: min(count, 2)]:
            project = ProjectFactory(company=company, name=f"{tag}花园{company.pk}")
            for index in range(count):
                unit = UnitFactory(building__project=project, building__name=f"{index + 1}栋", number="1502")
                ComplaintFactory(project=project, unit=unit)
                CustomerFactory(company=company, name=f"{tag}花{index}", phone=f"{phones}{index:03d}0001")

    seed(1, "甲", "1391")
    few = {query: queries(query) for query in ("甲", "甲花", "1栋1502", "0001")}
    seed(12, "乙", "1392")
    many = {query: queries(query) for query in ("乙花", "1栋1502", "0001")}
    assert many["乙花"] == few["甲花"]
    assert many["1栋1502"] == few["1栋1502"]
    assert many["0001"] == few["0001"]


def test_a_provider_group_without_rows_or_note_is_left_out(rf, staff_a, monkeypatch):
    monkeypatch.setattr(search, "_providers", [])

    @search.register
    def empty(request, query):
        yield search.SearchGroup(key="empty", title="Empty")

    @search.register
    def late(request, query):
        yield search.SearchGroup(key="late", title="Late", rows=[search.SearchRow("b", "/b/")], order=50)

    @search.register
    def early(request, query):
        yield search.SearchGroup(key="early", title="Early", note="why", order=5)

    request = rf.get("/search/")
    request.user = staff_a
    result = search.run(request, "ab")
    assert [group.key for group in result.groups] == ["early", "late"]
    assert search.register(early) is early and len(search._providers) == 3
