import re

import pytest
import yaml

from tests.conftest import api_as


def test_swagger_ui_loads_nothing_from_outside(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(source.startswith("/") for source in sources), sources
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source


def test_schema_documents_the_public_endpoints_and_codes(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for endpoint in ("companies", "projects", "buildings", "units", "complaints"):
        assert f"/api/v1/{endpoint}/" in paths
        assert f"/api/v1/{endpoint}/{{id}}/" in paths
    complaint = schema["components"]["schemas"]["Complaint"]["properties"]
    channel = schema["components"]["schemas"][complaint["channel"]["$ref"].split("/")[-1]]
    assert "hotline" in channel["enum"]
    assert set(paths["/api/v1/units/{id}/"]["get"]["responses"]) >= {"200", "401", "403", "404"}


# --- The contract integrators generate clients from (issue 20) ------------------------------------


def schema_of(response) -> dict:
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_one_schema_in_every_language(client, db):
    """Generated clients name classes after titles and operation ids: a Chinese and an English
    download are the same bytes, and the identifiers are English."""
    english = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies["django_language"] = "zh-hans"
    cookie = client.get("/api/schema/")
    assert english.content == chinese.content == cookie.content
    assert "状态" not in english.content.decode()
    translated = client.get("/api/schema/?lang=zh-hans").content.decode()
    assert "状态" in translated  # Chinese for reading, on request


def test_bodies_are_json_and_the_upload_multipart(client, db):
    schema = schema_of(client.get("/api/schema/"))
    encodings = {
        (path, method): list(operation["requestBody"]["content"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    uploads = [
        ("/api/v1/complaints/{id}/attachments/", "post"),
        ("/api/v1/repairs/{id}/photos/", "post"),
        ("/api/v1/government-imports/", "post"),
    ]
    for upload in uploads:
        assert encodings.pop(upload) == ["multipart/form-data"], upload
    assert encodings and all(content == ["application/json"] for content in encodings.values())


def test_a_form_body_is_refused_with_415(group_user):
    response = api_as(group_user).post("/api/v1/customers/", {"name": "王"}, format="multipart")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"


def test_every_operation_documents_the_error_body(client, db):
    schema = schema_of(client.get("/api/schema/"))
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"detail", "code"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code in ("400", "401", "403", "404", "409", "429"):
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                assert body == error or error in body["anyOf"], (method, path, code)


def test_patch_bodies_require_the_version_they_carry(client, db):
    schema = schema_of(client.get("/api/schema/"))
    components = schema["components"]["schemas"]
    versioned = []
    for path, item in schema["paths"].items():
        if "patch" in item:
            ref = item["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            body = components[ref.rpartition("/")[2]]
            if "version" in body["properties"]:
                assert "version" in body.get("required", []), path
                versioned.append(path)
    assert "/api/v1/customers/{id}/" in versioned
    assert "/api/v1/club-events/{id}/" in versioned


def test_id_filters_and_page_size_say_their_minimum(client, db):
    schema = schema_of(client.get("/api/schema/"))
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/complaints/"]["get"]["parameters"]}
    assert parameters["project"]["minimum"] == 1
    assert parameters["page_size"] == {"type": "integer", "minimum": 1}
    assert "title" not in parameters["status"]


@pytest.mark.parametrize("size", ["null", "0", "-3", "x"])
def test_a_page_size_below_one_is_a_400(group_user, size):
    response = api_as(group_user).get(f"/api/v1/complaints/?page_size={size}")
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_large_page_size_is_capped(group_user):
    assert api_as(group_user).get("/api/v1/complaints/?page_size=1000").status_code == 200
