"""Demo surveys for seed_demo: last year's (closed) and this year's survey of every project that has
owners, with answers, and improvement plans for each company's weakest operation indicators.

The answers tell the same story as the complaints: waterproofing and repair response score lowest
(leaks are the most frequent complaint), and each company has a weak spot of its own (Shenzhen's
waterproofing, Beijing's security and cleaning, Shanghai's sales promises, Wuhan's finishing). Each
company plans for its two weakest indicators with measures written for that indicator: one plan under
way with follow-up notes, one just opened; last year's weakest was planned for and done, and one
plan has run past its deadline.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.seeding import DemoOutput, DemoSize
from organization import access
from organization.models import Company, Project, User

from . import rules, services
from .models import Answer, ImprovementPlan, Indicator, Question, QuestionKind, Respondent, SurveyPlan

SAMPLE = 30
ANSWER_SHARE = 0.7
# How far an indicator's answers lean below (or above) the rest, as a share of the scale.
INDICATOR_BIAS = {"waterproofing": -0.1, "repair_response": -0.07, "doors_windows": -0.03, "recommend": 0.03}
COMPANY_BIAS = {
    "深圳万科": {"waterproofing": -0.08},
    "北京万科": {"security": -0.09, "cleaning": -0.06},
    "上海万科": {"sales_promise": -0.1},
    "武汉万科": {"finishing": -0.09},
}
COMMENTS = (
    "",
    "",
    "",
    "希望加强园区绿化养护",
    "物业响应很快，点赞",
    "卫生间渗水修了两次才好",
    "地库照明经常坏，希望及时维修",
    "保安很负责，晚上巡逻很勤",
    "交房时的承诺希望都能兑现",
    "孩子上学方便，整体满意",
)
# What a company does about a weak indicator: (goal, measures, follow-up notes in order).
IMPROVEMENTS = {
    "waterproofing": (
        "渗漏投诉下降一半，防水得分提升到{target}分以上",
        "对渗漏投诉集中的楼栋逐户排查；外墙与卫生间重做防水并做闭水试验；交付前增加淋水试验，"
        "防水单位整改不合格的纳入供应商评级。",
        ("已完成3栋外墙淋水试验，发现渗漏点12处，整改中。", "整改完成9处，剩余3处待雨季复查。"),
    ),
    "repair_response": (
        "报修30分钟内响应、24小时内上门，维修响应得分达到{target}分",
        "维修单全流程线上派单并计时；超时工单每日通报；维修后3日内电话回访确认效果。",
        ("派单系统已上线，本月超时工单由41单降到17单。", "新增夜间值班维修工2名。"),
    ),
    "doors_windows": (
        "门窗问题一次修复率达到90%，门窗得分提升到{target}分",
        "门窗五金批量检修，更换不合格合页与密封条；供应商驻场两周集中整改。",
        ("供应商已驻场，完成两栋楼的检修。",),
    ),
    "finishing": (
        "精装修质量得分提升到{target}分，交付后三个月内报修减少三成",
        "地板、墙面、橱柜逐户检查，问题清单化整改；精装单位整改完成率纳入付款条件。",
        ("问题清单共186项，已整改112项。", "抽查20户，整改合格率95%。"),
    ),
    "landscape": (
        "园林景观得分提升到{target}分，与宣传方案一致",
        "按宣传方案补植乔木与花卉，增加园区夜间照明；景观养护纳入物业月度考核。",
        ("补植方案已经业主代表确认。",),
    ),
    "layout": (
        "户型满意度提升到{target}分",
        "为业主提供免费户型改造咨询；新项目户型评审邀请业主代表参加。",
        ("已举办两场户型改造沙龙，参加业主63户。",),
    ),
    "security": (
        "安全秩序得分提升到{target}分，夜间门岗零空岗",
        "夜间门岗双人值守，增加巡逻频次，补装监控盲区摄像头；每月公示安防报告。",
        ("新增摄像头24个，夜间巡逻改为每小时一次。", "本月无空岗记录，业主群反馈好转。"),
    ),
    "cleaning": (
        "清洁卫生得分提升到{target}分",
        "电梯厅、地库每日两次保洁，保洁质量纳入物业月度考核并在公告栏公示。",
        ("保洁排班已调整，增加地库保洁1人。",),
    ),
    "sales_promise": (
        "销售承诺兑现得分提升到{target}分，未兑现事项全部书面答复",
        "梳理销售承诺清单，逐项核对兑现情况；未兑现事项书面答复业主并给出时间表；销售话术统一审核。",
        ("承诺清单共38项，已兑现31项，其余7项已书面答复。",),
    ),
    "contract_service": (
        "签约服务得分提升到{target}分",
        "签约前统一讲解合同要点与红线外不利因素；签约后7日内回访。",
        ("签约讲解材料已更新。",),
    ),
    "complaint_handling": (
        "投诉处理得分提升到{target}分，24小时内给出处理方案",
        "落实首问负责制；投诉24小时内回复处理方案，结案后3日内回访；每周复盘重大、热点投诉。",
        ("每周投诉复盘会已开始，本月回访覆盖率提升到92%。",),
    ),
    "recommend": (
        "推荐意愿得分提升到{target}分",
        "老业主恳谈会每季度一次；推荐成交的业主按万客会规则积分；交付问题清零后再做推荐邀请。",
        ("第一场恳谈会已举办，收集意见27条。",),
    ),
    "buy_again": (
        "再次购买意愿得分提升到{target}分",
        "针对低分业主逐户回访，解决遗留问题；新项目开盘向老业主优先开放选房。",
        ("已回访低分业主12户，遗留问题9项已解决。",),
    ),
}
DEFAULT_IMPROVEMENT = (
    "{indicator}得分提升到{target}分以上",
    "逐户回访低分业主，找出问题清单；按清单整改并在下次调查前复核。",
    ("已回访低分业主15户，问题清单已整理。",),
)


def _value(rng: random.Random, question: Question, bias: float) -> int:
    # Most owners are fairly satisfied; each project leans a little one way or the other, and some
    # indicators score lower everywhere or in one company.
    top = question.scale_max
    return max(1, min(top, round(rng.gauss(0.82 * top + bias * top, 0.16 * top))))


def _answers(rng: random.Random, questions: list[Question], bias: float, leaning: dict[str, float]) -> dict:
    given = {}
    for question in questions:
        code = question.indicator.code if question.indicator_id else ""
        lean = bias + leaning.get(code, 0.0)
        if question.kind == QuestionKind.TEXT:
            given[question.pk] = services.AnswerInput(text=rng.choice(COMMENTS))
        elif question.kind == QuestionKind.PAIR:
            given[question.pk] = services.AnswerInput(
                value=_value(rng, question, lean), expectation=_value(rng, question, lean + 0.08)
            )
        else:
            given[question.pk] = services.AnswerInput(value=_value(rng, question, lean))
    return given


def _leaning(company_name: str) -> dict[str, float]:
    leaning = dict(INDICATOR_BIAS)
    for code, lean in COMPANY_BIAS.get(company_name, {}).items():
        leaning[code] = leaning.get(code, 0.0) + lean
    return leaning


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
        leaning = _leaning(project.company.name)
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
        questions = list(
            Question.objects.filter(questionnaire=this.questionnaire).select_related("indicator")
        )
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
                    respondent=respondent,
                    answers=_answers(rng, questions, bias - 0.05, leaning),
                    complete=True,
                )
        Respondent.objects.filter(plan=last).update(sampled_at=timezone.now() - timedelta(days=500))
        services.plan_close(plan=last)
        services.plan_draw_sample(plan=this, today=today)
        for respondent in Respondent.objects.filter(plan=this):
            if rng.random() < ANSWER_SHARE:
                result = services.answers_save(
                    respondent=respondent, answers=_answers(rng, questions, bias, leaning), complete=True
                )
                completed += result.completed
    _improvement_plans(today)
    return completed + Respondent.objects.filter(year=today.year - 1, status="completed").count()


def _weakest(company_id: int, year: int, limit: int) -> list[tuple[Indicator, float, int]]:
    """The company's lowest-scoring operation indicators of a year (by the mean over all its
    answers), each with the project that answered most about it and that project's mean score:
    (indicator, score, project)."""
    answers = Answer.objects.filter(
        respondent__company_id=company_id,
        respondent__year=year,
        score__isnull=False,
        question__indicator__level="operation",
    )
    ranked = list(
        answers.values("question__indicator_id").annotate(mean=Avg("score")).order_by("mean")[:limit]
    )
    result = []
    for row in ranked:
        indicator_id = row["question__indicator_id"]
        busiest = (
            answers.filter(question__indicator_id=indicator_id)
            .values("respondent__project_id")
            .annotate(n=Count("id"), mean=Avg("score"))
            .order_by("-n", "respondent__project_id")
            .first()
        )
        result.append(
            (Indicator.objects.get(pk=indicator_id), busiest["mean"], busiest["respondent__project_id"])
        )
    return result


def _plan_owner(company: Company):
    """The company's own person who may own improvement plans, else the group centre."""
    people = User.objects.filter(is_active=True).order_by("is_superuser", "username")
    own = [person for person in people if person.company_id == company.pk]
    group = [person for person in people if person.company_id is None]
    for person in [*own, *group]:
        if access.may_be_assigned(person, company.pk, perm=access.OWN_IMPROVEMENT_PLANS):
            return person
    return None


def _improvement_plans(today: date) -> None:
    """Per company: plans for this year's two weakest indicators (one under way with notes, one just
    opened); the first company also has last year's plan, done, and one that ran past its deadline."""
    for number, company in enumerate(Company.objects.order_by("id")):
        owner = _plan_owner(company)
        if owner is None:
            continue
        this_year = _weakest(company.pk, today.year, 2)
        last_year = _weakest(company.pk, today.year - 1, 1) if number == 0 else []
        for index, (indicator, mean, project_id) in enumerate(this_year):
            survey = SurveyPlan.objects.filter(project_id=project_id, year=today.year).first()
            overdue = number == 1 and index == 0
            plan = _plan(
                indicator=indicator,
                mean=mean,
                survey=survey,
                owner=owner,
                deadline=today - timedelta(days=12) if overdue else today + timedelta(days=60 + 30 * index),
            )
            if index == 0:
                notes = _texts(indicator)[2]
                services.improvement_plan_follow_up(plan=plan, by=owner, note=notes[0], status="in_progress")
                for note in notes[1:]:
                    services.improvement_plan_follow_up(plan=plan, by=owner, note=note)
        for indicator, mean, project_id in last_year:
            survey = SurveyPlan.objects.filter(project_id=project_id, year=today.year - 1).first()
            plan = _plan(
                indicator=indicator,
                mean=mean,
                survey=survey,
                owner=owner,
                deadline=date(today.year - 1, 12, 31),
            )
            services.improvement_plan_follow_up(
                plan=plan, by=owner, note=_texts(indicator)[2][0], status="in_progress"
            )
            services.improvement_plan_follow_up(
                plan=plan, by=owner, note="整改完成，复查合格，纳入日常管理。", status="done"
            )


def _texts(indicator: Indicator) -> tuple[str, str, tuple[str, ...]]:
    return IMPROVEMENTS.get(indicator.code, DEFAULT_IMPROVEMENT)


def _plan(*, indicator: Indicator, mean: float, survey: SurveyPlan, owner, deadline: date) -> ImprovementPlan:
    goal, measures, _notes = _texts(indicator)
    target = min(100, max(int(rules.LOW_SCORE) + 10, int(mean) + 10))
    return services.improvement_plan_create(
        company=survey.company,
        project=survey.project,
        indicator=indicator,
        survey=survey,
        baseline_score=round(mean, 2),
        goal=goal.format(target=target, indicator=indicator.name),
        department=(indicator.parent.department if indicator.parent else "") or "customer_service",
        owner=owner,
        deadline=deadline,
        measures=measures,
        by=owner,
    )


def seed(size: DemoSize, out: DemoOutput) -> None:
    if size.customers:
        out.line(_("Added %(count)s answered satisfaction surveys.") % {"count": seed_surveys()})
