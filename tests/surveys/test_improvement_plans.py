"""Improvement plans made on the page and through the API are the same plan: the same baseline, the
same survey, the same company and the same people refused as owner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import ImprovementPlan, Indicator, Respondent
from tests.conftest import api_as

from .conftest import make_owner, questions_of


def answered_survey(plan_factory, project, *, value: int):
    """This year's phone survey of ``project`` with one owner's answers, every one ``value``."""
    make_owner(project)
    plan = plan_factory(method="phone", project=project)
    services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.get(plan=plan)
    answers = {
        q.pk: services.AnswerInput(value=value, expectation=value if q.kind == "pair" else None, text="x")
        for q in questions_of(respondent).values()
    }
    assert services.answers_save(respondent=respondent, answers=answers, complete=True).completed
    return plan


def plan_body(project, owner, **extra) -> dict:
    return {
        "project": project.pk,
        "indicator": Indicator.objects.get(code="cleaning").pk,
        "goal": "提升清洁",
        "department": "property",
        "owner": owner.pk,
        "deadline": str(timezone.localdate() + timedelta(days=60)),
        "measures": "增加保洁频次",
        **extra,
    }


def test_the_api_and_the_page_record_the_same_baseline(client, manager_a, project_a, plan_factory):
    survey = answered_survey(plan_factory, project_a, value=2)  # 2 of 5 is 25 of 100
    client.force_login(manager_a)
    page = client.post("/surveys/improvements/new/", plan_body(project_a, manager_a, goal="页面"))
    assert page.status_code == 302, page.content.decode()
    api = api_as(manager_a).post("/api/v1/improvement-plans/", plan_body(project_a, manager_a), format="json")
    assert api.status_code == 201, api.data
    from_page = ImprovementPlan.objects.get(goal="页面")
    from_api = ImprovementPlan.objects.get(pk=api.data["id"])
    assert from_page.baseline_score == 25.0
    assert (from_api.baseline_score, from_api.survey_id) == (from_page.baseline_score, survey.pk)
    assert api.data["baseline_score"] == 25.0 and api.data["survey"] == survey.pk


def test_without_a_completed_survey_there_is_no_baseline(manager_a, project_a, plan_factory):
    survey = plan_factory(method="phone")  # planned this year, nobody answered yet
    response = api_as(manager_a).post(
        "/api/v1/improvement-plans/", plan_body(project_a, manager_a), format="json"
    )
    assert response.status_code == 201, response.data
    assert (response.data["baseline_score"], response.data["survey"]) == (None, survey.pk)


@pytest.mark.parametrize("person", ["integrator_a", "auditor", "staff_b"])
def test_nobody_outside_the_company_staff_owns_a_plan_on_the_page_or_the_api(
    request, client, group_user, project_a, person
):
    """An API-only integrator, an auditor (reads only) or a member of another company's staff is
    refused as owner on both paths, and by the service itself."""
    owner = request.getfixturevalue(person)
    body = plan_body(project_a, owner)
    client.force_login(group_user)
    page = client.post("/surveys/improvements/new/", body)
    assert page.status_code == 200 and page.context["form"].errors
    api = api_as(group_user).post("/api/v1/improvement-plans/", body, format="json")
    assert api.status_code == 400
    assert not ImprovementPlan.objects.exists()


@pytest.mark.parametrize("person", ["integrator_a", "auditor"])
def test_the_service_refuses_an_integrator_or_auditor_as_owner(request, manager_a, project_a, person):
    """The page and the API only offer staff who may own plans; the service holds the same rule for
    every other caller (it used to check only the owner's company)."""
    from core.exceptions import DomainError

    with pytest.raises(DomainError) as refused:
        services.improvement_plan_create(
            company=project_a.company,
            project=project_a,
            indicator=Indicator.objects.get(code="cleaning"),
            goal="g",
            department="property",
            owner=request.getfixturevalue(person),
            deadline=timezone.localdate(),
            measures="m",
            by=manager_a,
        )
    assert refused.value.code == "owner_company"


def test_a_group_user_names_the_company_through_the_project(client, group_user, manager_a, project_a):
    body = {**plan_body(project_a, manager_a), "project": ""}
    client.force_login(group_user)
    page = client.post("/surveys/improvements/new/", body)
    assert page.status_code == 200
    assert page.context["form"].errors["project"] == ["请选择项目（集团用户通过项目为公司制定计划）。"]
    api = api_as(group_user).post("/api/v1/improvement-plans/", {**body, "project": None}, format="json")
    assert api.status_code == 400 and "project" in api.data
    made = api_as(group_user).post(
        "/api/v1/improvement-plans/", plan_body(project_a, manager_a), format="json"
    )
    assert made.status_code == 201 and made.data["company"] == project_a.company_id


def test_a_company_user_plans_for_the_whole_company_on_the_page(client, manager_a, project_a, plan_factory):
    answered_survey(plan_factory, project_a, value=2)
    client.force_login(manager_a)
    page = client.post("/surveys/improvements/new/", {**plan_body(project_a, manager_a), "project": ""})
    assert page.status_code == 302, page.content.decode()
    plan = ImprovementPlan.objects.get()
    assert (plan.company, plan.project, plan.baseline_score) == (project_a.company, None, 25.0)


def test_the_baseline_reads_only_the_company_of_the_plan(manager_a, staff_b, project_a, plan_factory):
    """Another company's answers of a later year do not move the baseline or its survey."""
    from surveys import selectors
    from tests.factories import ProjectFactory

    survey = answered_survey(plan_factory, project_a, value=2)
    elsewhere = ProjectFactory(company=staff_b.company)
    later = answered_survey(plan_factory, elsewhere, value=5)
    Respondent.objects.filter(plan=later).update(year=survey.year + 1)
    baseline = selectors.improvement_baseline(
        user=manager_a,
        company=project_a.company,
        project=project_a,
        indicator=Indicator.objects.get(code="cleaning"),
    )
    assert (baseline.survey, baseline.score) == (survey, 25.0)


def test_the_improvement_list_queries_do_not_grow_with_plans(client, manager_a, project_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager_a)
    counts = []
    for more in (1, 5):
        for _ in range(more):
            services.improvement_plan_create(
                project=project_a,
                indicator=Indicator.objects.get(code="cleaning"),
                goal="提升清洁",
                department="property",
                owner=manager_a,
                deadline=timezone.localdate() - timedelta(days=1),
                measures="增加保洁频次",
                by=manager_a,
            )
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/surveys/improvements/?show=overdue")
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
