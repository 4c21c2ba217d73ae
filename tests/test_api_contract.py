"""The API against its own OpenAPI schema (schemathesis, every check, 20 examples an operation): no
server errors, no undocumented statuses or content types, bodies that match the documented schemas,
invalid requests refused and valid ones accepted."""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS as CHECK_REGISTRY
from schemathesis.checks import load_all_checks
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import positive_data_acceptance

from organization import roles
from tests.factories import ComplaintFactory, CustomerFactory, PurchaseFactory, UnitFactory, UserFactory
from vanke_crm.wsgi import application

# Every built-in check (what `st run --checks all` runs): server errors, status codes, content
# types, headers, body schemas, negative data rejected, positive data accepted, auth ignored, …
load_all_checks()
EXAMPLES = 20

# positive_data_acceptance with the refusals no schema can express, and only those: a cursor the
# server did not write, an id of a row that does not exist (or that the caller may not see), a
# moment outside the years the database holds, a week that does not exist, a phone or URL that is
# not one, a number that is not one ("-" fits the decimal pattern), an empty list of rows, a
# business rule (a 400 with a `code`), a NUL byte in a property name the schema leaves open. Any
# other 400 for schema-valid data is a failure: the schema must say what the server enforces.
BEYOND_THE_SCHEMA = [
    re.compile(pattern)
    for pattern in (
        r"^Invalid cursor\.$",
        r"^Invalid pk .* - object does not exist\.$",
        r"^Object with .* does not exist\.$",
        r"^Give a moment between the years \d+ and \d+\.$",
        r"^There is no such week\.$",
        r"^Enter a mainland mobile number",
        r"^Enter a valid URL\.$",
        r"^A valid number is required\.$",
        r"^This list may not be empty\.$",
        r"^Group-level callers must say which company",
        r"^The birth date is in the future\.$",
        r"^The birth date is more than \d+ years ago\.$",
        r"^Enter a valid 18-character resident ID number\.$",
        r"^The received time must be on or after ",
        # Text of only spaces fits minLength 1 but is trimmed to blank (DRF's trim_whitespace).
        r"^This field may not be blank\.$",
    )
]
# Decimals travel as strings, whose pattern cannot say a lower bound (DRF's COERCE_DECIMAL_TO_STRING).
DECIMALS = {"price", "list_price", "area", "amount"}
DECIMAL_BOUND = re.compile(r"^Ensure (this value is greater than or equal to|that there are no more than) ")


# A field required only with another's value: the calendar's `working`, unless the day is removed.
CONDITIONALLY_REQUIRED = {("POST", "/api/v1/calendars/"): {"working"}}


def refused_beyond_the_schema(response, case) -> bool:
    if response.status_code != 400:
        return False
    try:
        body = json.loads(response.text)
    except ValueError:
        return False
    conditional = CONDITIONALLY_REQUIRED.get((case.method.upper(), case.path), set())
    if isinstance(body, dict) and body and set(body) <= conditional:
        return all(messages == ["This field is required."] for messages in body.values())
    if isinstance(body, dict) and body.get("code") == "null_character":
        # Free text the schema declares takes no NUL (its pattern says so); what schema-valid data
        # still carries one is a property name or a value the schema leaves open.
        return True
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        return True
    messages = list(_messages(body))
    return bool(messages) and all(_beyond_the_schema(field, message) for field, message in messages)


def _beyond_the_schema(field: str, message: str) -> bool:
    if field in DECIMALS and DECIMAL_BOUND.match(message):
        return True
    return any(pattern.match(message) for pattern in BEYOND_THE_SCHEMA)


def _messages(errors, field=""):
    """(field, message) of every message in a DRF error body, nested rows included."""
    if isinstance(errors, str):
        yield field, errors
    elif isinstance(errors, dict):
        for key, value in errors.items():
            yield from _messages(value, str(key))
    elif isinstance(errors, list):
        for value in errors:
            yield from _messages(value, field)


@schemathesis.check
def positive_data_acceptance_within_the_schema(ctx, response, case):
    try:
        return positive_data_acceptance(ctx, response, case)
    except Failure:
        if refused_beyond_the_schema(response, case):
            return None
        raise


CHECKS = [
    positive_data_acceptance_within_the_schema if check is positive_data_acceptance else check
    for check in CHECK_REGISTRY.get_all()
]


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
    # English messages: the refusals beyond the schema are recognised by their text.
    return {"Authorization": f"Token {Token.objects.create(user=user).key}", "Accept-Language": "en"}


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
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    # Every operation is tried and all failures are reported together (schemathesis raises a
    # FailureGroup, a BaseExceptionGroup: `except Exception` alone let the first one end the run).
    except (Exception, BaseExceptionGroup) as failure:
        return [f"{operation.method.upper()} {operation.path}: {failure}"]
    return []
