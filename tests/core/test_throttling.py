"""Guessing limits: passwords per account and per client address, API tokens per client address."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password, address="198.51.100.1", **extra):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **extra,
    )


def test_ten_failures_lock_the_account_for_fifteen_minutes(client, staff_a):
    for attempt in range(10):
        response = sign_in(client, staff_a.username, "wrong", address=f"198.51.100.{attempt + 1}")
        assert response.status_code == 200
    locked = sign_in(client, staff_a.username, PASSWORD, address="203.0.113.50")
    assert locked.status_code == 429
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    page = locked.content.decode()
    assert "登录失败次数过多" in page
    assert "15 分钟" in page
    assert "_auth_user_id" not in client.session
    # The same name in another case is the same account.
    assert sign_in(client, staff_a.username.upper(), PASSWORD, address="203.0.113.51").status_code == 429


def test_ten_failures_from_one_address_lock_the_address(client, staff_a, manager_a):
    for attempt in range(10):
        sign_in(client, f"nobody{attempt}", "wrong", address="198.51.100.7")
    assert sign_in(client, staff_a.username, PASSWORD, address="198.51.100.7").status_code == 429
    # A spoofed X-Forwarded-For does not get around it (no proxy is trusted by default) …
    spoofed = sign_in(
        client, staff_a.username, PASSWORD, address="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert spoofed.status_code == 429
    # … and other addresses are not affected.
    assert sign_in(client, manager_a.username, PASSWORD, address="198.51.100.8").status_code == 302


def test_a_success_clears_the_accounts_count(client, staff_a):
    for _ in range(9):
        sign_in(client, staff_a.username, "wrong", address="198.51.100.1")
    assert sign_in(client, staff_a.username, PASSWORD, address="198.51.100.2").status_code == 302
    client.logout()
    for _ in range(9):
        sign_in(client, staff_a.username, "wrong", address="198.51.100.3")
    assert sign_in(client, staff_a.username, PASSWORD, address="198.51.100.4").status_code == 302


def test_the_admin_login_form_is_the_throttled_one(client, staff_a):
    response = client.post("/admin/login/?next=/admin/", {"username": staff_a.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_invalid_api_tokens_are_throttled_per_address(db, staff_a):
    valid = Token.objects.create(user=staff_a).key
    guesser = APIClient(REMOTE_ADDR="198.51.100.9")
    for attempt in range(20):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {attempt:040d}")
        assert guesser.get("/api/v1/projects/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION=f"Token {valid}")
    throttled = guesser.get("/api/v1/projects/")
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/json"
    assert throttled.json()["detail"]
    assert 9 * 60 < int(throttled["Retry-After"]) <= 10 * 60
    other = APIClient(REMOTE_ADDR="198.51.100.10")
    other.credentials(HTTP_AUTHORIZATION=f"Token {valid}")
    assert other.get("/api/v1/projects/").status_code == 200
