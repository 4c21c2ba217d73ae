import pytest
from django.utils import timezone

from complaints.models import Complaint
from repairs.models import RepairRequest, Status
from tests.conftest import api_as

from .conftest import window

pytestmark = pytest.mark.django_db

URL = "/api/v1/repairs/"


def _iso(moments):
    return {key: value.isoformat() for key, value in moments.items()}


def _create(client, unit, defect_type, **extra):
    body = {"unit": unit.pk, "defect_type": defect_type.pk, "description": "卫生间天花板漏水", **extra}
    return client.post(URL, body, format="json")


def test_the_whole_flow_through_the_api(staff_a, unit_a, owner_a, leak, contractor):
    client = api_as(staff_a)
    response = _create(client, unit_a, leak, customer=owner_a.pk, channel="phone")
    assert response.status_code == 201, response.content
    repair = response.json()
    assert repair["status"] == "received" and repair["warranty"] is True and repair["version"] == 1
    detail = f"{URL}{repair['id']}/"

    response = client.post(
        f"{detail}dispatch/", {"contractor": contractor.pk, "version": 1, **_iso(window())}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dispatched"
    response = client.post(f"{detail}visit/", {"outcome": "fixed", "version": 2}, format="json")
    assert response.json()["status"] == "fixed"
    response = client.post(f"{detail}follow-up/", {"fixed": True, "version": 3}, format="json")
    assert response.json()["status"] == "closed" and response.json()["confirmed_via"] == "call"

    shown = client.get(detail).json()
    assert [visit["outcome"] for visit in shown["visits"]] == ["fixed"]
    assert [event["kind"] for event in shown["events"]] == ["created", "dispatched", "visited", "confirmed"]


def test_a_stale_version_is_409(staff_a, make_repair, contractor):
    repair = make_repair()
    client = api_as(staff_a)
    body = {"contractor": contractor.pk, "version": 1, **_iso(window())}
    assert client.post(f"{URL}{repair.pk}/dispatch/", body, format="json").status_code == 200
    response = client.post(f"{URL}{repair.pk}/dispatch/", body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "stale_version"


def test_convert_makes_one_complaint_linked_both_ways(staff_a, make_repair):
    repair = make_repair()
    client = api_as(staff_a)
    response = client.post(f"{URL}{repair.pk}/convert/", {"version": 1}, format="json")
    assert response.status_code == 200, response.content
    complaint = Complaint.objects.get()
    assert response.json()["complaint"] == complaint.pk and response.json()["status"] == "converted"
    again = client.post(f"{URL}{repair.pk}/convert/", {"version": 2}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_converted"
    assert Complaint.objects.count() == 1


def test_other_companies_repairs_are_404(staff_b, make_repair):
    repair = make_repair()
    client = api_as(staff_b)
    assert client.get(f"{URL}{repair.pk}/").status_code == 404
    assert client.post(f"{URL}{repair.pk}/convert/", {"version": 1}, format="json").status_code == 404
    assert client.get(URL).json()["results"] == []


def test_another_companys_unit_is_refused(staff_b, unit_a, leak):
    assert _create(api_as(staff_b), unit_a, leak).status_code == 400


def test_roles(auditor, integrator_a, make_repair, unit_a, leak):
    repair = make_repair()
    assert api_as(auditor).get(f"{URL}{repair.pk}/").status_code == 200
    assert _create(api_as(auditor), unit_a, leak).status_code == 403
    assert (
        api_as(auditor).post(f"{URL}{repair.pk}/convert/", {"version": 1}, format="json").status_code == 403
    )
    assert _create(api_as(integrator_a), unit_a, leak).status_code == 201
    assert (
        api_as(integrator_a).post(f"{URL}{repair.pk}/convert/", {"version": 1}, format="json").status_code
        == 403
    )


def test_filters(staff_a, make_repair):
    first, second = make_repair(), make_repair()
    RepairRequest.objects.filter(pk=first.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    client = api_as(staff_a)
    assert [row["id"] for row in client.get(URL, {"status": "received"}).json()["results"]] == [second.pk]
    assert [row["id"] for row in client.get(URL).json()["results"]] == [second.pk, first.pk]
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_the_owners_word_passed_on_by_staff_and_the_second_failure_makes_a_complaint(
    staff_a, make_repair, contractor
):
    repair = make_repair()
    client = api_as(staff_a)
    detail = f"{URL}{repair.pk}/"
    version = 1
    for round_ in range(2):
        body = {"contractor": contractor.pk, "version": version, **_iso(window())}
        version = client.post(f"{detail}dispatch/", body, format="json").json()["version"]
        version = client.post(
            f"{detail}visit/", {"outcome": "fixed", "version": version}, format="json"
        ).json()["version"]
        answer = client.post(f"{detail}confirm/", {"fixed": False, "version": version}, format="json").json()
        version = answer["version"]
        assert answer["status"] == ("redo" if round_ == 0 else "converted")
    assert answer["conversion_reason"] == "redone"
    assert Complaint.objects.get().pk == answer["complaint"]


# --- photos over the API (multipart/form-data, checked as a complaint's attachments) ----------------

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _file(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def _upload(client, repair, name="leak.png", content=PNG, content_type="image/png"):
    return client.post(
        f"{URL}{repair.pk}/photos/", {"file": _file(name, content, content_type)}, format="multipart"
    )


def test_a_photo_is_added_over_the_api(staff_a, make_repair, client):
    repair = make_repair()
    response = _upload(api_as(staff_a), repair)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["original_name"], body["content_type"]) == ("leak.png", "image/png")
    assert repair.photos.get().added_by == staff_a
    client.force_login(staff_a)
    download = client.get(body["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/png"


def test_a_photo_upload_refuses_what_a_complaint_refuses(staff_a, make_repair):
    from django.utils import translation

    repair = make_repair()
    client = api_as(staff_a)
    with translation.override("en"):
        html = _upload(client, repair, name="leak.jpg", content=b"<html><script>", content_type="image/jpeg")
    assert html.status_code == 400 and html.json()["code"] == "attachment_not_accepted"
    response = client.post(f"{URL}{repair.pk}/photos/", {"file": "x"}, format="json")
    assert response.status_code == 415  # multipart only
    assert repair.photos.count() == 0


def test_a_refused_photo_is_told_in_the_callers_language(staff_a, make_repair):
    repair = make_repair()
    client = api_as(staff_a)
    answers = {
        language: client.post(
            f"{URL}{repair.pk}/photos/",
            {"file": _file("leak.html", b"<html>", "text/html")},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        for language in ("en", "zh-hans")
    }
    assert {answer.status_code for answer in answers.values()} == {400}
    assert "不接受“leak.html”" in answers["zh-hans"].json()["detail"]
    assert "leak.html" in answers["en"].json()["detail"]
    assert answers["en"].json()["detail"] != answers["zh-hans"].json()["detail"]


def test_at_most_so_many_photos_per_repair(staff_a, make_repair, monkeypatch):
    from complaints import rules as complaint_rules

    monkeypatch.setattr(complaint_rules, "MAX_ATTACHMENTS_PER_COMPLAINT", 1)
    repair = make_repair()
    client = api_as(staff_a)
    assert _upload(client, repair).status_code == 201
    response = _upload(client, repair)
    assert response.status_code == 409 and response.json()["code"] == "too_many_attachments"


def test_photos_of_another_companys_repair_are_404(staff_b, auditor, make_repair):
    repair = make_repair()
    assert _upload(api_as(staff_b), repair).status_code == 404
    assert _upload(api_as(auditor), repair).status_code in (403, 404)
    assert repair.photos.count() == 0


def test_the_photo_upload_is_documented_as_multipart_only(staff_a):
    schema = api_as(staff_a).get("/api/schema/?format=json").json()
    body = schema["paths"]["/api/v1/repairs/{id}/photos/"]["post"]["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    assert body["multipart/form-data"]["schema"]["$ref"].endswith("RepairPhotoUploadInputRequest")
