import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint
from organization.customer_managers import customer_manager_set
from repairs import services
from repairs.models import RepairRequest, Status
from tests.conftest import api_as
from tests.factories import PASSWORD, UserFactory

from .conftest import window

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_a):
    client.login(username=staff_a.username, password=PASSWORD)
    return client


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_owner_reports_and_follows_a_repair(client, unit_a, owner_a, leak):
    form = client.get("/repair/")
    assert form.status_code == 200
    response = client.post(
        "/repair/",
        {
            "project": unit_a.building.project_id,
            "building": unit_a.building.name,
            "unit_number": unit_a.number,
            "defect_type": leak.pk,
            "description": "卫生间天花板漏水",
            "contact_name": "王先生",
            "contact_phone": owner_a.phone,
        },
    )
    repair = RepairRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/r/{repair.tracking_token}/"
    assert repair.customer == owner_a and repair.channel == "owner_page"
    page = client.get(f"/r/{repair.tracking_token}/")
    assert page.status_code == 200 and repair.number in page.content.decode()
    assert client.get("/r/not-a-token/").status_code == 404


def test_an_unknown_unit_is_refused(client, unit_a, leak):
    response = client.post(
        "/repair/",
        {
            "project": unit_a.building.project_id,
            "building": unit_a.building.name,
            "unit_number": "9999",
            "defect_type": leak.pk,
            "description": "漏水",
            "contact_name": "王先生",
            "contact_phone": "13900000000",
        },
    )
    assert response.status_code == 400 and not RepairRequest.objects.exists()


def test_staff_dispatch_visit_and_the_owner_answers(staff_client, client, make_repair, contractor):
    repair = make_repair()
    start = timezone.now() + timedelta(days=1)
    staff_client.post(
        f"/repairs/{repair.pk}/dispatch/",
        {
            "version": 1,
            "contractor": contractor.pk,
            "window_from": _local(start),
            "window_to": _local(start + timedelta(hours=2)),
        },
    )
    staff_client.post(f"/repairs/{repair.pk}/visit/", {"version": 2, "outcome": "fixed"})
    repair.refresh_from_db()
    assert repair.status == Status.FIXED
    page = staff_client.get(f"/repairs/{repair.pk}/")
    assert page.status_code == 200 and "follow-up-form" in page.content.decode()
    staff_client.logout()
    client.post(f"/r/{repair.tracking_token}/not-fixed/")
    repair.refresh_from_db()
    assert repair.status == Status.REDO


def test_a_stale_form_is_refused(staff_client, make_repair):
    repair = make_repair()
    response = staff_client.post(f"/repairs/{repair.pk}/convert/", {"version": 7}, follow=True)
    assert "Reload" in response.content.decode() or "刷新" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_owner_makes_it_a_complaint_and_the_complaint_links_back(client, staff_client, make_repair):
    repair = make_repair()
    staff_client.logout()
    client.post(f"/r/{repair.tracking_token}/complaint/")
    client.post(f"/r/{repair.tracking_token}/complaint/")
    complaint = Complaint.objects.get()
    repair.refresh_from_db()
    assert repair.complaint == complaint and repair.status == Status.CONVERTED
    staff = UserFactory(company=repair.company, role="frontline_staff")
    client.login(username=staff.username, password=PASSWORD)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f"/repairs/{repair.pk}/" in page


def test_list_new_and_statistics_pages(staff_client, make_repair, unit_a, leak, staff_b, client):
    make_repair()
    assert staff_client.get("/repairs/").status_code == 200
    assert staff_client.get("/repairs/?status=nonsense").status_code == 400
    response = staff_client.post(
        "/repairs/new/",
        {
            "project": unit_a.building.project_id,
            "building": unit_a.building.name,
            "unit_number": unit_a.number,
            "defect_type": leak.pk,
            "description": "插座不通电",
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    assert staff_client.get("/repairs/contractors/").status_code == 200
    export = staff_client.get("/repairs/contractors/export.xlsx")
    assert export.status_code == 200
    load_workbook(io.BytesIO(export.content))
    staff_client.logout()
    client.login(username=staff_b.username, password=PASSWORD)
    assert client.get(f"/repairs/{RepairRequest.objects.first().pk}/").status_code == 404


def test_statistics_api(make_repair, staff_a):
    month = timezone.localdate().strftime("%Y-%m")
    response = api_as(staff_a).get("/api/v1/reports/repairs/contractors/", {"month": month})
    assert response.status_code == 200 and response.json()["contractors"] == []
    assert api_as(staff_a).get("/api/v1/reports/repairs/contractors/", {"month": "x"}).status_code == 400


def test_the_follow_up_call_is_on_the_customer_managers_home(
    client, make_repair, contractor, unit_a, staff_a, manager_a
):
    customer_manager_set(project=unit_a.building.project, manager=staff_a, by=manager_a)
    repair = services.repair_dispatch(repair=make_repair(), contractor=contractor, by=manager_a, **window())
    services.repair_record_visit(repair=repair, outcome="fixed", by=manager_a)
    client.login(username=staff_a.username, password=PASSWORD)
    home = client.get("/").content.decode()
    assert 'id="workbench-repair-follow-ups"' in home and repair.number in home
    client.login(username=manager_a.username, password=PASSWORD)
    assert 'id="workbench-repair-follow-ups"' not in client.get("/").content.decode()


def test_the_repair_is_on_the_customers_timeline(staff_client, make_repair, owner_a):
    repair = make_repair()
    page = staff_client.get(f"/customers/{owner_a.pk}/").content.decode()
    assert repair.number in page


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_owners_photo_is_kept_and_shown_to_staff_only(
    client, unit_a, leak, staff_a, staff_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    body = {
        "project": unit_a.building.project_id,
        "building": unit_a.building.name,
        "unit_number": unit_a.number,
        "defect_type": leak.pk,
        "description": "卫生间天花板漏水",
        "contact_name": "王先生",
        "contact_phone": "13900000001",
    }
    refused = client.post("/repair/", {**body, "files": SimpleUploadedFile("a.exe", b"MZ" + b"\x00" * 64)})
    assert refused.status_code == 400 and not RepairRequest.objects.exists()
    client.post("/repair/", {**body, "files": SimpleUploadedFile("漏水.png", PNG)})
    photo = RepairRequest.objects.get().photos.get()
    assert photo.original_name == "漏水.png" and photo.content_type == "image/png"
    url = f"/repairs/{photo.repair_id}/photos/{photo.pk}/"
    client.login(username=staff_a.username, password=PASSWORD)
    assert client.get(url).status_code == 200
    assert url in client.get(f"/repairs/{photo.repair_id}/").content.decode()
    client.login(username=staff_b.username, password=PASSWORD)
    assert client.get(url).status_code == 404


def test_the_owners_form_offers_the_complaint_forms_home_pickers(client, unit_a):
    """The same building and unit pickers as the public complaint form: owner.js (no inline script)
    fills them from the project's homes; without it the text fields stay."""
    page = client.get("/repair/").content.decode()
    assert 'id="public-repair-form"' in page and 'data-homes-url="/complain/homes/"' in page
    assert "js/pickers.js" in page and "<script>" not in page and " onchange=" not in page
    for field in ('id="id_project"', 'id="id_building"', 'id="id_unit_number"'):
        assert field in page
    homes = client.get("/complain/homes/", {"project": unit_a.building.project_id}).json()
    assert [(building["name"], building["units"]) for building in homes["buildings"]] == [
        (unit_a.building.name, [unit_a.number])
    ]


def test_the_staff_form_offers_the_same_home_pickers(staff_client, unit_a):
    """Staff pick the building and unit from the project's lists with the owners' script, fed by
    the staff endpoint; the texts it shows come from the form's translated data- attributes."""
    page = staff_client.get("/repairs/new/").content.decode()
    assert 'id="repair-form"' in page and 'data-homes-url="/projects/homes/"' in page
    assert "js/pickers.js" in page and "<script>" not in page and " style=" not in page
    for hook in ("data-choose-building=", "data-choose-unit=", "data-not-listed=", "data-loading="):
        assert hook in page
    for field in ('id="id_project"', 'id="id_building"', 'id="id_unit_number"'):
        assert field in page


def test_the_staff_homes_are_the_users_projects_only(client, staff_client, staff_b, unit_a):
    project_id = unit_a.building.project_id
    homes = staff_client.get("/projects/homes/", {"project": project_id})
    assert homes.status_code == 200
    assert homes.json() == {"buildings": [{"name": unit_a.building.name, "units": [unit_a.number]}]}
    assert staff_client.get("/projects/homes/", {"project": "x"}).status_code == 404
    client.logout()
    client.login(username=staff_b.username, password=PASSWORD)
    assert client.get("/projects/homes/", {"project": project_id}).status_code == 404
    client.logout()
    signed_out = client.get("/projects/homes/", {"project": project_id})
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/login/")


def test_staff_still_type_the_building_and_unit_without_the_script(staff_client, unit_a, leak):
    """「3号楼」 for 「3栋」: the text the form accepts without JavaScript still finds the unit."""
    unit_a.building.name = "3栋"
    unit_a.building.save()
    response = staff_client.post(
        "/repairs/new/",
        {
            "project": unit_a.building.project_id,
            "building": "3号楼",
            "unit_number": unit_a.number,
            "defect_type": leak.pk,
            "description": "卫生间天花板漏水",
            "channel": "phone",
        },
    )
    repair = RepairRequest.objects.get()
    assert response.status_code == 302 and repair.unit == unit_a
