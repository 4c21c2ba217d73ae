"""The API as an integrator meets it: a client generated from ``/api/schema/`` by a generator nobody
here wrote (openapi-python-client), used as it comes out (issue 20).

The client is generated at test time from a Chinese and an English download (they must give the
same code), every module is imported, and an integrator's short day runs through it against the live
server: upsert a customer, file complaints with and without a unit, page the list, take a complaint
through its states, send survey answers. Every request must be JSON and every answer must parse into
the generated models."""

import filecmp
import importlib
import pkgutil
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.signals import request_started
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from complaints.models import Complaint
from organization import roles
from surveys import services as survey_services
from surveys.catalogue import install_default_catalogue
from surveys.models import Respondent
from tests.factories import ProjectFactory, UnitFactory, UserFactory
from tests.surveys.conftest import make_owner, questions_of

PACKAGE = "vanke_crm_client"
# No post-generation hooks: the code is imported as generated, never formatted or fixed.
CONFIG = "post_hooks: []\n"


def generate(schema: bytes, folder) -> None:
    folder.mkdir()
    (folder / "schema.json").write_bytes(schema)
    (folder / "config.yaml").write_text(CONFIG)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(folder / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def same_tree(comparison: filecmp.dircmp) -> bool:
    if comparison.left_only or comparison.right_only or comparison.diff_files or comparison.funny_files:
        return False
    return all(same_tree(sub) for sub in comparison.subdirs.values())


@pytest.fixture(scope="module")
def client_package(tmp_path_factory, django_db_blocker):
    """The generated package, importable; generated from a Chinese and an English download."""
    root = tmp_path_factory.mktemp("generated")
    with django_db_blocker.unblock():
        downloads = {
            language: Client().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language)
            for language in ("zh-hans", "en")
        }
    for language, response in downloads.items():
        assert response.status_code == 200
        generate(response.content, root / language)
    comparison = filecmp.dircmp(root / "zh-hans" / PACKAGE, root / "en" / PACKAGE, ignore=["__pycache__"])
    assert same_tree(comparison), "the Chinese and the English schema generate different clients"
    sys.path.insert(0, str(root / "en"))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root / "en"))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_every_generated_module_imports(client_package):
    modules = list(pkgutil.walk_packages(client_package.__path__, f"{PACKAGE}."))
    failures = []
    for module in modules:
        try:
            importlib.import_module(module.name)
        except Exception as error:  # every import error is reported, not only the first
            failures.append(f"{module.name}: {error!r}")
    assert failures == []
    assert len([m for m in modules if m.name.startswith(f"{PACKAGE}.api.v1.")]) > 100


@pytest.fixture
def content_types():
    """What the server received: (method, path, Content-Type) of every request with a body."""
    seen = []

    def record(sender, environ=None, **kwargs):
        if environ and environ.get("REQUEST_METHOD") in {"POST", "PUT", "PATCH"}:
            seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("CONTENT_TYPE", "")))

    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


def ok(response, status=200):
    """The answer has the expected status and parsed into the generated model (not None)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response.parsed is not None, response.content[:500]
    return response.parsed


@pytest.mark.django_db(transaction=True)
def test_an_integrators_day_through_the_generated_client(client_package, live_server, content_types):
    from vanke_crm_client import AuthenticatedClient
    from vanke_crm_client.api.v1 import (
        v1_complaints_callbacks_create,
        v1_complaints_create,
        v1_complaints_list,
        v1_complaints_retrieve,
        v1_complaints_transition_create,
        v1_customers_create,
        v1_customers_partial_update,
        v1_survey_respondents_answers_create,
        v1_survey_respondents_list,
    )
    from vanke_crm_client.models import (
        AnswerItemInputRequest,
        AnswersInputRequest,
        CallbackInputRequest,
        CategoryEnum,
        ComplaintChannelEnum,
        ComplaintCreateInputRequest,
        ComplaintStatusEnum,
        CustomerUpsertInputRequest,
        PatchedCustomerUpdateInputRequest,
        TaskOutcomeInputEnum,
        TransitionInputRequest,
    )
    from vanke_crm_client.types import UNSET

    install_default_catalogue()  # transactional tests flush what the migrations installed
    project = ProjectFactory(name="四季花城")
    unit = UnitFactory(building__project=project)
    company = project.company
    integrator = UserFactory(username="integrator", company=company, role=roles.INTEGRATOR)
    handler = UserFactory(username="handler", company=company, role=roles.FRONTLINE_STAFF)
    manager = UserFactory(username="manager", company=company, role=roles.COMPANY_MANAGER)
    api = AuthenticatedClient(
        base_url=live_server.url,
        token=Token.objects.create(user=integrator).key,
        prefix="Token",
        raise_on_unexpected_status=True,
    )

    # Morning: the sales system pushes a customer, twice (an upsert), then corrects a field.
    body = CustomerUpsertInputRequest(name="王芳", phone="13800001111", external_id="crm-1")
    customer = ok(v1_customers_create.sync_detailed(client=api, body=body), 201)
    again = ok(v1_customers_create.sync_detailed(client=api, body=body), 200)
    assert again.id == customer.id
    patched = ok(
        v1_customers_partial_update.sync_detailed(
            id=str(customer.id),
            client=api,
            body=PatchedCustomerUpdateInputRequest(occupation="教师", version=again.version),
        )
    )
    assert patched.occupation == "教师"

    # The call centre files complaints: an owner's about a unit, an anonymous caller's without one.
    filed = []
    for unit_id, customer_id in ((unit.pk, customer.id), (None, None)):
        complaint = ok(
            v1_complaints_create.sync_detailed(
                client=api,
                body=ComplaintCreateInputRequest(
                    project=project.pk,
                    channel=ComplaintChannelEnum.HOTLINE,
                    category=CategoryEnum.CONSTRUCTION,
                    title="卫生间渗水",
                    description="楼下天花板有水渍",
                    unit=unit_id,
                    customer=customer_id,
                ),
            ),
            201,
        )
        filed.append(complaint)
    assert [c.unit for c in filed] == [unit.pk, None]

    # Page the list, one complaint a page, by the cursor the server wrote.
    seen, cursor = [], UNSET
    while True:
        page = ok(v1_complaints_list.sync_detailed(client=api, page_size=1, cursor=cursor))
        seen += [row.id for row in page.results]
        if not page.next_:
            break
        cursor = page.next_.split("cursor=")[1].split("&")[0]
    assert sorted(seen) == sorted(c.id for c in filed)

    # The complaint moves through its states: assigned to a handler, resolved, called back, closed.
    complaint_id = str(filed[0].id)
    for step in (
        TransitionInputRequest(status=ComplaintStatusEnum.ASSIGNED, handler=handler.pk, note="派单"),
        TransitionInputRequest(status=ComplaintStatusEnum.IN_PROGRESS, note="上门查看"),
        TransitionInputRequest(status=ComplaintStatusEnum.RESOLVED, note="已修复"),
    ):
        moved = ok(v1_complaints_transition_create.sync_detailed(id=complaint_id, client=api, body=step))
        assert moved.status == step.status
    ok(
        v1_complaints_callbacks_create.sync_detailed(
            id=complaint_id,
            client=api,
            body=CallbackInputRequest(outcome=TaskOutcomeInputEnum.SATISFIED, note="业主满意"),
        ),
        201,
    )
    closed = ok(
        v1_complaints_transition_create.sync_detailed(
            id=complaint_id, client=api, body=TransitionInputRequest(status=ComplaintStatusEnum.CLOSED)
        )
    )
    assert closed.status == ComplaintStatusEnum.CLOSED
    detail = ok(v1_complaints_retrieve.sync_detailed(id=complaint_id, client=api))
    assert detail.status == ComplaintStatusEnum.CLOSED
    assert Complaint.objects.get(pk=filed[0].id).status == "closed"

    # Afternoon: the phone survey's answers, a list of objects, for a sampled owner.
    make_owner(project)
    today = timezone.localdate()
    plan = survey_services.plan_create(
        project=project,
        year=today.year,
        name="磨合期调查",
        stage="run_in",
        segment="",
        sample_size=5,
        method="phone",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        by=manager,
    )
    assert survey_services.plan_draw_sample(plan=plan) == 1
    respondents = ok(v1_survey_respondents_list.sync_detailed(client=api, plan=plan.pk)).results
    assert respondents and respondents[0].link is None
    respondent = Respondent.objects.get(pk=respondents[0].id)
    answers = [
        AnswerItemInputRequest(
            question=question.pk, value=4, expectation=3 if question.kind == "pair" else None, text="好"
        )
        for question in questions_of(respondent).values()
    ]
    answered = ok(
        v1_survey_respondents_answers_create.sync_detailed(
            id=str(respondent.pk), client=api, body=AnswersInputRequest(answers=answers)
        )
    )
    assert answered.completed

    # Every body went out as JSON: no multipart, no form encoding.
    assert content_types
    assert {content_type for _, _, content_type in content_types} == {"application/json"}, content_types
