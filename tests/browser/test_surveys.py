"""An owner answers a satisfaction survey on a phone-sized screen: saves half, comes back, is told
what is missing, finishes; the used link then refuses a second answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import services
from surveys.catalogue import install_default_catalogue
from surveys.models import Answer, Question, Respondent
from tests.factories import CompanyFactory, ProjectFactory, UserFactory
from tests.surveys.conftest import make_owner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey_link(live_server):
    install_default_catalogue()
    company = CompanyFactory(name="深圳万科", city="深圳")
    project = ProjectFactory(company=company, name="四季花城")
    make_owner(project, moved_in_days_ago=120)
    today = timezone.localdate()
    plan = services.plan_create(
        project=project,
        year=today.year,
        name="磨合期业主满意度调查",
        stage="run_in",
        sample_size=1,
        method="online",
        opens_on=today,
        closes_on=today + timedelta(days=14),
        by=UserFactory(company=company),
    )
    services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.get(plan=plan)
    return respondent, f"{live_server.url}/s/{respondent.token}/"


def test_owner_answers_a_survey_on_a_phone(phone_page, survey_link):
    respondent, url = survey_link
    page = phone_page
    questions = list(Question.objects.filter(questionnaire=respondent.plan.questionnaire).order_by("order"))
    page.goto(url)
    assert page.inner_text("h1") == "满意度调查"
    # the page fits the phone: no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    first, *rest = [q for q in questions if q.kind != "text"]
    page.click(f"#question-{first.pk} label:has(input[value='2'])")
    page.click("button[name=save]")
    assert "已保存" in page.inner_text("#survey-saved")

    page.goto(url)  # resumable: the saved answer is still chosen
    assert page.is_checked(f"input[name=q{first.pk}][value='2']")
    page.click("#survey-submit")
    assert "请回答所有标" in page.inner_text("#survey-problem")

    for question in rest:
        if question.kind == "pair":
            page.click(f"#question-{question.pk} label:has(input[name=q{question.pk}_exp][value='4'])")
        page.click(f"#question-{question.pk} label:has(input[name=q{question.pk}][value='5'])")
    comment = next(q for q in questions if q.kind == "text")
    page.fill(f"textarea[name=q{comment.pk}_text]", "希望增加儿童游乐设施")
    page.click("#survey-submit")
    assert page.inner_text("#survey-thanks").startswith("我们已收到您的答案")

    respondent.refresh_from_db()
    assert respondent.status == Respondent.Status.COMPLETED
    assert Answer.objects.filter(respondent=respondent).count() == len(questions)
    assert Answer.objects.get(respondent=respondent, question=first).value == 2

    fresh = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    other = fresh.new_page()
    response = other.goto(url)
    assert response.status == 410
    assert "已经填写过" in other.inner_text("#survey-message")
    fresh.close()
