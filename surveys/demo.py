"""Demo surveys for seed_demo: last year's (closed) and this year's survey of every project that has
owners, with answers, and an improvement plan for each company's weakest operation indicator."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize
from organization.models import Project, User

from . import rules, services
from .models import Answer, Indicator, Question, QuestionKind, Respondent, SurveyPlan

SAMPLE = 30
ANSWER_SHARE = 0.7


def _value(rng: random.Random, question: Question, bias: float) -> int:
    # Most owners are fairly satisfied; each project leans a little one way or the other.
    top = question.scale_max
    return max(1, min(top, round(rng.gauss(0.82 * top + bias * top, 0.16 * top))))


def _answers(rng: random.Random, questions: list[Question], bias: float) -> dict:
    given = {}
    for question in questions:
        if question.kind == QuestionKind.TEXT:
            given[question.pk] = services.AnswerInput(
                text=rng.choice(["", "", "希望加强园区绿化养护", "物业响应很快，点赞"])
            )
        elif question.kind == QuestionKind.PAIR:
            given[question.pk] = services.AnswerInput(
                value=_value(rng, question, bias), expectation=_value(rng, question, bias + 0.08)
            )
        else:
            given[question.pk] = services.AnswerInput(value=_value(rng, question, bias))
    return given


@transaction.atomic
def seed_surveys(seed: int = 2026) -> int:
    """Return the number of completed surveys added (nothing when demo surveys exist already)."""
    if SurveyPlan.objects.exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    completed = 0
    for project in Project.objects.select_related("company"):
        manager = User.objects.filter(company=project.company).order_by("id").first() or User.objects.first()
        # The stage with the most people in this project, so that the demo has answers to show.
        stage = max(
            ("run_in", "settled", "long_time", "buyer"),
            key=lambda code: services.candidates_for(
                SurveyPlan(company=project.company, project=project, stage=code), today
            ).count(),
        )
        bias = rng.uniform(-0.12, 0.08)
        # Last year's survey, already closed: answers written directly (its window is in the past).
        last = services.plan_create(
            project=project,
            year=today.year - 1,
            name=f"{today.year - 1}年度业主满意度调查",
            stage=stage,
            sample_size=SAMPLE,
            method="phone",
            opens_on=date(today.year - 1, 5, 1),
            closes_on=date(today.year - 1, 6, 30),
            by=manager,
        )
        this = services.plan_create(
            project=project,
            year=today.year,
            name=f"{today.year}年度业主满意度调查",
            stage=stage,
            sample_size=SAMPLE,
            method="online",
            opens_on=today - timedelta(days=10),
            closes_on=today + timedelta(days=20),
            by=manager,
        )
        questions = list(Question.objects.filter(questionnaire=this.questionnaire))
        candidates = list(services.candidates_for(this, today).values_list("id", "segment")[: SAMPLE * 2])
        last_year = candidates[:SAMPLE]  # sampled 500 days ago below, so eligible again this year
        respondents = Respondent.objects.bulk_create(
            Respondent(
                plan=last,
                customer_id=customer_id,
                company=project.company,
                project=project,
                year=last.year,
                stage=stage,
                segment=segment,
                method="phone",
                token=rules.new_token(),
            )
            for customer_id, segment in last_year
        )
        for respondent in respondents:
            if rng.random() < ANSWER_SHARE:
                services.answers_save(
                    respondent=respondent, answers=_answers(rng, questions, bias - 0.05), complete=True
                )
        Respondent.objects.filter(plan=last).update(sampled_at=timezone.now() - timedelta(days=500))
        services.plan_close(plan=last)
        services.plan_draw_sample(plan=this, today=today)
        for respondent in Respondent.objects.filter(plan=this):
            if rng.random() < ANSWER_SHARE:
                result = services.answers_save(
                    respondent=respondent, answers=_answers(rng, questions, bias), complete=True
                )
                completed += result.completed
    _improvement_plans(today)
    return completed + Respondent.objects.filter(year=today.year - 1, status="completed").count()


def _improvement_plans(today: date) -> None:
    from django.db.models import Avg

    for company_id, project_id in (
        Respondent.objects.filter(year=today.year, status="completed")
        .values_list("company_id", "project_id")
        .distinct()[:4]
    ):
        weakest = (
            Answer.objects.filter(
                respondent__project_id=project_id, respondent__year=today.year, score__isnull=False
            )
            .values("question__indicator_id")
            .annotate(mean=Avg("score"))
            .order_by("mean")
            .first()
        )
        if not weakest:
            continue
        indicator = Indicator.objects.get(pk=weakest["question__indicator_id"])
        owner = User.objects.filter(company_id=company_id).order_by("id").first()
        if owner is None:
            continue
        plan = SurveyPlan.objects.filter(project_id=project_id, year=today.year).first()
        services.improvement_plan_create(
            company=plan.company,
            project=plan.project,
            indicator=indicator,
            survey=plan,
            baseline_score=round(weakest["mean"], 2),
            goal=f"{indicator.name}得分提升到{int(rules.LOW_SCORE) + 10}分以上",
            department=(indicator.parent.department if indicator.parent else "") or "customer_service",
            owner=owner,
            deadline=today + timedelta(days=90),
            measures="逐户回访低分业主，找出问题清单；按清单整改并在下次调查前复核。",
            by=owner,
        )


def seed(size: DemoSize, out: DemoOutput) -> None:
    if size.customers:
        out.line(_("Added %(count)s answered satisfaction surveys.") % {"count": seed_surveys()})
