"""core.pagination.estimated_total: a list page's total without COUNT(*) over a large table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from core import pagination
from core.pagination import Total, estimated_total
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("estimate", "shown"),
    [(1000, 1000), (1234, 1200), (12345, 12000), (12_550, 13000), (987_654, 990_000), (1_234_567, 1_200_000)],
)
def test_an_estimate_is_rounded(estimate, shown):
    assert pagination._rounded(estimate) == shown


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite branch")
def test_on_sqlite_a_count_of_at_most_limit_plus_one_rows(monkeypatch):
    ComplaintFactory.create_batch(4)
    assert estimated_total(Complaint.objects.all()) == Total(4, "exact")
    assert estimated_total(Complaint.objects.filter(tier="major")) == Total(0, "exact")
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 3)
    with CaptureQueriesContext(connection) as queries:
        total = estimated_total(Complaint.objects.select_related("project").order_by("-received_at"))
    assert total == Total(3, "at_least")
    (query,) = queries.captured_queries
    assert "LIMIT 4" in query["sql"]
    assert "ORDER BY" not in query["sql"]
    assert "JOIN" not in query["sql"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's estimate is read on PostgreSQL only"
)
def test_on_postgresql_the_planners_estimate_when_large(monkeypatch):
    ComplaintFactory.create_batch(4)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
    # Small estimate: counted exactly (with LIMIT).
    with CaptureQueriesContext(connection) as queries:
        assert estimated_total(Complaint.objects.all()) == Total(4, "exact")
    assert queries.captured_queries[0]["sql"].startswith("EXPLAIN (FORMAT JSON)")
    assert "LIMIT 1001" in queries.captured_queries[1]["sql"]
    # A large estimate is shown as one, without counting.
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 0)
    with CaptureQueriesContext(connection) as queries:
        total = estimated_total(Complaint.objects.filter(tier="normal"))
    assert total.kind == "about"
    assert total.count >= 100
    assert len(queries.captured_queries) == 1
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()
