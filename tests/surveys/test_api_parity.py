"""The survey pages' reads and actions through the API (issue 16 §1): the questionnaires with their
questions and the indicator tree, closing a survey, an improvement plan's follow-up notes, and the
scorecard's weights; the same services, refusals, scoping and roles."""

from datetime import timedelta

import pytest
import yaml
from django.utils import timezone

from surveys import services
from surveys.models import ImprovementPlan, Indicator, Question, Questionnaire, ScorecardWeights, SurveyPlan
from tests.conftest import api_as

from .conftest import make_owner

pytestmark = pytest.mark.django_db


# --- The catalogue -------------------------------------------------------------------------------


def test_questionnaires_come_with_their_questions_in_order(integrator_a):
    questionnaire = Questionnaire.objects.filter(stage="run_in", segment="").get()
    client = api_as(integrator_a)
    listed = client.get("/api/v1/survey-questionnaires/")
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()} == set(Questionnaire.objects.values_list("id", flat=True))
    detail = client.get(f"/api/v1/survey-questionnaires/{questionnaire.pk}/").json()
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("order", "id"))
    assert (detail["name"], detail["stage"], detail["segment"]) == (questionnaire.name, "run_in", "")
    assert [q["id"] for q in detail["questions"]] == [q.pk for q in questions]
    first = detail["questions"][0]
    assert set(first) == {"id", "order", "text", "kind", "indicator", "scale_max", "required"}
    assert first["indicator"] == questions[0].indicator_id


def test_the_indicator_tree_is_read_with_its_parents(staff_a):
    rows = api_as(staff_a).get("/api/v1/survey-indicators/").json()
    by_code = {row["code"]: row for row in rows}
    cleaning = Indicator.objects.get(code="cleaning")
    assert by_code["cleaning"]["parent"] == cleaning.parent_id
    assert {row["level"] for row in rows} == {"assessment", "direction", "operation"}
    assert all(row["parent"] is None for row in rows if row["level"] == "assessment")


def test_the_catalogue_needs_the_survey_read_permissions(company_a):
    from organization.models import User

    nobody = User.objects.create_user(username="nobody", password="x", company=company_a)
    client = api_as(nobody)
    assert client.get("/api/v1/survey-questionnaires/").status_code == 403
    assert client.get("/api/v1/survey-indicators/").status_code == 403
    assert api_as(nobody).get("/api/v1/survey-questionnaires/999999/").status_code == 403


# --- Closing a survey ----------------------------------------------------------------------------


def test_a_manager_closes_a_survey_as_on_the_page(manager_a, staff_a, plan_factory, project_a):
    make_owner(project_a)
    plan = plan_factory()
    services.plan_draw_sample(plan=plan)
    url = f"/api/v1/survey-plans/{plan.pk}/close/"
    assert api_as(staff_a).post(url).status_code == 403
    response = api_as(manager_a).post(url)
    assert response.status_code == 200 and response.json()["status"] == "closed"
    plan.refresh_from_db()
    assert plan.status == SurveyPlan.Status.CLOSED
    assert not plan.respondents.exclude(next_reminder_at=None).exists()


def test_another_companys_survey_is_not_found(plan_factory, company_b):
    from organization import roles
    from tests.factories import UserFactory

    plan = plan_factory()
    manager_b = UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)
    assert api_as(manager_b).post(f"/api/v1/survey-plans/{plan.pk}/close/").status_code == 404
    plan.refresh_from_db()
    assert plan.status == SurveyPlan.Status.DRAFT


# --- Improvement plans: follow-up notes, moving on and closing -----------------------------------


def a_plan(manager_a, project_a) -> ImprovementPlan:
    return services.improvement_plan_create(
        project=project_a,
        indicator=Indicator.objects.get(code="cleaning"),
        goal="提升清洁",
        department="property",
        owner=manager_a,
        deadline=timezone.localdate() + timedelta(days=60),
        measures="增加保洁频次",
        by=manager_a,
    )


def test_follow_up_notes_are_read_with_the_plan(manager_a, staff_a, project_a):
    plan = a_plan(manager_a, project_a)
    url = f"/api/v1/improvement-plans/{plan.pk}/"
    client = api_as(staff_a)
    started = client.post(f"{url}follow-up/", {"status": "in_progress", "note": "已招标"}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    done = client.post(f"{url}follow-up/", {"status": "done", "note": "完成"}, format="json")
    assert done.status_code == 200 and done.json()["finished_at"] is not None
    back = client.post(f"{url}follow-up/", {"status": "open"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert back.status_code == 409
    assert back.json() == {"detail": "This status change is not allowed.", "code": "invalid_transition"}
    empty = client.post(f"{url}follow-up/", {}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "empty_follow_up"
    detail = client.get(url).json()
    assert [(n["author"], n["text"]) for n in detail["notes"]] == [
        (staff_a.pk, "已招标"),
        (staff_a.pk, "完成"),
    ]


def test_improvement_plans_of_another_company_or_without_the_right(
    manager_a, staff_b, auditor, integrator_a, project_a
):
    plan = a_plan(manager_a, project_a)
    url = f"/api/v1/improvement-plans/{plan.pk}/follow-up/"
    assert api_as(staff_b).get(f"/api/v1/improvement-plans/{plan.pk}/").status_code == 404
    assert api_as(staff_b).post(url, {"note": "x"}, format="json").status_code == 404
    for user in (auditor, integrator_a):
        assert api_as(user).post(url, {"note": "x"}, format="json").status_code == 403
    assert not plan.notes.exists()


# --- Scorecard weights ---------------------------------------------------------------------------

WEIGHTS = "/api/v1/reports/surveys/scorecard/weights/"


def test_the_group_centre_sets_the_weights_as_on_the_page(group_user):
    body = {"year": 2026, "satisfaction": 40, "complaint_handling": 25, "loyalty": 20, "profit": 15}
    response = api_as(group_user).put(WEIGHTS, body, format="json")
    assert response.status_code == 200 and response.json() == body
    assert ScorecardWeights.objects.get(year=2026).complaint_handling == 25
    scorecard = api_as(group_user).get("/api/v1/reports/surveys/scorecard/", {"year": 2026}).json()
    assert scorecard["weights"]["profit"] == 15


def test_weights_break_the_rules_with_a_translated_400(group_user):
    client = api_as(group_user)
    body = {"year": 2026, "satisfaction": 40, "complaint_handling": 20, "loyalty": 20, "profit": 30}
    response = client.put(WEIGHTS, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"detail": "The weights must add up to 100.", "code": "sum_not_100"}
    lopsided = {"year": 2026, "satisfaction": 10, "complaint_handling": 20, "loyalty": 20, "profit": 50}
    assert client.put(WEIGHTS, lopsided, format="json").json()["code"] == "profit_above_satisfaction"
    assert not ScorecardWeights.objects.filter(year=2026).exists()


def test_only_the_group_centre_sets_weights(manager_a, integrator_a, auditor):
    body = {"year": 2026, "satisfaction": 40, "complaint_handling": 20, "loyalty": 20, "profit": 20}
    for user in (manager_a, integrator_a, auditor):
        assert api_as(user).put(WEIGHTS, body, format="json").status_code == 403


def test_the_schema_documents_the_new_survey_operations(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    close = paths["/api/v1/survey-plans/{id}/close/"]["post"]
    assert close["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SurveyPlan")
    detail = paths["/api/v1/survey-questionnaires/{id}/"]["get"]
    assert detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Questionnaire"
    )
    assert "/api/v1/survey-indicators/" in paths
    weights = paths["/api/v1/reports/surveys/scorecard/weights/"]["put"]
    assert weights["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/WeightsInputRequest"
    )
    assert {"400", "403"} <= set(weights["responses"])
    plan = paths["/api/v1/improvement-plans/{id}/"]["get"]["responses"]["200"]
    assert plan["content"]["application/json"]["schema"]["$ref"].endswith("/ImprovementPlanDetail")
