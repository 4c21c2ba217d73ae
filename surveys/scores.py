"""Survey scores, aggregated in SQL: one GROUP BY per dimension over the answers of completed surveys
(sums and counts per indicator), then the tree roll-up over the handful of indicators
(``rules.roll_up``). Every function starts from querysets already scoped to the caller."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from complaints.models import Department
from complaints.selectors import resolved_in_time_q
from customers.models import Segment
from organization.models import Company, Project

from . import rules
from .catalogue import LOYALTY, SATISFACTION
from .models import Indicator, Question, Respondent, SurveyStage

DIMENSIONS = {
    "company": ("respondent__company_id", "company_id"),
    "project": ("respondent__project_id", "project_id"),
    "stage": ("respondent__stage", "stage"),
    "segment": ("respondent__segment", "segment"),
}


def indicator_tree() -> list[Indicator]:
    """Indicators in tree order (each followed by its children), with ``depth`` set."""
    indicators = list(Indicator.objects.all())
    children: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        children.setdefault(indicator.parent_id, []).append(indicator)
    ordered: list[Indicator] = []

    def walk(parent_id, depth):
        for indicator in children.get(parent_id, []):
            indicator.depth = depth
            ordered.append(indicator)
            walk(indicator.pk, depth + 1)

    walk(None, 0)
    return ordered


def completed_answers(answers: QuerySet, *, year: int, company_id=None, project_id=None) -> QuerySet:
    answers = answers.filter(
        respondent__year=year, respondent__status=Respondent.Status.COMPLETED, score__isnull=False
    )
    if company_id:
        answers = answers.filter(respondent__company_id=company_id)
    if project_id:
        answers = answers.filter(respondent__project_id=project_id)
    return answers


def rolled_up(answers: QuerySet, dimension: str | None = None) -> dict:
    """{group: {indicator id: Score}} (group None without a dimension), one GROUP BY."""
    parents = dict(Indicator.objects.values_list("id", "parent_id"))
    fields = ["question__indicator_id"]
    if dimension:
        fields.insert(0, DIMENSIONS[dimension][0])
    rows = answers.values(*fields).annotate(total=Sum("score"), n=Count("score")).order_by()
    direct: dict = {}
    for row in rows:
        group = row[fields[0]] if dimension else None
        direct.setdefault(group, {})[row["question__indicator_id"]] = rules.Score(row["total"], row["n"])
    return {group: rules.roll_up(parents, scores) for group, scores in direct.items()}


def rolled_up_all(answers: QuerySet) -> dict:
    """{None: {None: scores}, dimension: {group: scores}} for every dimension from ONE pass over the
    answers: a GROUP BY (company, project, stage, segment, indicator) has at most a few thousand
    groups, which are then added up per dimension and rolled up the tree here."""
    parents = dict(Indicator.objects.values_list("id", "parent_id"))
    fields = [field for field, _respondent_field in DIMENSIONS.values()]
    rows = (
        answers.values(*fields, "question__indicator_id")
        .annotate(total=Sum("score"), n=Count("score"))
        .order_by()
    )
    direct: dict = {None: {None: {}}, **{dimension: {} for dimension in DIMENSIONS}}

    def add(bucket: dict, indicator_id, total, n) -> None:
        current = bucket.get(indicator_id)
        bucket[indicator_id] = rules.Score(
            total + (current.total if current else 0), n + (current.count if current else 0)
        )

    for row in rows:
        indicator_id, total, n = row["question__indicator_id"], row["total"], row["n"]
        add(direct[None][None], indicator_id, total, n)
        for dimension, (field, _respondent_field) in DIMENSIONS.items():
            add(direct[dimension].setdefault(row[field], {}), indicator_id, total, n)
    return {
        dimension: {group: rules.roll_up(parents, scores) for group, scores in groups.items()}
        for dimension, groups in direct.items()
    }


def _root_ids() -> dict[str, int]:
    return dict(Indicator.objects.filter(code__in=[SATISFACTION, LOYALTY]).values_list("code", "id"))


def _mean(scores: dict | None, indicator_id: int | None) -> float | None:
    if not scores or indicator_id is None or indicator_id not in scores:
        return None
    return scores[indicator_id].mean


def _labels(dimension: str, keys) -> dict:
    if dimension == "company":
        return dict(Company.objects.filter(pk__in=keys).values_list("id", "name"))
    if dimension == "project":
        return dict(Project.objects.filter(pk__in=keys).values_list("id", "name"))
    choices = SurveyStage if dimension == "stage" else Segment
    return {key: (str(choices(key).label) if key in choices.values else gettext("(none)")) for key in keys}


def survey_report(
    *, answers: QuerySet, respondents: QuerySet, year: int, company_id=None, project_id=None
) -> dict:
    """The survey report of a year for the scope: the indicator tree with scores and last year's,
    satisfaction and loyalty per company, project, stage and segment with response rates, the
    questions with expectation vs experience."""
    roots = _root_ids()
    this_year = completed_answers(answers, year=year, company_id=company_id, project_id=project_id)
    last_year = completed_answers(answers, year=year - 1, company_id=company_id, project_id=project_id)
    now_all, before_all = rolled_up_all(this_year), rolled_up_all(last_year)
    now_scores = now_all[None].get(None, {})
    before_scores = before_all[None].get(None, {})
    tree = []
    for indicator in indicator_tree():
        current = _mean(now_scores, indicator.pk)
        previous = _mean(before_scores, indicator.pk)
        tree.append(
            {
                "id": indicator.pk,
                "code": indicator.code,
                "name": indicator.name,
                "level": indicator.level,
                "depth": indicator.depth,
                "department": indicator.department,
                "score": current,
                "answers": now_scores[indicator.pk].count if indicator.pk in now_scores else 0,
                "last_year": previous,
                "change": rules.change(current, previous),
                "low": current is not None and current < rules.LOW_SCORE,
            }
        )
    invited = respondents.filter(year=year)
    if company_id:
        invited = invited.filter(company_id=company_id)
    if project_id:
        invited = invited.filter(project_id=project_id)
    totals = invited.aggregate(
        invited=Count("id"), completed=Count("id", filter=Q(status=Respondent.Status.COMPLETED))
    )
    report = {
        "year": year,
        "satisfaction": _mean(now_scores, roots.get(SATISFACTION)),
        "loyalty": _mean(now_scores, roots.get(LOYALTY)),
        "last_year": {
            "satisfaction": _mean(before_scores, roots.get(SATISFACTION)),
            "loyalty": _mean(before_scores, roots.get(LOYALTY)),
        },
        "invited": totals["invited"],
        "completed": totals["completed"],
        "response_rate": rules.rate(totals["completed"], totals["invited"]),
        "indicators": tree,
        "questions": question_scores(this_year),
        "by": {},
    }
    for dimension, (_answer_field, respondent_field) in DIMENSIONS.items():
        now_groups, before_groups = now_all[dimension], before_all[dimension]
        rates = {
            row[respondent_field]: row
            for row in invited.values(respondent_field)
            .annotate(n=Count("id"), done=Count("id", filter=Q(status=Respondent.Status.COMPLETED)))
            .order_by()
        }
        keys = sorted(set(now_groups) | set(rates), key=str)
        labels = _labels(dimension, keys)
        rows = []
        for key in keys:
            satisfaction = _mean(now_groups.get(key), roots.get(SATISFACTION))
            previous = _mean(before_groups.get(key), roots.get(SATISFACTION))
            rate_row = rates.get(key, {"n": 0, "done": 0})
            rows.append(
                {
                    "key": key,
                    "label": labels.get(key, str(key)),
                    "satisfaction": satisfaction,
                    "loyalty": _mean(now_groups.get(key), roots.get(LOYALTY)),
                    "last_year_satisfaction": previous,
                    "change": rules.change(satisfaction, previous),
                    "invited": rate_row["n"],
                    "completed": rate_row["done"],
                    "response_rate": rules.rate(rate_row["done"], rate_row["n"]),
                }
            )
        report["by"][dimension] = rows
    return report


def question_scores(answers: QuerySet) -> list[dict]:
    """Per question: answers, mean value, mean score (0–100) and, where a question asks both,
    the mean expectation and the gap (experience − expectation, DOMAIN.md)."""
    rows = (
        answers.values("question_id")
        .annotate(
            n=Count("id"),
            value=Avg("value"),
            score=Avg("score"),
            expectation=Avg("expectation_score"),
        )
        .order_by()
    )
    by_question = {row["question_id"]: row for row in rows}
    questions = Question.objects.filter(pk__in=by_question).select_related("questionnaire", "indicator")
    result = []
    for question in questions.order_by("questionnaire__stage", "order"):
        row = by_question[question.pk]
        expectation = round(row["expectation"], 2) if row["expectation"] is not None else None
        score = round(row["score"], 2) if row["score"] is not None else None
        result.append(
            {
                "id": question.pk,
                "questionnaire": question.questionnaire.name,
                "text": question.text,
                "indicator": question.indicator.name if question.indicator else "",
                "answers": row["n"],
                "mean_value": round(row["value"], 2) if row["value"] is not None else None,
                "score": score,
                "expectation": expectation,
                "gap": rules.change(score, expectation) if expectation is not None else None,
            }
        )
    return result


def indicator_score(answers: QuerySet, *, indicator_id: int, year: int, company_id, project_id=None):
    """One indicator's rolled-up score for a company (or project) and year."""
    scores = rolled_up(completed_answers(answers, year=year, company_id=company_id, project_id=project_id))
    return _mean(scores.get(None), indicator_id)


def plan_movement(answers: QuerySet, plan) -> dict | None:
    """An improvement plan's indicator in the first survey after the one it was made from (same
    company, and project if the plan has one), against the score when it was made."""
    base_year = plan.survey.year if plan.survey_id else plan.created_at.year
    responses = Respondent.objects.filter(
        company_id=plan.company_id, status=Respondent.Status.COMPLETED, year__gt=base_year
    )
    if plan.project_id:
        responses = responses.filter(project_id=plan.project_id)
    next_year = responses.order_by("year").values_list("year", flat=True).first()
    if next_year is None:
        return None
    score = indicator_score(
        answers,
        indicator_id=plan.indicator_id,
        year=next_year,
        company_id=plan.company_id,
        project_id=plan.project_id,
    )
    return {"year": next_year, "score": score, "change": rules.change(score, plan.baseline_score)}


# --- Scorecard ------------------------------------------------------------------------------------
def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def complaint_handling(complaints: QuerySet, *, year: int) -> dict:
    """{(company id, department): (received, resolved in time)} for complaints received in the year;
    in time as the work queue and the dashboard count it (``resolved_in_time_q``)."""
    start, end = _year_bounds(year)
    rows = (
        complaints.filter(received_at__gte=start, received_at__lt=end)
        .values("company_id", "department")
        .annotate(received=Count("id"), in_time=Count("id", filter=resolved_in_time_q()))
        .order_by()
    )
    return {(row["company_id"], row["department"]): (row["received"], row["in_time"]) for row in rows}


def scorecard(
    *, answers: QuerySet, complaints: QuerySet, companies: QuerySet, year: int, weights
) -> list[dict]:
    """Per company, then per department: satisfaction, complaint handling rate (closed in time /
    received), loyalty and the weighted customer score."""
    roots = _root_ids()
    by_company = rolled_up(completed_answers(answers, year=year), "company")
    handling = complaint_handling(complaints, year=year)
    departments = {
        code: ind_id
        for ind_id, code in Indicator.objects.filter(level="direction")
        .exclude(department="")
        .values_list("id", "department")
    }
    result = []
    for company in companies:
        scores = by_company.get(company.pk)
        loyalty = _mean(scores, roots.get(LOYALTY))
        satisfaction = _mean(scores, roots.get(SATISFACTION))
        received = sum(r for (cid, _dep), (r, _t) in handling.items() if cid == company.pk)
        in_time = sum(t for (cid, _dep), (_r, t) in handling.items() if cid == company.pk)
        handling_rate = rules.rate(in_time, received)
        rows = []
        unassigned = handling.get((company.pk, ""), (0, 0))
        choices = [*Department.choices, *([("", gettext("No department yet"))] if unassigned[0] else [])]
        for code, label in choices:
            dep_received, dep_in_time = handling.get((company.pk, code), (0, 0))
            dep_satisfaction = _mean(scores, departments.get(code))
            dep_rate = rules.rate(dep_in_time, dep_received)
            rows.append(
                {
                    "department": code,
                    "label": str(label),
                    "satisfaction": dep_satisfaction,
                    "received": dep_received,
                    "in_time": dep_in_time,
                    "handling_rate": dep_rate,
                    "loyalty": loyalty,
                    "score": rules.customer_score(
                        weights, satisfaction=dep_satisfaction, handling_rate=dep_rate, loyalty=loyalty
                    ),
                }
            )
        result.append(
            {
                "company": company.pk,
                "name": company.name,
                "satisfaction": satisfaction,
                "received": received,
                "in_time": in_time,
                "handling_rate": handling_rate,
                "loyalty": loyalty,
                "score": rules.customer_score(
                    weights, satisfaction=satisfaction, handling_rate=handling_rate, loyalty=loyalty
                ),
                "departments": rows,
            }
        )
    return result
