from datetime import date, timedelta

import pytest
from django.utils import timezone

from surveys import services
from surveys.catalogue import install_default_catalogue
from surveys.models import Question, Questionnaire, Respondent
from tests.factories import BuildingFactory, CustomerFactory, ProjectFactory, PurchaseFactory, UnitFactory


@pytest.fixture(autouse=True)
def catalogue(db):
    install_default_catalogue()  # idempotent; transactional tests flush what migrate installed


def make_owner(project, *, moved_in_days_ago=200, segment="", stage="owner", phone=None, company=None):
    """A customer of the project's company who bought a unit of the project."""
    kwargs = {"phone": phone} if phone else {}
    moved_in_on = timezone.localdate() - timedelta(days=moved_in_days_ago) if stage == "owner" else None
    customer = CustomerFactory(
        company=company or project.company, stage=stage, moved_in_on=moved_in_on, segment=segment, **kwargs
    )
    building = project.buildings.first() or BuildingFactory(project=project)
    PurchaseFactory(
        customer=customer,
        unit=UnitFactory(building=building),
        contract_date=date(2020, 1, 1),
        delivery_date=moved_in_on,
    )
    return customer


@pytest.fixture
def project_a(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


@pytest.fixture
def plan_factory(project_a, manager_a):
    def make(
        *, project=None, stage="run_in", sample_size=10, method="online", year=None, segment="", **extra
    ):
        today = timezone.localdate()
        return services.plan_create(
            project=project or project_a,
            year=year or today.year,
            name="年度满意度调查",
            stage=stage,
            segment=segment,
            sample_size=sample_size,
            method=method,
            opens_on=extra.pop("opens_on", today - timedelta(days=1)),
            closes_on=extra.pop("closes_on", today + timedelta(days=30)),
            by=manager_a,
            **extra,
        )

    return make


def questions_of(respondent: Respondent) -> dict[str, Question]:
    """The respondent's questions keyed by their indicator's code (or "comment" for free text)."""
    questions = Question.objects.filter(questionnaire_id=respondent.plan.questionnaire_id).select_related(
        "indicator"
    )
    return {(q.indicator.code if q.indicator else "comment"): q for q in questions}


def full_answers(respondent: Respondent, value: int = 4) -> dict:
    result = {}
    for question in questions_of(respondent).values():
        if question.kind == "text":
            result[question.pk] = services.AnswerInput(text="很好")
        elif question.kind == "pair":
            result[question.pk] = services.AnswerInput(value=value, expectation=value)
        else:
            result[question.pk] = services.AnswerInput(value=min(value, question.scale_max))
    return result


def owner_questionnaire() -> Questionnaire:
    return Questionnaire.objects.get(stage="run_in", segment="")
