"""The API against its own OpenAPI schema (schemathesis): no server errors, no undocumented statuses,
bodies that match the documented schemas."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS as CHECK_REGISTRY
from schemathesis.checks import load_all_checks

from organization import roles
from tests.factories import ComplaintFactory, CustomerFactory, PurchaseFactory, UnitFactory, UserFactory
from vanke_crm.wsgi import application

# Every built-in check (what `st run --checks all` runs): server errors, status codes, content
# types, headers, body schemas, negative data rejected, positive data accepted, auth ignored, …
# Except positive_data_acceptance: an opaque cursor, a phone number or a date order can be
# schema-valid and still refused with a 400 that says why.
load_all_checks()
CHECKS = [check for check in CHECK_REGISTRY.get_all() if check.__name__ != "positive_data_acceptance"]


@pytest.fixture
def keep_test_connection():
    """Requests go through the real WSGI app, which closes DB connections at the end of each
    request; inside a test transaction it must not (Django's test client disconnects the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, company_a, keep_test_connection):
    unit = UnitFactory(building__project__company=company_a)
    customer = CustomerFactory(company=company_a)
    PurchaseFactory(customer=customer, unit=unit)
    ComplaintFactory(project=unit.building.project, unit=unit)
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def token_headers(db):
    user = UserFactory(username="contract", company=None, role=roles.GROUP_CENTRE)
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def test_api_conforms_to_its_schema(api_schema, token_headers):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 10
    failures = []
    for operation in operations:
        failures += check_operation(operation, token_headers)
    assert failures == [], "\n\n".join(failures)


def check_operation(operation, headers) -> list[str]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Exception as failure:  # every operation is tried; all failures are reported together
        return [f"{operation.method.upper()} {operation.path}: {failure}"]
    return []
