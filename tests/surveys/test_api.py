from datetime import timedelta

from django.utils import timezone

from core.models import OutboundMessage
from surveys.models import Answer, ImprovementPlan, Indicator, Respondent
from tests.conftest import api_as

from .conftest import make_owner, questions_of


def plan_body(project, **extra):
    today = timezone.localdate()
    return {
        "project": project.pk,
        "year": today.year,
        "name": "磨合期调查",
        "stage": "run_in",
        "sample_size": 5,
        "method": "phone",
        "opens_on": str(today),
        "closes_on": str(today + timedelta(days=30)),
        **extra,
    }


def test_plan_sample_and_answer_through_the_api(manager_a, integrator_a, project_a):
    for _ in range(2):
        make_owner(project_a)
    api = api_as(manager_a)
    response = api.post("/api/v1/survey-plans/", plan_body(project_a), format="json")
    assert response.status_code == 201, response.data
    plan_id = response.data["id"]
    assert api.post(f"/api/v1/survey-plans/{plan_id}/sample/").data == {"drawn": 2}
    assert api.post(f"/api/v1/survey-plans/{plan_id}/sample/").status_code == 409

    links = api.get(f"/api/v1/survey-respondents/?plan={plan_id}").data["results"]
    assert len(links) == 2 and all("/s/" in row["link"] for row in links)
    # The integrator posts phone answers by respondent id; it never gets the owner's link.
    rows = api_as(integrator_a).get(f"/api/v1/survey-respondents/?plan={plan_id}").data["results"]
    assert [row["link"] for row in rows] == [None, None]
    respondent = Respondent.objects.get(pk=links[0]["id"])
    questions = questions_of(respondent)
    bad = {"answers": [{"question": questions["layout"].pk, "value": 7}], "complete": True}
    response = api_as(integrator_a).post(
        f"/api/v1/survey-respondents/{respondent.pk}/answers/", bad, format="json"
    )
    assert response.status_code == 400
    assert "1 到 5" in response.data["errors"][str(questions["layout"].pk)]
    answers = [
        {"question": q.pk, "value": 4, "expectation": 3 if q.kind == "pair" else None, "text": "好"}
        for q in questions.values()
    ]
    response = api_as(integrator_a).post(
        f"/api/v1/survey-respondents/{respondent.pk}/answers/", {"answers": answers}, format="json"
    )
    assert response.status_code == 200 and response.data["completed"], response.data
    again = api_as(integrator_a).post(
        f"/api/v1/survey-respondents/{respondent.pk}/answers/", {"answers": answers}, format="json"
    )
    assert again.status_code == 409 and again.data["code"] == "already_answered"
    listed = api_as(integrator_a).get(f"/api/v1/survey-answers/?respondent={respondent.pk}").data["results"]
    assert len(listed) == Answer.objects.filter(respondent=respondent).count() == len(questions)


def test_frontline_staff_cannot_create_plans(staff_a, project_a):
    assert (
        api_as(staff_a).post("/api/v1/survey-plans/", plan_body(project_a), format="json").status_code == 403
    )


def test_surveys_of_other_companies_are_404(manager_a, staff_b, project_a, company_b):
    make_owner(project_a)
    plan_id = api_as(manager_a).post("/api/v1/survey-plans/", plan_body(project_a), format="json").data["id"]
    api_as(manager_a).post(f"/api/v1/survey-plans/{plan_id}/sample/")
    respondent = Respondent.objects.get()
    other = api_as(staff_b)
    assert other.get(f"/api/v1/survey-plans/{plan_id}/").status_code == 404
    assert other.get("/api/v1/survey-respondents/").data["results"] == []
    response = other.post(
        f"/api/v1/survey-respondents/{respondent.pk}/answers/", {"answers": []}, format="json"
    )
    assert response.status_code == 404
    assert other.get(f"/api/v1/reports/surveys/?year=2026&company={project_a.company_id}").status_code == 404


def test_a_sample_size_of_zero_is_a_400(manager_a, project_a):
    response = api_as(manager_a).post(
        "/api/v1/survey-plans/", plan_body(project_a, sample_size=0), format="json"
    )
    assert response.status_code == 400 and "sample_size" in response.data


def test_improvement_plans_api_with_overdue_filter(manager_a, project_a):
    api = api_as(manager_a)
    body = {
        "project": project_a.pk,
        "indicator": Indicator.objects.get(code="repair_response").pk,
        "goal": "维修响应提速",
        "department": "property",
        "owner": manager_a.pk,
        "deadline": str(timezone.localdate() - timedelta(days=1)),
        "measures": "24小时内上门",
    }
    response = api.post("/api/v1/improvement-plans/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["overdue"] is True
    assert [row["id"] for row in api.get("/api/v1/improvement-plans/?overdue=true").data["results"]] == [
        response.data["id"]
    ]
    assert api.get("/api/v1/improvement-plans/?overdue=false").data["results"] == []
    done = api.post(
        f"/api/v1/improvement-plans/{response.data['id']}/follow-up/",
        {"status": "done", "note": "完成"},
        format="json",
    )
    assert done.status_code == 200 and done.data["status"] == "done" and done.data["overdue"] is False
    assert ImprovementPlan.objects.get().notes.count() == 1


def test_report_and_scorecard_api(manager_a, project_a):
    year = timezone.localdate().year
    report = api_as(manager_a).get(f"/api/v1/reports/surveys/?year={year}")
    assert report.status_code == 200
    assert {"satisfaction", "loyalty", "indicators", "by", "questions", "response_rate"} <= set(report.data)
    card = api_as(manager_a).get(f"/api/v1/reports/surveys/scorecard/?year={year}")
    assert card.status_code == 200
    assert card.data["weights"]["satisfaction"] > card.data["weights"]["profit"]
    assert [row["company"] for row in card.data["companies"]] == [project_a.company_id]
    assert api_as(manager_a).get("/api/v1/reports/surveys/").status_code == 400


def test_no_sms_for_phone_plans_through_the_api(manager_a, project_a):
    make_owner(project_a)
    plan_id = api_as(manager_a).post("/api/v1/survey-plans/", plan_body(project_a), format="json").data["id"]
    api_as(manager_a).post(f"/api/v1/survey-plans/{plan_id}/sample/")
    assert not OutboundMessage.objects.exists()


def test_improvement_plan_detail_has_the_next_survey(manager_a, project_a):
    from surveys import services

    plan = services.improvement_plan_create(
        company=project_a.company,
        project=project_a,
        indicator=Indicator.objects.get(code="cleaning"),
        goal="提升清洁",
        department="property",
        owner=manager_a,
        deadline=timezone.localdate(),
        measures="增加保洁频次",
        by=manager_a,
    )
    response = api_as(manager_a).get(f"/api/v1/improvement-plans/{plan.pk}/")
    assert response.status_code == 200
    assert response.data["next_survey"] is None  # no later survey yet


def test_plans_and_respondents_for_every_segment_match_the_schema(manager_a, plan_factory):
    """segment is "" for a survey of every segment: the documented schema must allow it."""
    import jsonschema

    plan_factory(segment="")
    client = api_as(manager_a)
    schema = client.get("/api/schema/?format=json").json()
    row = client.get("/api/v1/survey-plans/").json()["results"][0]
    assert row["segment"] == ""
    document = {**schema["components"]["schemas"]["SurveyPlan"], "components": schema["components"]}
    jsonschema.validate(row, document)
    respondent = {**schema["components"]["schemas"]["Respondent"], "components": schema["components"]}
    jsonschema.validate({"segment": ""}, {**respondent, "required": []})
