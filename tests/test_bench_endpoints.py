"""The HTTP bench's bare reference endpoints (core.bench_api): absent unless BENCH_ENDPOINTS is on, and
even then only for a token-authenticated user who may record complaints."""

import importlib

import pytest
from django.urls import clear_url_caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import BenchRow

pytestmark = pytest.mark.django_db


def _reload_urls():
    import vanke_crm.urls

    importlib.reload(vanke_crm.urls)
    clear_url_caches()


@pytest.fixture
def bench_on(settings):
    settings.BENCH_ENDPOINTS = True
    _reload_urls()
    yield
    settings.BENCH_ENDPOINTS = False
    _reload_urls()


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_absent_without_the_setting(integrator_a):
    client = _token_client(integrator_a)
    assert client.post("/api/v1/bench/insert/").status_code == 404
    assert client.get("/api/v1/bench/select/1/").status_code == 404
    assert not BenchRow.objects.exists()


def test_integrator_inserts_and_selects(bench_on, integrator_a):
    client = _token_client(integrator_a)
    created = client.post("/api/v1/bench/insert/")
    assert created.status_code == 201
    row_id = created.json()["id"]
    assert client.get(f"/api/v1/bench/select/{row_id}/").json() == {"id": row_id, "label": "bench"}
    assert client.get(f"/api/v1/bench/select/{row_id + 1000}/").status_code == 404


def test_without_a_token_or_the_permission_refused(bench_on, integrator_a, auditor):
    session = APIClient()
    session.force_login(integrator_a)  # session sign-in is not enough: token only
    assert session.post("/api/v1/bench/insert/").status_code in (401, 403)
    assert _token_client(auditor).post("/api/v1/bench/insert/").status_code == 403
    assert not BenchRow.objects.exists()
