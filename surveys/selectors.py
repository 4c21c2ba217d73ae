"""Reads of surveys for the pages, the API and the services, always scoped to the user through
``visible_to`` (out of scope is None, which the caller turns into a 404). The indicator tree and the
questionnaires are the group's catalogue: everyone who may read surveys sees all of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from complaints.models import Complaint
from organization.models import Company, Project

from . import rules, scores
from .models import (
    Answer,
    ImprovementNote,
    ImprovementPlan,
    Indicator,
    Question,
    Respondent,
    ScorecardWeights,
    SurveyPlan,
)

PAGE_SIZE = 100


# --- Plans and respondents ------------------------------------------------------------------------
def plan_list(*, user, limit: int = PAGE_SIZE) -> QuerySet[SurveyPlan]:
    return SurveyPlan.objects.visible_to(user).select_related("project", "company")[:limit]


def plan_get(*, user, plan_id: int) -> SurveyPlan | None:
    return (
        SurveyPlan.objects.visible_to(user)
        .select_related("project", "company", "questionnaire")
        .filter(pk=plan_id)
        .first()
    )


def plan_respondents(
    *, user, plan: SurveyPlan, after: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Respondent], int | None]:
    """A page of the plan's respondents by id, and the id to start the next page after (None on the
    last page). One query whatever the page's size."""
    respondents = (
        Respondent.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("customer", "entered_by")
        .order_by("id")
    )
    if after is not None:
        respondents = respondents.filter(id__gt=after)
    page = list(respondents[: limit + 1])
    return page[:limit], page[limit - 1].pk if len(page) > limit else None


def plan_counts(*, user, plan: SurveyPlan) -> dict[str, int]:
    """{"invited": n, "completed": n} of the plan's respondents."""
    return (
        Respondent.objects.visible_to(user)
        .filter(plan=plan)
        .aggregate(invited=Count("id"), completed=Count("id", filter=Q(status=Respondent.Status.COMPLETED)))
    )


def respondent_get(*, user, respondent_id: int) -> Respondent | None:
    return (
        Respondent.objects.visible_to(user)
        .select_related("plan__project", "customer")
        .filter(pk=respondent_id)
        .first()
    )


def respondent_is_visible(*, user, respondent: Respondent) -> bool:
    return Respondent.objects.visible_to(user).filter(pk=respondent.pk).exists()


def questionnaire_of(*, respondent: Respondent) -> tuple[list[Question], dict[int, Answer]]:
    """The respondent's questions in order and what they have answered so far ({question id: answer}).
    The respondent comes from its private link or from a scoped lookup."""
    questions = list(
        Question.objects.filter(questionnaire_id=respondent.plan.questionnaire_id).order_by("order")
    )
    stored = {answer.question_id: answer for answer in Answer.objects.filter(respondent=respondent)}
    return questions, stored


# --- Report and scorecard -------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportScope:
    year: int
    company: Company | None = None
    project: Project | None = None


def report_scope(
    *, user, year: int, company_id: int | None = None, project_id: int | None = None
) -> ReportScope | None:
    """The year and the company or project a report is asked for; None when one of them is outside
    the user's companies."""
    company = project = None
    if company_id is not None:
        company = Company.objects.visible_to(user).filter(pk=company_id).first()
        if company is None:
            return None
    if project_id is not None:
        project = Project.objects.visible_to(user).filter(pk=project_id).first()
        if project is None:
            return None
    return ReportScope(year=year, company=company, project=project)


def survey_report(*, user, scope: ReportScope) -> dict:
    return scores.survey_report(
        answers=Answer.objects.visible_to(user),
        respondents=Respondent.objects.visible_to(user),
        year=scope.year,
        company_id=scope.company.pk if scope.company else None,
        project_id=scope.project.pk if scope.project else None,
    )


def report_choices(*, user, company: Company | None) -> tuple[QuerySet[Company], QuerySet[Project]]:
    """The companies and projects the report page offers (the projects of ``company`` if one is chosen)."""
    projects = Project.objects.visible_to(user)
    if company is not None:
        projects = projects.filter(company=company)
    return Company.objects.visible_to(user), projects.select_related("company").order_by("company", "name")


def weights_for(year: int) -> rules.Weights:
    """The scorecard weights of a year (the defaults until someone sets them)."""
    row = ScorecardWeights.objects.filter(year=year).first() or ScorecardWeights(year=year)
    return rules.Weights(row.satisfaction, row.complaint_handling, row.loyalty, row.profit)


def scorecard(*, user, year: int, weights: rules.Weights) -> list[dict]:
    return scores.scorecard(
        answers=Answer.objects.visible_to(user),
        complaints=Complaint.objects.visible_to(user),
        companies=Company.objects.visible_to(user),
        year=year,
        weights=weights,
    )


def indicator_tree() -> list[Indicator]:
    """The indicator tree, each indicator with the questions mapped to it (``mapped``)."""
    tree = scores.indicator_tree()
    questions: dict[int, list[Question]] = {}
    for question in Question.objects.filter(indicator__isnull=False).select_related("questionnaire"):
        questions.setdefault(question.indicator_id, []).append(question)
    for indicator in tree:
        indicator.mapped = questions.get(indicator.pk, [])
    return tree


# --- Improvement plans ----------------------------------------------------------------------------
def overdue(today) -> Q:
    """Still open past its deadline (``rules.is_overdue`` in SQL)."""
    return Q(status__in=rules.OPEN_PLAN_STATUSES, deadline__lt=today)


def _plans_with_overdue(user) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.visible_to(user).annotate(
        overdue=Case(
            When(overdue(timezone.localdate()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def improvement_plan_list(*, user, show: str = "", limit: int = PAGE_SIZE) -> QuerySet[ImprovementPlan]:
    """Open plans by deadline; ``show`` "overdue" for the late ones, "all" for every plan."""
    plans = _plans_with_overdue(user).select_related("indicator", "owner", "project", "company")
    if show == "overdue":
        plans = plans.filter(overdue=True)
    elif show != "all":
        plans = plans.filter(status__in=rules.OPEN_PLAN_STATUSES)
    return plans[:limit]


def improvement_plan_get(*, user, plan_id: int) -> ImprovementPlan | None:
    return (
        _plans_with_overdue(user)
        .select_related("indicator", "owner", "project", "company", "survey")
        .filter(pk=plan_id)
        .first()
    )


def improvement_notes(*, plan: ImprovementPlan) -> QuerySet[ImprovementNote]:
    return plan.notes.select_related("author")


def plan_movement(*, user, plan: ImprovementPlan) -> dict | None:
    """The plan's indicator in the next survey and its change since the plan was made."""
    return scores.plan_movement(Answer.objects.visible_to(user), plan)


@dataclass(frozen=True)
class Baseline:
    survey: SurveyPlan | None
    score: float | None


def improvement_baseline(
    *, user, company: Company, project: Project | None, indicator: Indicator
) -> Baseline:
    """What a new improvement plan starts from: the indicator's score (company, and project if the
    plan has one) in the year of the company's latest completed answers, and that year's survey of
    the project (the newest of the current year when nobody has answered yet)."""
    latest = (
        Respondent.objects.visible_to(user)
        .filter(company=company, status=Respondent.Status.COMPLETED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    score = None
    if latest:
        score = scores.indicator_score(
            Answer.objects.visible_to(user),
            indicator_id=indicator.pk,
            year=latest,
            company_id=company.pk,
            project_id=project.pk if project else None,
        )
    surveys = SurveyPlan.objects.visible_to(user).filter(
        company=company, year=latest or timezone.localdate().year
    )
    if project is not None:
        surveys = surveys.filter(project=project)
    return Baseline(survey=surveys.order_by("-id").first(), score=score)
