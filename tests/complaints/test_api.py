from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.filters import ComplaintFilter
from complaints.models import Category, Complaint, Notification, Status
from organization import roles
from tests.conftest import api_as
from tests.factories import ComplaintFactory, ProjectFactory, UserFactory


@pytest.fixture
def complaints(company_a, company_b):
    project_a = ProjectFactory(company=company_a)
    project_b = ProjectFactory(company=company_b)
    return {
        "a": [ComplaintFactory(project=project_a) for _ in range(3)],
        "b": [ComplaintFactory(project=project_b)],
    }


def test_list_is_scoped_and_newest_first(complaints, staff_a):
    response = api_as(staff_a).get("/api/v1/complaints/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    expected = sorted(complaints["a"], key=lambda c: c.received_at, reverse=True)
    assert ids == [c.pk for c in expected]


def test_retrieve_outside_scope_is_404(complaints, staff_a):
    client = api_as(staff_a)
    assert client.get(f"/api/v1/complaints/{complaints['a'][0].pk}/").status_code == 200
    assert client.get(f"/api/v1/complaints/{complaints['b'][0].pk}/").status_code == 404


def test_stable_lowercase_codes_in_the_body(complaints, staff_a):
    row = api_as(staff_a).get(f"/api/v1/complaints/{complaints['a'][0].pk}/").json()
    assert (row["channel"], row["category"], row["status"], row["tier"]) == (
        "hotline",
        "construction",
        "received",
        "normal",
    )


def test_filters(complaints, group_user):
    target = complaints["a"][0]
    target.category = Category.PROPERTY
    target.status = Status.CLOSED
    target.received_at = timezone.now() - timedelta(minutes=5)
    target.save()
    old = timezone.now() - timedelta(days=3)
    type(target).objects.exclude(pk=target.pk).update(received_at=old)
    client = api_as(group_user)
    rows = client.get("/api/v1/complaints/?category=property&status=closed").json()["results"]
    assert [row["id"] for row in rows] == [target.pk]
    since = (timezone.now() - timedelta(minutes=30)).isoformat()
    recent = client.get("/api/v1/complaints/", {"received_after": since}).json()["results"]
    assert [row["id"] for row in recent] == [target.pk]


def test_unknown_code_in_a_filter_is_a_400(complaints, group_user):
    response = api_as(group_user).get("/api/v1/complaints/?tier=urgent")
    assert response.status_code == 400
    assert "tier" in response.json()


def test_a_list_naming_no_filter_builds_no_filter_set(complaints, group_user, monkeypatch):
    """Paging alone (or an unknown parameter) answers every complaint in scope without the filter
    set; naming a filter builds it and checks its value."""
    built = []
    build = ComplaintFilter.__init__

    def counted(self, *args, **kwargs):
        built.append(self)
        build(self, *args, **kwargs)

    monkeypatch.setattr(ComplaintFilter, "__init__", counted)
    client = api_as(group_user)
    rows = client.get("/api/v1/complaints/", {"page_size": 50, "sort": "x"}).json()["results"]
    assert len(rows) == 4 and not built
    assert client.get("/api/v1/complaints/", {"tier": "urgent"}).status_code == 400
    assert client.get("/api/v1/complaints/", {"received_after_x": "1"}).status_code == 200
    assert len(built) == 2  # a suffixed name may be a multi-value widget's


def test_moments_with_any_offset_filter_without_a_server_error(complaints, group_user):
    client = api_as(group_user)
    # PostgreSQL refuses offsets beyond ±15:59 that Python parses (schemathesis found this).
    far_offset = client.get("/api/v1/complaints/", {"received_after": "2020-12-21T17:13:54+18:35"})
    assert far_offset.status_code == 200 and len(far_offset.json()["results"]) == 4
    ancient = client.get("/api/v1/complaints/", {"received_after": "0132-12-21T17:13:54+18:35"})
    assert ancient.status_code == 400
    assert "1900" in ancient.json()["received_after"][0]


def test_queries_per_page_do_not_depend_on_page_size(company_a, group_user):
    project = ProjectFactory(company=company_a)
    ComplaintFactory.create_batch(30, project=project)
    client = api_as(group_user)
    client.get("/api/v1/complaints/")
    counts = []
    for size in (1, 10, 30):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/complaints/?page_size={size}").json()
        assert len(body["results"]) == size
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def create_body(project, **overrides):
    body = {
        "project": project.pk,
        "channel": "hotline",
        "category": "construction",
        "title": "外墙开裂",
        "description": "3栋外墙多处裂缝",
        "complainant_count": 1,
        "litigation": "none",
        "media": "none",
        "needs_outside_support": False,
    }
    return {**body, **overrides}


def test_create_returns_the_contract(company_a, integrator_a):
    project = ProjectFactory(company=company_a)
    response = api_as(integrator_a).post(
        "/api/v1/complaints/", create_body(project, complainant_count=12), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert {"id", "number", "status", "tier", "tier_reasons"} <= body.keys()
    assert (body["status"], body["tier"]) == ("received", "major")
    assert body["tier_reasons"] == ["collective_10_or_more", "collective_3_or_more"]
    assert body["tier_reason_labels"][0]["label"] == "10 人及以上的集体投诉"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("complainant_count", 0),
        ("litigation", "maybe"),
        ("media", "tv"),
        ("channel", "pigeon"),
        ("category", "noise"),
        ("title", ""),
        ("contact_phone", "12345"),
    ],
)
def test_create_rejects_bad_fields(field, value, company_a, integrator_a):
    project = ProjectFactory(company=company_a)
    response = api_as(integrator_a).post(
        "/api/v1/complaints/", create_body(project, **{field: value}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Complaint.objects.exists()


def test_create_refuses_another_companys_project(company_b, integrator_a):
    project = ProjectFactory(company=company_b)
    response = api_as(integrator_a).post("/api/v1/complaints/", create_body(project), format="json")
    assert response.status_code == 400
    assert "project" in response.json()


def test_future_received_time_is_400(company_a, integrator_a):
    project = ProjectFactory(company=company_a)
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = api_as(integrator_a).post(
        "/api/v1/complaints/", create_body(project, received_at=future), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "received_in_future"


def test_transition_and_the_tier_events_on_the_detail(company_a, manager_a):
    project = ProjectFactory(company=company_a)
    client = api_as(manager_a)
    created = client.post("/api/v1/complaints/", create_body(project, media="possible"), format="json").json()
    url = f"/api/v1/complaints/{created['id']}/"
    refused = client.post(url + "transition/", {"status": "closed", "note": ""}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    assert "已受理" in refused.json()["detail"]
    bad = client.post(url + "transition/", {"status": "flying"}, format="json")
    assert bad.status_code == 400
    detail = client.get(url).json()
    tier_events = [e for e in detail["events"] if e["kind"] == "tier_raised"]
    assert [(e["from_value"], e["to_value"], e["reasons"]) for e in tier_events] == [
        ("normal", "hot", ["media_possible"])
    ]


def test_transition_outside_scope_is_404(complaints, staff_a):
    response = api_as(staff_a).post(
        f"/api/v1/complaints/{complaints['b'][0].pk}/transition/", {"status": "assigned"}, format="json"
    )
    assert response.status_code == 404


# --- Attachments ------------------------------------------------------------------------------------


def test_attachments_list_upload_and_download_through_the_api(complaints, integrator_a, staff_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.complaints.test_attachments import HTML, PDF, PNG

    complaint = complaints["a"][0]
    client = api_as(integrator_a)
    url = f"/api/v1/complaints/{complaint.pk}/attachments/"
    created = client.post(url, {"file": SimpleUploadedFile("现场.png", PNG)}, format="multipart")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["name"], body["content_type"], body["size"], body["from_complainant"]) == (
        "现场.png",
        "image/png",
        len(PNG),
        False,
    )
    client.post(url, {"file": SimpleUploadedFile("报告.pdf", PDF)}, format="multipart")
    listed = client.get(url).json()
    assert [row["name"] for row in listed] == ["现场.png", "报告.pdf"]
    download = client.get(body["download"])
    assert download.status_code == 200
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == ("image/png", "nosniff")
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PNG
    assert complaint.events.filter(kind="attachment", by=integrator_a).count() == 2

    refused = client.post(
        url, {"file": SimpleUploadedFile("x.jpg", HTML)}, format="multipart", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "attachment_not_accepted" and "不接受“x.jpg”" in refused.json()["detail"]
    assert client.post(url, {}, format="multipart").status_code == 400
    assert client.post(url, {"file": "text"}, format="json").status_code == 415

    other = api_as(staff_b)
    assert other.get(url).status_code == 404
    assert other.get(body["download"]).status_code == 404
    assert other.post(url, {"file": SimpleUploadedFile("b.png", PNG)}, format="multipart").status_code == 404
    assert complaint.attachments.count() == 2


def test_read_only_roles_cannot_upload(complaints, auditor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.complaints.test_attachments import PNG

    url = f"/api/v1/complaints/{complaints['a'][0].pk}/attachments/"
    client = api_as(auditor)
    assert client.get(url).status_code == 200
    assert client.post(url, {"file": SimpleUploadedFile("a.png", PNG)}, format="multipart").status_code == 403


def test_attachments_upload_is_documented_as_multipart_with_a_binary_file(client, db):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    post = schema["paths"]["/api/v1/complaints/{id}/attachments/"]["post"]
    body = post["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    ref = body["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    assert schema["components"]["schemas"][ref]["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": schema["components"]["schemas"][ref]["properties"]["file"]["description"],
    }
    assert "file" in schema["components"]["schemas"][ref]["required"]


@pytest.mark.parametrize(
    "received_at", ["1999-12-31T23:59:00+08:00", "0001-01-01T00:00:00Z", "1899-06-01T00:00"]
)
def test_received_time_before_2000_is_a_translated_400(company_a, integrator_a, received_at):
    project = ProjectFactory(company=company_a)
    response = api_as(integrator_a).post(
        "/api/v1/complaints/",
        create_body(project, received_at=received_at),
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "2000-01-01" in response.json()["received_at"][0]
    assert "受理时间" in response.json()["received_at"][0]
    assert not Complaint.objects.exists()


def test_intake_queries_do_not_grow_with_the_team(company_a, integrator_a, staff_a):
    """Routing to the duty handler tells the whole team in one insert; the clocks, the tier and the
    risk words are read once (the vocabulary from the cache after the first intake). The number is
    written by an UPDATE of its own: it is taken last, to hold the month's counter briefly; the duty
    handler's rights are two small reads of their own permissions."""
    project = ProjectFactory(company=company_a, duty_handler=staff_a)
    client = api_as(integrator_a)
    counts, team = [], 1
    for joining in (1, 10):
        UserFactory.create_batch(joining, company=company_a, role=roles.FRONTLINE_STAFF)
        team += joining
        client.post("/api/v1/complaints/", create_body(project), format="json")
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/v1/complaints/", create_body(project), format="json")
        assert response.status_code == 201 and response.json()["status"] == "assigned"
        assert Notification.objects.filter(complaint_id=response.json()["id"]).count() == team
        counts.append(len(queries))
    # PostgreSQL checks the foreign keys before the counter is taken: one statement more.
    assert counts[0] == counts[1] <= 20 + (connection.vendor == "postgresql"), counts
