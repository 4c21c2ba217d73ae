"""Exported files (CSV and XLSX): no cell runs as a formula, times are local, labels translated."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core.exports import cell, sections_to_xlsx
from core.models import Job
from tests.factories import PASSWORD, CustomerFactory, UnitFactory


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+8613812345678", "'+8613812345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("张伟", "张伟"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (Decimal("-1.50"), Decimal("-1.50")),
        (True, True),
        (date(2026, 12, 4), "2026-12-04"),
        (datetime(2026, 12, 4, 5, 5, 59, 999999, tzinfo=UTC), "2026-12-04 13:05"),
        (gettext_lazy("Customers"), "客户"),
    ],
)
def test_cell(value, expected):
    # Explicit: an earlier test may leave another language active in this thread.
    with translation.override("zh-hans"):
        assert cell(value) == expected


def test_xlsx_sections_accept_aware_moments_and_neutralise_formulas():
    data = sections_to_xlsx([("a/b:c", ["=head"], [[datetime(2026, 1, 1, 16, 0, tzinfo=UTC), "@x", 3]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "a_b_c"
    assert list(sheet.iter_rows(values_only=True)) == [("'=head", None, None), ("2026-01-02 00:00", "'@x", 3)]


def test_units_csv_neutralises_formulas_in_the_users_language(client, company_a, manager_a):
    unit = UnitFactory(building__project__company=company_a, layout='=HYPERLINK("http://evil.example")')
    client.login(username=manager_a.username, password=PASSWORD)
    response = client.get(
        reverse("project-units-export", args=[unit.building.project_id]), HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Project", "Building", "Unit number"]
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example")'


def test_customer_export_neutralises_formulas(
    client, company_a, manager_a, django_capture_on_commit_callbacks, eager_celery
):
    CustomerFactory(company=company_a, name="=cmd|' /C calc'!A0", occupation="@SUM(1+1)", gender="female")
    client.login(username=manager_a.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customer-export"))
    job = Job.objects.latest("id")
    download = client.get(reverse("job-download", args=[job.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "名称"
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][2] == "女"
    assert rows[1][5] == "'@SUM(1+1)"
