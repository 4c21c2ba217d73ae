"""Every error under /api/ is JSON (404 and 500 included), with DEBUG on and off; pages stay HTML."""

import pytest
from django.test import Client, RequestFactory

from core import exceptions
from organization.api import ProjectViewSet
from tests.conftest import api_as


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing/",
        "/api/nothing",
        "/api/v1/projects/1/extra/",
        "/api/v1/complaints/abc/",
        "/api/v1/customers/abc/",
        "/api/v1/complaints/abc/attachments/",
        "/api/v1/survey-plans/-1/",
    ],
)
def test_unknown_api_paths_are_json_404(debug, group_user, path):
    response = api_as(group_user).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_a_post_to_an_unknown_api_path_is_json_404_not_the_csrf_page(debug, group_user):
    # A client with a session cookie posting to a path no route matches (an id that is not a number):
    # before the CSRF check it is simply not found.
    client = Client(enforce_csrf_checks=True)
    client.force_login(group_user)
    response = client.post("/api/v1/complaints/abc/transition/", {}, content_type="application/json")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json()["code"] == "not_found"


def test_pages_keep_their_html_404(debug, client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_under_the_api_is_json_500_and_logged(debug, group_user, monkeypatch, caplog):
    def crash(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ProjectViewSet, "list", crash)
    client = Client(raise_request_exception=False)
    client.force_login(group_user)
    response = client.get("/api/v1/projects/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (lambda request: exceptions.bad_request(request, None), 400),
        (lambda request: exceptions.permission_denied(request, None), 403),
        (lambda request: exceptions.page_not_found(request, None), 404),
        (exceptions.server_error, 500),
    ],
)
def test_the_error_handlers_answer_json_under_the_api(db, handler, status):
    response = handler(RequestFactory().get("/api/v1/projects/"))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    page = handler(RequestFactory().get("/projects/"))
    assert page.status_code == status
    assert not page["Content-Type"].startswith("application/json")
