"""Roll-up arithmetic against hand-computed figures. Scores are 0–100: on a 1–5 scale 1→0, 2→25,
3→50, 4→75, 5→100; on 1–10, 7→66.67, 10→100."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from surveys import rules, scores, services
from surveys.models import Answer, Indicator, Question, Questionnaire, Respondent, SurveyPlan
from tests.factories import ComplaintFactory, CustomerFactory, ProjectFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = 2025


@pytest.fixture
def questionnaire(db):
    """Four questions: doors (1–5), waterproofing as expectation vs experience (1–5), cleaning (1–5),
    would recommend (1–10)."""
    q = Questionnaire.objects.create(name="测试问卷", stage="long_time", segment="affluent")
    codes = [
        ("doors_windows", "rating", 5),
        ("waterproofing", "pair", 5),
        ("cleaning", "rating", 5),
        ("recommend", "rating", 10),
    ]
    for order, (code, kind, scale) in enumerate(codes, start=1):
        Question.objects.create(
            questionnaire=q,
            order=order,
            text=code,
            kind=kind,
            scale_max=scale,
            indicator=Indicator.objects.get(code=code),
        )
    return q


def respond(plan, project, values, *, complete=True):
    """values: [doors, (expected, experienced), cleaning, recommend]"""
    customer = CustomerFactory(company=project.company, segment="affluent")
    respondent = Respondent.objects.create(
        plan=plan,
        customer=customer,
        company=project.company,
        project=project,
        year=plan.year,
        stage=plan.stage,
        segment="affluent",
        method="phone",
        token=rules.new_token(),
    )
    questions = list(Question.objects.filter(questionnaire=plan.questionnaire).order_by("order"))
    given = {}
    for question, value in zip(questions, values, strict=False):
        if isinstance(value, tuple):
            given[question.pk] = services.AnswerInput(expectation=value[0], value=value[1])
        else:
            given[question.pk] = services.AnswerInput(value=value)
    result = services.answers_save(respondent=respondent, answers=given, complete=complete)
    assert result.completed == complete, result
    return respondent


def make_plan(project, questionnaire, manager, year=YEAR):
    return SurveyPlan.objects.create(
        year=year,
        name="老业主调查",
        company=project.company,
        project=project,
        stage="long_time",
        segment="affluent",
        questionnaire=questionnaire,
        sample_size=10,
        method="phone",
        opens_on=date(year, 5, 1),
        closes_on=date(year, 6, 30),
        status="sampled",
        created_by=manager,
    )


@pytest.fixture
def survey_data(company_a, company_b, manager_a, questionnaire):
    p1 = ProjectFactory(company=company_a, name="四季花城")
    p2 = ProjectFactory(company=company_a, name="金色家园")
    p3 = ProjectFactory(company=company_b, name="北京城市花园")
    plan1, plan2 = make_plan(p1, questionnaire, manager_a), make_plan(p2, questionnaire, manager_a)
    respond(plan1, p1, [5, (5, 3), 4, 10])  # 100, exp 100 / 50, 75, 100
    respond(plan1, p1, [3, (4, 4), 1, 1])  # 50, exp 75 / 75, 0, 0
    respond(plan1, p1, [1], complete=False)  # half-finished: never counted
    respond(plan2, p2, [2, (2, 5), 5, 7])  # 25, exp 25 / 100, 100, 66.67
    respond(make_plan(p3, questionnaire, manager_a), p3, [1, (1, 1), 1, 1])  # another company: all 0
    respond(make_plan(p1, questionnaire, manager_a, year=YEAR - 1), p1, [5, (5, 5), 5, 10])  # last year: 100
    return {"p1": p1, "p2": p2, "p3": p3}


def report_for(user, **kwargs):
    return scores.survey_report(
        answers=Answer.objects.visible_to(user),
        respondents=Respondent.objects.visible_to(user),
        year=YEAR,
        **kwargs,
    )


def by_code(report):
    return {row["code"]: row for row in report["indicators"]}


def test_scores_roll_up_the_indicator_tree(staff_a, survey_data):
    report = report_for(staff_a)
    rows = by_code(report)
    assert rows["doors_windows"]["score"] == 58.33  # (100 + 50 + 25) / 3
    assert rows["waterproofing"]["score"] == 75.0  # (50 + 75 + 100) / 3
    assert rows["construction"]["score"] == 66.67  # (100 + 50 + 25 + 50 + 75 + 100) / 6
    assert rows["construction"]["answers"] == 6
    assert rows["cleaning"]["score"] == 58.33  # (75 + 0 + 100) / 3
    assert rows["property"]["score"] == 58.33
    assert rows["design"]["score"] is None  # nothing asked
    assert report["satisfaction"] == 63.89  # (400 + 175) / 9
    assert rows["satisfaction"]["answers"] == 9
    assert report["loyalty"] == 55.56  # (100 + 0 + 66.67) / 3
    assert rows["doors_windows"]["low"] and not rows["waterproofing"]["low"]


def test_scores_per_project_with_last_year_and_response_rates(staff_a, survey_data):
    report = report_for(staff_a)
    projects = {row["label"]: row for row in report["by"]["project"]}
    assert set(projects) == {"四季花城", "金色家园"}  # the other company's project is out of scope
    p1, p2 = projects["四季花城"], projects["金色家园"]
    assert p1["satisfaction"] == 58.33  # (100 + 50 + 50 + 75 + 75 + 0) / 6
    assert p1["loyalty"] == 50.0  # (100 + 0) / 2
    assert p1["last_year_satisfaction"] == 100.0
    assert p1["change"] == -41.67
    assert (p1["invited"], p1["completed"], p1["response_rate"]) == (3, 2, 66.7)
    assert p2["satisfaction"] == 75.0  # (25 + 100 + 100) / 3
    assert p2["loyalty"] == 66.67
    assert (p2["invited"], p2["completed"], p2["response_rate"]) == (1, 1, 100.0)
    assert (report["invited"], report["completed"], report["response_rate"]) == (4, 3, 75.0)
    assert report["last_year"]["satisfaction"] == 100.0
    stages = report["by"]["stage"]
    assert [(row["key"], row["satisfaction"]) for row in stages] == [("long_time", 63.89)]
    assert [(row["key"], row["invited"]) for row in report["by"]["segment"]] == [("affluent", 4)]


def test_expectation_against_experience(staff_a, survey_data):
    questions = {row["text"]: row for row in report_for(staff_a)["questions"]}
    pair = questions["waterproofing"]
    assert pair["score"] == 75.0  # experience (50 + 75 + 100) / 3
    assert pair["expectation"] == 66.67  # expectation (100 + 75 + 25) / 3
    assert pair["gap"] == 8.33  # satisfaction = experience − expectation
    assert questions["recommend"]["mean_value"] == 6.0  # (10 + 1 + 7) / 3 on the 1–10 scale
    assert questions["doors_windows"]["expectation"] is None


def test_group_sees_every_company_and_can_narrow_to_one(group_user, survey_data, company_a, company_b):
    everything = report_for(group_user)
    companies = {row["key"]: row["satisfaction"] for row in everything["by"]["company"]}
    assert companies == {company_a.pk: 63.89, company_b.pk: 0.0}
    assert everything["satisfaction"] == round((400 + 175) / 12, 2)  # 47.92 with company B's zeros
    only_b = report_for(group_user, company_id=company_b.pk)
    assert only_b["satisfaction"] == 0.0 and only_b["invited"] == 1


def test_indicator_score_for_one_project(staff_a, survey_data):
    answers = Answer.objects.visible_to(staff_a)
    cleaning = Indicator.objects.get(code="cleaning").pk
    p1 = survey_data["p1"]
    assert (
        scores.indicator_score(
            answers, indicator_id=cleaning, year=YEAR, company_id=p1.company_id, project_id=p1.pk
        )
        == 37.5
    )


def complaint(project, department, *, days_to_close=None, deadline_days=None):
    received = datetime(YEAR, 3, 1, 10, 0, tzinfo=SHANGHAI)
    closed = received + timedelta(days=days_to_close) if days_to_close is not None else None
    return ComplaintFactory(
        project=project,
        department=department,
        received_at=received,
        deadline=received + timedelta(days=deadline_days) if deadline_days is not None else None,
        resolve_by=received + timedelta(days=30),
        resolved_at=closed,
        closed_at=closed,
        status="closed" if days_to_close is not None else "in_progress",
    )


def test_scorecard_per_company_and_department(staff_a, survey_data, company_a):
    p1 = survey_data["p1"]
    complaint(p1, "engineering", days_to_close=5, deadline_days=7)  # in time
    complaint(p1, "engineering", days_to_close=7, deadline_days=7)  # in time, on the deadline
    complaint(p1, "engineering", days_to_close=9, deadline_days=7)  # late
    complaint(p1, "engineering")  # still open
    complaint(p1, "property", days_to_close=10)  # no plan deadline: within the month to resolve
    complaint(p1, "property", days_to_close=40)  # no deadline: late
    ComplaintFactory(
        project=p1, department="sales", received_at=datetime(YEAR - 1, 12, 31, 23, 0, tzinfo=SHANGHAI)
    )
    from complaints.models import Complaint
    from organization.models import Company

    rows = scores.scorecard(
        answers=Answer.objects.visible_to(staff_a),
        complaints=Complaint.objects.visible_to(staff_a),
        companies=Company.objects.visible_to(staff_a),
        year=YEAR,
        weights=rules.Weights(40, 20, 20, 20),
    )
    assert [row["name"] for row in rows] == [company_a.name]
    company = rows[0]
    assert (company["received"], company["in_time"], company["handling_rate"]) == (6, 3, 50.0)
    assert (company["satisfaction"], company["loyalty"]) == (63.89, 55.56)
    # (40 × 63.89 + 20 × 50 + 20 × 55.56) / 80 = 58.335
    assert company["score"] == 58.3
    departments = {row["department"]: row for row in company["departments"]}
    engineering = departments["engineering"]
    assert (engineering["received"], engineering["in_time"], engineering["handling_rate"]) == (4, 2, 50.0)
    assert engineering["satisfaction"] == 66.67  # the construction direction
    assert engineering["score"] == 59.7  # (40 × 66.67 + 20 × 50 + 20 × 55.56) / 80 = 59.725
    assert departments["property"]["handling_rate"] == 50.0
    assert departments["property"]["satisfaction"] == 58.33
    assert departments["sales"]["received"] == 0 and departments["sales"]["handling_rate"] is None
    assert departments["design"]["satisfaction"] is None
