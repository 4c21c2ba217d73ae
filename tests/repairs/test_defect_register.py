"""Warranty repairs in the defect register (issue 17 §2): a repair with a defect type is counted
beside the complaints (per source and in all) on the register page, its API, the top defects page,
API and XLSX, and the hotspots; a repair of another company is not seen by a company user."""

import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import DefectType
from repairs import services
from repairs.models import RepairRequest
from tests.conftest import api_as
from tests.factories import PASSWORD, BuildingFactory, ComplaintFactory, ProjectFactory, UnitFactory


def t(code: str) -> DefectType:
    return DefectType.objects.get(code=code)


def repair(unit, code: str, *, at: datetime) -> RepairRequest:
    made = services.repair_create(
        report=services.Report(unit=unit, defect_type=t(code), description="卫生间天花板漏水")
    )
    RepairRequest.objects.filter(pk=made.pk).update(reported_at=at)
    return made


@pytest.fixture
def estate(company_a, company_b):
    """Project P (company A), building 1 with units u1, u2: a WP-02 complaint on u1, WP-02 repairs on
    u1 and u2 (within 30 days: a hotspot of 3 together), an ST-01 repair on u2. Company B: a WP-02
    repair and an ST-01 repair in its own project."""
    now = timezone.now()
    p = ProjectFactory(company=company_a, name="四季花城")
    b1 = BuildingFactory(project=p, name="1栋")
    u1, u2 = UnitFactory(building=b1), UnitFactory(building=b1)
    ComplaintFactory(project=p, unit=u1, defect_type=t("WP-02"), received_at=now - timedelta(days=2))
    repair(u1, "WP-02", at=now - timedelta(days=3))
    repair(u2, "WP-02", at=now - timedelta(days=4))
    repair(u2, "ST-01", at=now - timedelta(days=5))
    other = UnitFactory(building=BuildingFactory(project=ProjectFactory(company=company_b)))
    repair(other, "WP-02", at=now - timedelta(days=1))
    repair(other, "ST-01", at=now - timedelta(days=1))
    return {"p": p, "b1": b1}


def test_register_api_counts_repairs_per_source(estate, staff_a):
    body = api_as(staff_a).get("/api/v1/defects/register/").json()
    assert (body["complaints"], body["by_source"], body["total"], body["units"]) == (
        1,
        {"complaints": 1, "repairs": 3},
        4,
        2,
    )
    leaves = {row["code"]: (row["by_source"], row["total"], row["units"]) for row in body["leaves"]}
    # u1 has a complaint and a repair of WP-02: one unit affected, not two.
    assert leaves == {
        "WP-02": ({"complaints": 1, "repairs": 2}, 3, 2),
        "ST-01": ({"complaints": 0, "repairs": 1}, 1, 1),
    }
    assert {row["code"]: row["total"] for row in body["parents"]} == {"WP": 3, "ST": 1}
    months = body["months"]
    assert (sum(m["total"] for m in months), sum(m["by_source"]["repairs"] for m in months)) == (4, 3)
    assert [(h["building_id"], h["code"], h["by_source"], h["total"]) for h in body["hotspots"]] == [
        (estate["b1"].pk, "WP-02", {"complaints": 1, "repairs": 2}, 3)
    ]


def test_register_of_a_project_and_building_counts_repairs(estate, staff_a):
    for query in (f"project={estate['p'].pk}", f"building={estate['b1'].pk}"):
        body = api_as(staff_a).get(f"/api/v1/defects/register/?{query}").json()
        assert body["by_source"] == {"complaints": 1, "repairs": 3}


def test_another_companys_repairs_are_not_seen(estate, staff_a, staff_b, group_user):
    assert api_as(staff_b).get("/api/v1/defects/register/").json()["by_source"] == {
        "complaints": 0,
        "repairs": 2,
    }
    assert api_as(staff_a).get("/api/v1/defects/register/").json()["by_source"]["repairs"] == 3
    assert api_as(group_user).get("/api/v1/defects/register/").json()["by_source"]["repairs"] == 5


def test_register_page_shows_repairs(client, estate, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    response = client.get(reverse("defect-register"))
    assert response.status_code == 200
    register = response.context["register"]
    assert (register.by_source, register.total) == ({"complaints": 1, "repairs": 3}, 4)
    page = response.content.decode()
    assert '<strong id="defect-repairs">3</strong>' in page
    assert '<strong id="defect-total">4</strong>' in page
    assert '<td class="num">1</td><td class="num">2</td><td class="num">3</td>' in page  # WP-02


@pytest.fixture
def quarter(company_a, company_b):
    """2026-Q3: a WP-02 complaint and two WP-02 repairs in a project of company A; a WP-02 repair of
    company B."""
    at = datetime(2026, 8, 15, 10, tzinfo=timezone.get_current_timezone())
    project = ProjectFactory(company=company_a)
    unit = UnitFactory(building=BuildingFactory(project=project))
    ComplaintFactory(project=project, unit=unit, defect_type=t("WP-02"), received_at=at)
    repair(unit, "WP-02", at=at)
    repair(unit, "WP-02", at=at + timedelta(days=1))
    other = UnitFactory(building=BuildingFactory(project=ProjectFactory(company=company_b)))
    repair(other, "WP-02", at=at)


def test_top_defects_api_and_page_count_repairs(quarter, client, staff_a, staff_b):
    body = api_as(staff_a).get("/api/v1/defects/top/?quarter=2026-Q3").json()
    rows = [row for band in body["bands"] for row in band["defects"]]
    assert [(r["code"], r["by_source"], r["total"], r["units"], r["share"]) for r in rows] == [
        ("WP-02", {"complaints": 1, "repairs": 2}, 3, 1, 100.0)
    ]
    body = api_as(staff_b).get("/api/v1/defects/top/?quarter=2026-Q3").json()
    assert [r["by_source"] for band in body["bands"] for r in band["defects"]] == [
        {"complaints": 0, "repairs": 1}
    ]
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("defect-top"), {"quarter": "2026-Q3"}).content.decode()
    assert '<td class="num">1</td><td class="num">2</td><td class="num">3</td>' in page


def test_top_defects_xlsx_counts_repairs(quarter, client, staff_a):
    from openpyxl import load_workbook

    client.login(username=staff_a.username, password=PASSWORD)
    response = client.get(reverse("defect-top-export"), {"quarter": "2026-Q3"})
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [row for name in workbook.sheetnames for row in workbook[name].iter_rows(values_only=True)]
    assert ("WP-02", "卫生间渗水", "防水", 1, 2, 3, 1, 1, 100.0) in rows
    assert not any(row[:6] == ("WP-02", "卫生间渗水", "防水", 1, 3, 4) for row in rows)  # not B's
