"""Bad input is a 400 with a translated message, never a 500 (issue 12, item 15)."""

import pytest

from tests.conftest import api_as
from vanke_crm.urls import router


def list_urls() -> list[str]:
    """Every paginated list of the router (short reference lists such as service steps are not paged)."""
    return sorted(
        f"/api/v1/{prefix}/" for prefix, viewset, _basename in router.registry if viewset.pagination_class
    )


@pytest.fixture
def group_api(group_user):
    return api_as(group_user)


# Not base64, a NUL byte; positions "abc", "-1" and one past 64 bits (neither an id nor a moment);
# "o=x" is not an offset.
INVALID_CURSORS = ["garbage", "%00", "cD1hYmM=", "cD0tMQ==", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk=", "bz14"]


@pytest.mark.parametrize("url", list_urls())
def test_invalid_cursor_is_a_400_on_every_list(group_api, url):
    for cursor in INVALID_CURSORS:
        response = group_api.get(url, {"cursor": cursor})
        assert response.status_code == 400, (url, cursor, response.status_code, response.content[:300])
        assert response.json()["cursor"]
    assert group_api.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/complaints/", "received_after"),
        ("/api/v1/complaints/", "received_before"),
        ("/api/v1/club-events/", "starts_after"),
    ],
)
@pytest.mark.parametrize("offset", ["+20:00", "-23:59", "+99:00", "+15:59"])
def test_filter_moment_with_any_offset_is_never_a_500(group_api, url, parameter, offset):
    response = group_api.get(url, {parameter: f"2026-01-01T08:00:00{offset}"})
    assert response.status_code in (200, 400), (offset, response.status_code)
    if response.status_code == 400:
        assert parameter in response.json()


def test_filter_moment_out_of_range_is_a_400(group_api):
    response = group_api.get("/api/v1/club-events/", {"starts_after": "0001-01-01T00:00:00+14:00"})
    assert response.status_code == 400
    assert "starts_after" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        {"q": "张\x00伟"},
        {"status": "received\x00"},
        {"phone_tail": "56\x0078"},
        {"unmask": "1\x00"},
        {"received_after": "2026-01-01\x00"},
        {"company": "1\x00"},
    ],
)
@pytest.mark.parametrize("url", ["/api/v1/complaints/", "/api/v1/customers/", "/api/v1/members/"])
def test_a_nul_byte_in_a_query_is_a_translated_400(group_api, url, query):
    response = group_api.get(url, query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "null_character"
    assert "空字符" in response.json()["detail"]


def test_a_nul_byte_in_a_json_body_is_a_400(group_api, company_a):
    response = group_api.post(
        "/api/v1/customers/",
        '{"name": "王\\u0000芳", "phone": "13600001111", "company": ' + str(company_a.pk) + "}",
        content_type="application/json",
    )
    assert response.status_code == 400


def test_a_nul_byte_in_a_page_query_is_a_400(client, staff_a):
    client.force_login(staff_a)
    assert client.get("/complaints/", {"q": "a\x00b"}).status_code == 400
    assert client.get("/customers/", {"q": "a\x00b"}).status_code == 400
