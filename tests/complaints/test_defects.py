"""Defect types and the defect register: the catalogue, the rules, the check on complaints (intake,
the page, the API), the register's figures against hand-made complaints, scoping and roles, the top
defects by project age and their XLSX, the hotspots linked to the complaint clusters."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import rules, services
from complaints.models import Category, Complaint, ComplaintEvent, DefectType
from complaints.reports import defects as queries
from core.exceptions import DomainError
from organization import roles
from tests.conftest import api_as
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    ComplaintFactory,
    ProjectFactory,
    PurchaseFactory,
    UnitFactory,
    UserFactory,
)


def t(code: str) -> DefectType:
    return DefectType.objects.get(code=code)


def ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


# --- rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sub_category", "title", "code"),
    [
        ("渗漏水", "卫生间天花板渗漏水", "WP-02"),
        ("渗漏水", "外窗雨天渗水", "WP-04"),
        ("渗漏水", "地下车库顶板渗水", "WP-05"),
        ("渗漏水", "墙角发霉", "WP-99"),
        ("裂缝", "客厅墙面出现裂缝", "ST-03"),
        ("裂缝", "梁上裂纹", "ST-01"),
        ("空鼓", "", "ST-02"),
        ("外墙渗水", "", "WP-01"),
        ("功能", "入户门关闭不严", "DW-01"),
        ("功能", "", None),
        ("", "卫生间渗漏水", None),
        ("价格", "", None),
    ],
)
def test_sub_category_maps_to_a_type(sub_category, title, code):
    assert rules.defect_code_for(sub_category, title) == code


@pytest.mark.parametrize(
    ("first", "as_of", "band"),
    [
        (None, date(2026, 6, 1), rules.NOT_DELIVERED),
        (date(2026, 7, 1), date(2026, 6, 1), rules.NOT_DELIVERED),
        (date(2026, 6, 1), date(2026, 6, 1), "0-1"),
        (date(2025, 6, 2), date(2026, 6, 1), "0-1"),
        (date(2025, 6, 1), date(2026, 6, 1), "1-2"),
        (date(2024, 6, 2), date(2026, 6, 1), "1-2"),
        (date(2024, 6, 1), date(2026, 6, 1), "2-5"),
        (date(2021, 6, 2), date(2026, 6, 1), "2-5"),
        (date(2021, 6, 1), date(2026, 6, 1), "5+"),
        (date(2024, 2, 29), date(2025, 2, 28), "1-2"),
    ],
)
def test_age_band(first, as_of, band):
    assert rules.age_band(first, as_of) == band


@pytest.mark.parametrize(
    ("day", "quarter", "previous"),
    [
        (date(2026, 12, 4), (date(2026, 10, 1), date(2027, 1, 1)), (date(2026, 7, 1), date(2026, 10, 1))),
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 4, 1)), (date(2025, 10, 1), date(2026, 1, 1))),
        (date(2026, 5, 31), (date(2026, 4, 1), date(2026, 7, 1)), (date(2026, 1, 1), date(2026, 4, 1))),
    ],
)
def test_quarters(day, quarter, previous):
    assert rules.quarter_of(day) == quarter
    assert rules.previous_quarter(day) == previous


def test_months_back_spans_a_year_end():
    months = rules.months_back(date(2026, 2, 15), 3)
    assert months == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


# --- the catalogue --------------------------------------------------------------------------------


def test_default_catalogue_is_installed_two_levels(db):
    for parent_code, parent_name, leaves in rules.DEFAULT_DEFECT_TYPES:
        parent = t(parent_code)
        assert parent.parent_id is None and parent.name == parent_name
        assert set(parent.children.values_list("code", flat=True)) >= {code for code, _name in leaves}
    assert t("WP-01").name == "外墙渗水" and t("WP-01").parent.code == "WP"
    assert DefectType.objects.filter(parent__parent__isnull=False).count() == 0


def test_install_again_keeps_what_the_group_centre_changed(db):
    DefectType.objects.filter(code="WP-01").update(name="外墙面渗水", active=False)
    DefectType.objects.filter(code="WP-03").delete()
    assert services.install_default_defect_types() == 1
    assert t("WP-01").name == "外墙面渗水" and not t("WP-01").active
    assert t("WP-03").parent.code == "WP"


def test_the_group_centre_may_edit_the_catalogue_others_not(db, staff_a, manager_a, group_user):
    assert group_user.has_perm("complaints.change_defecttype")
    assert group_user.has_perm("complaints.add_defecttype")
    assert not manager_a.has_perm("complaints.change_defecttype")
    assert staff_a.has_perm("complaints.view_defecttype")


def test_a_parent_must_be_top_level(db):
    from django.core.exceptions import ValidationError

    leaf = DefectType(code="X-01", name="x", parent=t("WP-01"))
    with pytest.raises(ValidationError):
        leaf.clean()


def test_catalogue_api(staff_a):
    response = api_as(staff_a).get("/api/v1/defect-types/")
    assert response.status_code == 200
    codes = {row["code"]: row for row in response.json()}
    assert codes["WP-02"]["parent_code"] == "WP" and codes["WP"]["parent"] is None


def test_catalogue_api_needs_the_view_permission(company_a):
    nobody = UserFactory(company=company_a, role=None)
    assert api_as(nobody).get("/api/v1/defect-types/").status_code == 403


# --- the check ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "code", "error"),
    [
        (Category.CONSTRUCTION, "WP-02", None),
        (Category.DESIGN, "DS-01", None),
        (Category.CONSTRUCTION, "WP", "defect_type_not_leaf"),
        (Category.SALES, "WP-02", "defect_type_category"),
        (Category.PROPERTY, "PA-01", "defect_type_category"),
    ],
)
def test_check_defect_type(db, category, code, error):
    if error is None:
        services.check_defect_type(t(code), category=category)
    else:
        with pytest.raises(DomainError) as raised:
            services.check_defect_type(t(code), category=category)
        assert raised.value.code == error


def test_an_inactive_type_is_refused(db):
    DefectType.objects.filter(code="WP-02").update(active=False)
    with pytest.raises(DomainError) as raised:
        services.check_defect_type(t("WP-02"), category=Category.CONSTRUCTION)
    assert raised.value.code == "defect_type_inactive"


def test_set_records_an_event_and_refuses_the_same_again(staff_a, company_a):
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a))
    services.complaint_set_defect_type(complaint=complaint, defect_type=t("WP-02"), by=staff_a)
    services.complaint_set_defect_type(complaint=complaint, defect_type=t("WP-01"), by=staff_a)
    event = complaint.events.filter(kind=ComplaintEvent.Kind.DEFECT_TYPE).latest("id")
    assert (event.from_value, event.to_value, event.by) == ("WP-02", "WP-01", staff_a)
    with pytest.raises(DomainError) as raised:
        services.complaint_set_defect_type(complaint=complaint, defect_type=t("WP-01"), by=staff_a)
    assert raised.value.code == "nothing_changed"
    services.complaint_set_defect_type(complaint=complaint, defect_type=None, by=staff_a)
    complaint.refresh_from_db()
    assert complaint.defect_type is None


# --- API ------------------------------------------------------------------------------------------


def intake_body(project, **extra):
    return {
        "project": project.pk,
        "channel": "hotline",
        "category": "construction",
        "title": "卫生间渗水",
        "description": "楼上渗水到卫生间天花板。",
        **extra,
    }


def test_api_intake_with_a_defect_type(staff_a, company_a):
    project = ProjectFactory(company=company_a)
    response = api_as(staff_a).post(
        "/api/v1/complaints/", intake_body(project, defect_type=t("WP-02").pk), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["defect_type"] == t("WP-02").pk
    assert Complaint.objects.get(pk=response.json()["id"]).defect_type.code == "WP-02"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"defect_type": "WP"}, "defect_type_not_leaf"),
        ({"defect_type": "WP-02", "category": "sales"}, "defect_type_category"),
    ],
)
def test_api_intake_refuses_a_wrong_type(staff_a, company_a, extra, code):
    project = ProjectFactory(company=company_a)
    body = intake_body(project, **extra)
    body["defect_type"] = t(body["defect_type"]).pk
    response = api_as(staff_a).post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Complaint.objects.exists()


def test_api_sets_a_complaints_defect_type(staff_a, staff_b, auditor, company_a):
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a))
    url = f"/api/v1/complaints/{complaint.pk}/defect-type/"
    response = api_as(staff_a).post(url, {"defect_type": t("ST-01").pk}, format="json")
    assert response.status_code == 200 and response.json()["defect_type"] == t("ST-01").pk
    assert api_as(staff_b).post(url, {"defect_type": t("ST-02").pk}, format="json").status_code == 404
    assert api_as(auditor).post(url, {"defect_type": t("ST-02").pk}, format="json").status_code == 403
    again = api_as(staff_a).post(url, {"defect_type": t("ST-01").pk}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "nothing_changed"
    cleared = api_as(staff_a).post(url, {"defect_type": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["defect_type"] is None


# --- pages: intake and the complaint page ----------------------------------------------------------


def test_intake_page_records_the_defect_type(client, staff_a, company_a):
    project = ProjectFactory(company=company_a)
    client.login(username=staff_a.username, password=PASSWORD)
    response = client.post(
        reverse("complaint-create"),
        {
            "project": project.pk,
            "channel": "hotline",
            "category": "construction",
            "defect_type": t("WP-03").pk,
            "title": "顶楼屋面渗水",
            "description": "下雨时顶楼天花板渗水。",
            "complainant_count": 1,
            "litigation": "none",
            "media": "none",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Complaint.objects.get().defect_type.code == "WP-03"


def test_intake_page_offers_only_active_leaf_types(client, staff_a):
    DefectType.objects.filter(code="WP-04").update(active=False)
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("complaint-create")).content.decode()
    assert "外墙渗水 (WP-01)" in page
    assert "(WP-04)" not in page
    assert f'<option value="{t("WP").pk}"' not in page


def test_complaint_page_changes_the_defect_type(client, staff_a, company_a):
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a))
    client.login(username=staff_a.username, password=PASSWORD)
    assert (
        'id="defect-type-form"'
        in client.get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    )
    response = client.post(
        reverse("complaint-defect-type", args=[complaint.pk]), {"defect_type": t("WP-02").pk}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.defect_type.code == "WP-02"
    page = client.get(reverse("complaint-detail", args=[complaint.pk])).content.decode()
    assert "卫生间渗水" in page


def test_complaint_page_refusal_is_a_message(client, staff_a, company_a):
    complaint = ComplaintFactory(project=ProjectFactory(company=company_a), category=Category.SALES)
    client.login(username=staff_a.username, password=PASSWORD)
    response = client.post(
        reverse("complaint-defect-type", args=[complaint.pk]), {"defect_type": t("WP-02").pk}, follow=True
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.defect_type is None


# --- the backfill ---------------------------------------------------------------------------------


def test_backfill_maps_the_older_sub_categories(db, company_a):
    import importlib

    from django.apps import apps as global_apps

    migration = importlib.import_module("complaints.migrations.0023_backfill_defect_types")
    project = ProjectFactory(company=company_a)
    leak = ComplaintFactory(project=project, sub_category="渗漏水", title="卫生间天花板渗漏水")
    crack = ComplaintFactory(project=project, sub_category="裂缝", title="梁上有裂纹")
    unknown = ComplaintFactory(project=project, sub_category="观感", title="颜色不一致")
    sales = ComplaintFactory(project=project, category=Category.SALES, sub_category="渗漏水")
    kept = ComplaintFactory(project=project, sub_category="渗漏水", title="外窗渗水", defect_type=t("WP-01"))
    migration.install_and_backfill(global_apps, None)
    codes = {
        c.pk: c.defect_type.code if c.defect_type else None
        for c in Complaint.objects.select_related("defect_type")
    }
    assert codes[leak.pk] == "WP-02"
    assert codes[crack.pk] == "ST-01"
    assert codes[unknown.pk] is None
    assert codes[sales.pk] is None
    assert codes[kept.pk] == "WP-01"


# --- the register ---------------------------------------------------------------------------------


@pytest.fixture
def estate(company_a, company_b):
    """Project P (company A) with buildings 1 and 2; project Q of company B. Hand-made complaints:
    building 1: WP-02 ×3 (units u1, u1, u2: within 30 days), ST-01 ×1 (u3, 100 days ago);
    building 2: WP-01 ×1 (u4, 200 days ago); project P without a unit: WP-02 ×1 (400 days ago: outside);
    an untyped complaint; company B: WP-02 ×2."""
    p = ProjectFactory(company=company_a, name="四季花城")
    b1, b2 = BuildingFactory(project=p, name="1栋"), BuildingFactory(project=p, name="2栋")
    u1, u2, u3 = UnitFactory(building=b1), UnitFactory(building=b1), UnitFactory(building=b1)
    u4 = UnitFactory(building=b2)
    for unit, days in ((u1, 1), (u1, 5), (u2, 20)):
        ComplaintFactory(project=p, unit=unit, defect_type=t("WP-02"), received_at=ago(days))
    ComplaintFactory(project=p, unit=u3, defect_type=t("ST-01"), received_at=ago(100))
    ComplaintFactory(project=p, unit=u4, defect_type=t("WP-01"), received_at=ago(200))
    ComplaintFactory(project=p, defect_type=t("WP-02"), received_at=ago(400))
    ComplaintFactory(project=p, unit=u1, received_at=ago(2))
    q = ProjectFactory(company=company_b)
    qb = BuildingFactory(project=q)
    for days in (1, 2):
        ComplaintFactory(
            project=q, unit=UnitFactory(building=qb), defect_type=t("WP-02"), received_at=ago(days)
        )
    return {"p": p, "b1": b1, "b2": b2, "q": q}


def figures(register):
    return (
        register.complaints,
        register.units,
        {row.code: (row.complaints, row.units) for row in register.leaves},
        {row.code: (row.complaints, row.units) for row in register.parents},
    )


def test_register_of_a_project(estate, staff_a):
    register = queries.defect_register(user=staff_a, as_of=timezone.localdate(), project_id=estate["p"].pk)
    assert figures(register) == (
        5,
        4,
        {"WP-02": (3, 2), "ST-01": (1, 1), "WP-01": (1, 1)},
        {"WP": (4, 3), "ST": (1, 1)},
    )
    assert len(register.months) == 12 and sum(m.total for m in register.months) == 5
    assert register.months[-1].month == timezone.localdate().replace(day=1)
    assert [(h.building_name, h.code, h.complaints, h.units) for h in register.hotspots] == [
        ("1栋", "WP-02", 3, 2)
    ]


def test_register_of_a_building(estate, staff_a):
    register = queries.defect_register(
        user=staff_a, as_of=timezone.localdate(), project_id=estate["p"].pk, building_id=estate["b2"].pk
    )
    assert figures(register) == (1, 1, {"WP-01": (1, 1)}, {"WP": (1, 1)})
    assert register.hotspots == []


def test_register_is_scoped(estate, staff_a, staff_b, group_user):
    assert queries.defect_register(user=staff_a, as_of=timezone.localdate()).complaints == 5
    assert queries.defect_register(user=staff_b, as_of=timezone.localdate()).complaints == 2
    assert queries.defect_register(user=group_user, as_of=timezone.localdate()).complaints == 7
    # Another company's project named: nothing of it.
    assert (
        queries.defect_register(
            user=staff_a, as_of=timezone.localdate(), project_id=estate["q"].pk
        ).complaints
        == 0
    )


def test_register_api(estate, staff_a, staff_b, auditor):
    response = api_as(staff_a).get(f"/api/v1/defects/register/?project={estate['p'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["complaints"], body["units"]) == (5, 4)
    assert {row["code"]: row["complaints"] for row in body["parents"]} == {"WP": 4, "ST": 1}
    assert body["hotspots"][0]["building_id"] == estate["b1"].pk
    assert len(body["months"]) == 12
    assert api_as(staff_b).get(f"/api/v1/defects/register/?project={estate['p'].pk}").status_code == 400
    assert api_as(auditor).get("/api/v1/defects/register/").status_code == 200
    mismatch = api_as(staff_a).get(f"/api/v1/defects/register/?project={estate['p'].pk}&building=0")
    assert mismatch.status_code == 400


def test_register_api_needs_the_permission(estate, company_a):
    nobody = UserFactory(company=company_a, role=None)
    assert api_as(nobody).get("/api/v1/defects/register/").status_code == 403


def test_register_page(client, estate, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("defect-register"), {"project": estate["p"].pk}).content.decode()
    assert 'id="defect-complaints">5<' in page
    assert f"?building={estate['b1'].pk}" in page
    # Another company's project is not a choice: the filter is ignored, not a leak.
    other = client.get(reverse("defect-register"), {"project": estate["q"].pk})
    assert other.status_code == 200 and 'id="defect-complaints">5<' in other.content.decode()


def test_register_page_is_for_complaint_readers(client, company_a):
    nobody = UserFactory(company=company_a, role=roles.FRONTLINE_STAFF)
    nobody.groups.clear()
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(Permission.objects.get(codename="use_staff_ui"))
    client.login(username=nobody.username, password=PASSWORD)
    assert client.get(reverse("defect-register")).status_code == 403


def test_clusters_page_filtered_by_building(client, estate, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    response = client.get(reverse("complaint-clusters"), {"building": estate["b2"].pk})
    assert response.status_code == 200


# --- top defects by project age -------------------------------------------------------------------


@pytest.fixture
def aged(company_a):
    """A quarter (2026-Q3) of complaints: a young project (first handover 2026-01) with WP-02 ×2 and
    ST-01 ×1, an old one (2019) with WP-01 ×1, an undelivered one with DS-01 ×1."""
    young, old, new = (ProjectFactory(company=company_a) for _i in range(3))
    for project, delivered in ((young, date(2026, 1, 10)), (old, date(2019, 5, 1))):
        unit = UnitFactory(building=BuildingFactory(project=project))
        PurchaseFactory(unit=unit, contract_date=delivered - timedelta(days=300), delivery_date=delivered)
    at = datetime(2026, 8, 15, 10, tzinfo=timezone.get_current_timezone())
    for code in ("WP-02", "WP-02", "ST-01"):
        ComplaintFactory(project=young, defect_type=t(code), received_at=at)
    ComplaintFactory(project=old, defect_type=t("WP-01"), received_at=at)
    ComplaintFactory(project=new, defect_type=t("DS-01"), received_at=at, category=Category.DESIGN)
    ComplaintFactory(project=young, defect_type=t("WP-02"), received_at=at + timedelta(days=60))
    return young, old, new


def test_top_defects_by_age(aged, staff_a, staff_b):
    bands = queries.top_defects(user=staff_a, since=date(2026, 7, 1), until=date(2026, 10, 1))
    assert [(d.code, d.complaints, d.share) for d in bands["0-1"]] == [("WP-02", 2, 66.7), ("ST-01", 1, 33.3)]
    assert [d.code for d in bands["5+"]] == ["WP-01"]
    assert [d.code for d in bands[rules.NOT_DELIVERED]] == ["DS-01"]
    assert bands["1-2"] == [] and bands["2-5"] == []
    assert all(
        rows == []
        for rows in queries.top_defects(
            user=staff_b, since=date(2026, 7, 1), until=date(2026, 10, 1)
        ).values()
    )


def test_top_defects_api_and_page(aged, client, staff_a):
    body = api_as(staff_a).get("/api/v1/defects/top/?quarter=2026-Q3").json()
    assert body["since"] == "2026-07-01"
    assert {band["band"]: len(band["defects"]) for band in body["bands"]}["0-1"] == 2
    assert api_as(staff_a).get("/api/v1/defects/top/?quarter=2026-Q5").status_code == 400
    client.login(username=staff_a.username, password=PASSWORD)
    page = client.get(reverse("defect-top"), {"quarter": "2026-Q3"}).content.decode()
    assert "WP-02" in page and "卫生间渗水" in page


def test_top_defects_xlsx(aged, client, staff_a):
    from openpyxl import load_workbook

    client.login(username=staff_a.username, password=PASSWORD)
    response = client.get(reverse("defect-top-export"), {"quarter": "2026-Q3"})
    assert response.status_code == 200
    assert "defect-handbook-2026-Q3.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 5
    rows = list(workbook[workbook.sheetnames[0]].iter_rows(values_only=True))
    assert ("WP-02", "卫生间渗水", "防水", 2, 0, 2, 0, 1, 66.7) in rows


# --- the quarterly handbook (a job per person of the group centre) ---------------------------------


def test_quarterly_handbook_jobs(aged, group_user, staff_a, django_capture_on_commit_callbacks):
    from complaints.reports import defects_export
    from core.models import Job, OutboundMessage

    group_user.email = "centre@example.com"
    group_user.save()
    with django_capture_on_commit_callbacks() as callbacks:
        assert defects_export.send_quarterly_handbook(today=date(2026, 10, 1)) == 1
    assert len(callbacks) == 1  # the job's task, after the commit
    # A second run (beat twice, a redelivered task) makes none.
    assert defects_export.send_quarterly_handbook(today=date(2026, 10, 2)) == 0
    job = Job.objects.get(kind=Job.Kind.DEFECT_HANDBOOK)
    assert job.created_by == group_user and job.params["quarter"] == "2026-Q3"
    defects_export.handbook_run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result_file
    assert job.params["download_fallback"] == "defect-handbook-2026-Q3.xlsx"
    message = OutboundMessage.objects.get(dedupe_key=f"defect-handbook:{job.pk}")
    assert message.recipient == "centre@example.com" and f"/jobs/{job.pk}/" in message.body
    defects_export.handbook_run(job.pk)  # a duplicate task finds nothing to claim
    assert OutboundMessage.objects.filter(dedupe_key__startswith="defect-handbook:").count() == 1


def test_the_quarterly_handbook_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-defect-handbook"]
    assert entry["task"] == "complaints.tasks.send_defect_handbook"
