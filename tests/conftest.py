import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from organization import roles

from .factories import CompanyFactory, UserFactory


@pytest.fixture(autouse=True)
def fresh_cache():
    """What one test cached (the risk vocabulary it edited, guessing counters) is gone for the next;
    its database rows are rolled back, and the cache must not outlive them."""
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def site_language_afterwards():
    """A request in English leaves English active in this thread; the next test expects the site's."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def company_a(db):
    return CompanyFactory(name="深圳万科", city="深圳")


@pytest.fixture
def company_b(db):
    return CompanyFactory(name="北京万科", city="北京")


@pytest.fixture
def staff_a(company_a):
    return UserFactory(username="staff_a", company=company_a, role=roles.FRONTLINE_STAFF)


@pytest.fixture
def staff_b(company_b):
    return UserFactory(username="staff_b", company=company_b, role=roles.FRONTLINE_STAFF)


@pytest.fixture
def manager_a(company_a):
    return UserFactory(username="manager_a", company=company_a, role=roles.COMPANY_MANAGER)


@pytest.fixture
def group_user(db):
    return UserFactory(username="group_cr", company=None, role=roles.GROUP_CENTRE)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", company=None, role=roles.AUDITOR)


@pytest.fixture
def integrator_a(company_a):
    return UserFactory(username="integrator_a", company=company_a, role=roles.INTEGRATOR)


@pytest.fixture
def api_client():
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def eager_celery():
    from vanke_crm.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def dead_broker(monkeypatch):
    """The broker is unreachable (nothing listens on port 1): publishing raises at once."""
    from vanke_crm.celery import app

    def reconnect(url):
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.broker_url = url

    dead = "redis://127.0.0.1:1/0"
    previous = app.conf.broker_url
    # Celery reads CELERY_BROKER_URL from the environment before its own setting (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    reconnect(dead)
    yield
    monkeypatch.undo()
    reconnect(previous)
