import re

import yaml


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
    channel = schema["components"]["schemas"][complaint["channel"]["allOf"][0]["$ref"].split("/")[-1]]
    assert "hotline" in channel["enum"]
    assert set(paths["/api/v1/units/{id}/"]["get"]["responses"]) >= {"200", "401", "403", "404"}
