from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import Answer, ImprovementPlan, Indicator, Respondent, SurveyPlan
from tests.factories import ProjectFactory

from .conftest import make_owner, questions_of


@pytest.fixture
def link(project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory()
    services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.get(plan=plan)
    return respondent, f"/s/{respondent.token}/"


def post_all(respondent, value="4", **extra):
    data = {}
    for question in questions_of(respondent).values():
        key = f"q{question.pk}"
        if question.kind == "text":
            data[f"{key}_text"] = "希望增加儿童游乐设施"
        else:
            data[key] = value
            if question.kind == "pair":
                data[f"{key}_exp"] = value
    data.update(extra)
    return data


def test_the_link_opens_without_login_in_chinese(client, link):
    _respondent, url = link
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "满意度调查" in page and "四季花城" in page
    assert 'name="viewport"' in page


def test_a_forged_token_is_a_translated_404_and_writes_nothing(client, link):
    response = client.post("/s/forged-token-that-does-not-exist/", {"submit": "1"})
    assert response.status_code == 404
    assert "链接无效" in response.content.decode()
    assert not Answer.objects.exists()


def test_answering_with_a_value_outside_the_scale_keeps_everything_typed(client, link):
    respondent, url = link
    questions = questions_of(respondent)
    data = post_all(respondent, submit="1")
    data[f"q{questions['layout'].pk}"] = "9"  # the scale is 1–5
    data[f"q{questions['cleaning'].pk}"] = "abc"
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择 1 到 5 之间的值" in page
    assert 'value="9"' not in page or "invalid" in page
    # what was valid is saved; the invalid ones are not, and the survey is not finished
    saved = set(Answer.objects.values_list("question_id", flat=True))
    assert questions["layout"].pk not in saved and questions["cleaning"].pk not in saved
    assert questions["doors_windows"].pk in saved
    respondent.refresh_from_db()
    assert respondent.status == Respondent.Status.STARTED
    # the typed free text comes back in the form
    assert "希望增加儿童游乐设施" in page


def test_save_and_come_back_later_then_submit(client, link):
    respondent, url = link
    layout = questions_of(respondent)["layout"]
    response = client.post(url, {f"q{layout.pk}": "2", "save": "1"})
    assert response.status_code == 200
    assert "已保存" in response.content.decode()
    page = client.get(url).content.decode()
    assert f'name="q{layout.pk}" value="2" checked' in page
    response = client.post(url, {"submit": "1"})
    assert "请回答所有标" in response.content.decode()  # required questions are still open
    response = client.post(url, post_all(respondent, value="5", submit="1"))
    assert response.status_code == 302
    assert "谢谢！" in client.get(url).content.decode()
    respondent.refresh_from_db()
    assert respondent.status == Respondent.Status.COMPLETED
    assert Answer.objects.get(question=layout).value == 5


def test_a_used_link_cannot_answer_again(client, link):
    respondent, url = link
    client.post(url, post_all(respondent, submit="1"))
    other = type(client)()  # another browser: no session
    response = other.post(url, post_all(respondent, value="1", submit="1"))
    assert response.status_code == 410
    assert "已经填写" in response.content.decode()
    assert set(Answer.objects.exclude(value=None).values_list("value", flat=True)) == {4}


def test_a_link_of_a_closed_survey_is_refused(client, link):
    respondent, url = link
    SurveyPlan.objects.filter(pk=respondent.plan_id).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    response = client.post(url, post_all(respondent, submit="1"))
    assert response.status_code == 404
    assert "已结束" in response.content.decode()
    assert not Answer.objects.exists()


def test_staff_enter_phone_answers(client, staff_a, project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory(method="phone")
    services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.get(plan=plan)
    client.force_login(staff_a)
    page = client.get(f"/surveys/plans/{plan.pk}/").content.decode()
    assert f"/surveys/respondents/{respondent.pk}/answer/" in page
    assert "****" in page  # the phone is masked
    response = client.post(f"/surveys/respondents/{respondent.pk}/answer/", post_all(respondent, submit="1"))
    assert response.status_code == 302
    respondent.refresh_from_db()
    assert respondent.status == Respondent.Status.COMPLETED and respondent.entered_by == staff_a


def test_other_companies_surveys_are_404(client, staff_b, project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory(method="phone")
    services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.get(plan=plan)
    client.force_login(staff_b)
    assert client.get(f"/surveys/plans/{plan.pk}/").status_code == 404
    assert (
        client.post(
            f"/surveys/respondents/{respondent.pk}/answer/", post_all(respondent, submit="1")
        ).status_code
        == 404
    )
    assert not Answer.objects.exists()
    assert plan.name not in client.get("/surveys/").content.decode()


def test_manager_plans_and_draws_from_the_page(client, manager_a, project_a):
    for _ in range(3):
        make_owner(project_a)
    client.force_login(manager_a)
    today = timezone.localdate()
    response = client.post(
        "/surveys/",
        {
            "project": project_a.pk,
            "year": today.year,
            "name": "磨合期调查",
            "stage": "run_in",
            "segment": "",
            "sample_size": 2,
            "method": "online",
            "opens_on": today,
            "closes_on": today + timedelta(days=20),
            "exclude_months": 12,
        },
    )
    assert response.status_code == 302
    plan = SurveyPlan.objects.get()
    response = client.post(f"/surveys/plans/{plan.pk}/sample/", follow=True)
    assert "已抽取 2 位受访者" in response.content.decode()


def test_frontline_staff_cannot_plan(client, staff_a, project_a):
    client.force_login(staff_a)
    assert client.post("/surveys/", {"project": project_a.pk}).status_code == 404
    assert not SurveyPlan.objects.exists()


def test_report_page_and_xlsx(client, manager_a, link):
    respondent, url = link
    client.post(url, post_all(respondent, value="5", submit="1"))
    client.force_login(manager_a)
    year = respondent.year
    page = client.get(f"/surveys/report/?year={year}").content.decode()
    assert "满意度" in page and "<svg" in page
    response = client.get(f"/surveys/report/?year={year}&format=xlsx")
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(response.content))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[1][0] == "满意度" and summary[1][1] == 100.0


def test_report_of_another_company_is_404(client, staff_a, company_b):
    client.force_login(staff_a)
    assert client.get(f"/surveys/report/?company={company_b.pk}").status_code == 404


def test_improvement_plan_from_the_page_and_overdue_flag(client, manager_a, project_a):
    client.force_login(manager_a)
    indicator = Indicator.objects.get(code="waterproofing")
    response = client.post(
        "/surveys/improvements/new/",
        {
            "project": project_a.pk,
            "indicator": indicator.pk,
            "goal": "渗漏问题减半",
            "department": "engineering",
            "owner": manager_a.pk,
            "deadline": timezone.localdate() + timedelta(days=60),
            "measures": "交付前闭水试验全覆盖",
        },
    )
    assert response.status_code == 302, response.content.decode()
    plan = ImprovementPlan.objects.get()
    assert plan.company == project_a.company
    ImprovementPlan.objects.filter(pk=plan.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    page = client.get("/surveys/improvements/?show=overdue").content.decode()
    assert "渗漏问题减半" in page and "逾期" in page
    response = client.post(f"/surveys/improvements/{plan.pk}/", {"status": "in_progress", "note": "已开始"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "in_progress"


def test_the_next_survey_shows_whether_the_indicator_moved(client, manager_a, project_a, plan_factory):
    from surveys.models import Answer as AnswerModel

    make_owner(project_a)
    this_year = timezone.localdate().year
    plan = plan_factory(method="phone", year=this_year - 1)
    services.plan_draw_sample(plan=plan)
    before = Respondent.objects.get(plan=plan)
    answers = {
        q.pk: services.AnswerInput(value=2, expectation=2 if q.kind == "pair" else None, text="x")
        for q in questions_of(before).values()
    }
    services.answers_save(respondent=before, answers=answers, complete=True)
    improvement = services.improvement_plan_create(
        company=project_a.company,
        project=project_a,
        indicator=Indicator.objects.get(code="cleaning"),
        goal="提升清洁",
        department="property",
        owner=manager_a,
        deadline=timezone.localdate(),
        measures="增加保洁频次",
        by=manager_a,
        survey=plan,
        baseline_score=25.0,
    )
    client.force_login(manager_a)
    assert "暂无后续调查" in client.get(f"/surveys/improvements/{improvement.pk}/").content.decode()
    Respondent.objects.filter(pk=before.pk).update(sampled_at=timezone.now() - timedelta(days=400))
    later = plan_factory(method="phone", year=this_year)
    services.plan_draw_sample(plan=later)
    after = Respondent.objects.get(plan=later)
    answers = {
        q.pk: services.AnswerInput(value=4, expectation=4 if q.kind == "pair" else None, text="x")
        for q in questions_of(after).values()
    }
    services.answers_save(respondent=after, answers=answers, complete=True)
    assert AnswerModel.objects.count() > 0
    page = client.get(f"/surveys/improvements/{improvement.pk}/").content.decode()
    assert f"（{this_year}）：75.0，变化 50.0" in page


def test_scorecard_page_and_weights(client, group_user, manager_a):
    client.force_login(group_user)
    response = client.post(
        "/surveys/scorecard/?year=2026",
        {"satisfaction": 20, "complaint_handling": 20, "loyalty": 20, "profit": 40},
    )
    assert response.status_code == 200
    assert "满意度的权重必须高于利润" in response.content.decode()
    response = client.post(
        "/surveys/scorecard/?year=2026",
        {"satisfaction": 45, "complaint_handling": 20, "loyalty": 20, "profit": 15},
    )
    assert response.status_code == 302
    client.force_login(manager_a)
    assert client.get("/surveys/scorecard/?year=2026").status_code == 200
    assert (
        client.post(
            "/surveys/scorecard/?year=2026",
            {"satisfaction": 50, "complaint_handling": 20, "loyalty": 20, "profit": 10},
        ).status_code
        == 404
    )


def test_pages_render(client, group_user):
    ProjectFactory()
    client.force_login(group_user)
    for url in (
        "/surveys/",
        "/surveys/report/",
        "/surveys/improvements/",
        "/surveys/improvements/new/",
        "/surveys/indicators/",
        "/surveys/scorecard/",
    ):
        assert client.get(url).status_code == 200, url


def test_plan_page_queries_do_not_grow_with_respondents(client, manager_a, project_a, plan_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 12):
        for _ in range(size):
            make_owner(project_a)
        plan = plan_factory(method="phone", sample_size=size)
        services.plan_draw_sample(plan=plan)
        Respondent.objects.filter(plan=plan).update(sampled_at=timezone.now() - timedelta(days=800))
        client.force_login(manager_a)
        client.get(f"/surveys/plans/{plan.pk}/")  # the first request also reads the permissions, then kept
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/surveys/plans/{plan.pk}/")
        assert page.status_code == 200
        assert page.content.decode().count("/answer/") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
