"""Every change to surveys: plans, sampling, answers (public link, staff entry and API), reminders,
improvement plans and the scorecard weights. Keyword-only, atomic; the lock each takes is named."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import webhooks
from core.exceptions import Conflict, DomainError
from core.outbox import Message, message_queue_many, unsubscribe_link
from customers.models import Customer, Stage
from organization import access

from . import rules, selectors
from .models import (
    Answer,
    ImprovementNote,
    ImprovementPlan,
    Method,
    Question,
    QuestionKind,
    Questionnaire,
    Respondent,
    ScorecardWeights,
    SurveyPlan,
)

TOPIC = "survey"


class InvalidToken(DomainError):
    """A forged, unknown or expired survey link."""

    status_code = 404
    code = "invalid_token"


# --- Plans and sampling ---------------------------------------------------------------------------
def questionnaire_for(*, stage: str, segment: str) -> Questionnaire:
    """The segment's own questionnaire for the stage, else the stage's general one."""
    found = {q.segment: q for q in Questionnaire.objects.filter(stage=stage, segment__in=[segment, ""])}
    questionnaire = found.get(segment) or found.get("")
    if questionnaire is None:
        raise DomainError(gettext_lazy("There is no questionnaire for this stage."), code="no_questionnaire")
    return questionnaire


@transaction.atomic
def plan_create(
    *,
    project,
    year: int,
    name: str,
    stage: str,
    segment: str = "",
    sample_size: int,
    method: str,
    opens_on: date,
    closes_on: date,
    exclude_months: int = rules.DEFAULT_EXCLUDE_MONTHS,
    by,
) -> SurveyPlan:
    if closes_on < opens_on:
        raise DomainError(gettext_lazy("The survey must close after it opens."), code="window_order")
    if not 1 <= sample_size <= rules.SAMPLE_SIZE_MAX:
        raise DomainError(
            gettext_lazy("The sample size must be between 1 and %(max)s.") % {"max": rules.SAMPLE_SIZE_MAX},
            code="sample_size",
        )
    return SurveyPlan.objects.create(
        company=project.company,
        project=project,
        year=year,
        name=name.strip(),
        stage=stage,
        segment=segment,
        questionnaire=questionnaire_for(stage=stage, segment=segment),
        sample_size=sample_size,
        method=method,
        opens_on=opens_on,
        closes_on=closes_on,
        exclude_months=exclude_months,
        created_by=by,
    )


def candidates_for(plan: SurveyPlan, today: date):
    """Customers of the plan's company who bought in its project, in its stage and segment."""
    customers = Customer.objects.filter(
        company_id=plan.company_id, purchases__unit__building__project_id=plan.project_id
    )
    if plan.stage == "buyer":
        customers = customers.filter(stage=Stage.BUYER)
    else:
        after, until = rules.moved_in_range(plan.stage, today)
        customers = customers.filter(stage=Stage.OWNER, moved_in_on__lte=until)
        if after is not None:
            customers = customers.filter(moved_in_on__gt=after)
    if plan.segment:
        customers = customers.filter(segment=plan.segment)
    return customers.distinct()


def _closes_at(plan: SurveyPlan) -> datetime:
    return timezone.make_aware(datetime.combine(plan.closes_on, time.max))


@transaction.atomic
def plan_draw_sample(*, plan: SurveyPlan, today: date | None = None) -> int:
    """Pick the respondents (nobody surveyed in the last ``exclude_months`` months), give each a private
    link and, for online plans, queue the invitation SMS. Locks the plan row: drawing twice is refused."""
    today = today or timezone.localdate()
    plan = SurveyPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)
    if plan.status != SurveyPlan.Status.DRAFT:
        raise Conflict(
            gettext_lazy("Respondents were already drawn for this survey."), code="already_sampled"
        )
    if today > plan.closes_on:
        raise DomainError(gettext_lazy("This survey's window has closed."), code="survey_closed")
    rows = {row["id"]: row for row in candidates_for(plan, today).values("id", "segment", "phone")}
    since = timezone.make_aware(datetime.combine(rules.add_months(today, -plan.exclude_months), time.min))
    recent = set(
        Respondent.objects.filter(customer_id__in=list(rows), sampled_at__gte=since).values_list(
            "customer_id", flat=True
        )
    )
    chosen = rules.sample(rows, plan.sample_size, recently_surveyed=recent, plan_key=str(plan.pk))
    now = timezone.now()
    respondents = [
        Respondent(
            plan=plan,
            customer_id=customer_id,
            company_id=plan.company_id,
            project_id=plan.project_id,
            year=plan.year,
            stage=plan.stage,
            segment=rows[customer_id]["segment"],
            method=plan.method,
            token=rules.new_token(),
            next_reminder_at=rules.next_reminder(sent_at=now, reminders_sent=0, closes_at=_closes_at(plan))
            if plan.method == Method.ONLINE
            else None,
        )
        for customer_id in chosen
    ]
    Respondent.objects.bulk_create(respondents, batch_size=1000)
    plan.status = SurveyPlan.Status.SAMPLED
    plan.save(update_fields=["status"])
    if plan.method == Method.ONLINE:
        created = Respondent.objects.filter(plan=plan).values("id", "token", "customer_id")
        message_queue_many(
            _survey_sms(
                plan, rows[row["customer_id"]]["phone"], row["token"], f"survey:invite:{row['id']}", 0
            )
            for row in created
        )
    return len(respondents)


def survey_link(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}/s/{token}/"


def _survey_sms(plan: SurveyPlan, phone: str, token: str, dedupe_key: str, reminder: int) -> Message:
    with translation.override(settings.LANGUAGE_CODE):
        if reminder:
            text = _("Reminder: your satisfaction survey for %(project)s is still waiting: %(link)s")
        else:
            text = _(
                "Dear owner of %(project)s, please tell us how satisfied you are (a few minutes): %(link)s"
            )
        body = (
            (text % {"project": plan.project.name, "link": survey_link(token)})
            + " "
            + _("Unsubscribe: %(link)s") % {"link": unsubscribe_link(recipient=phone, topic=TOPIC)}
        )
    return Message(
        channel="sms",
        recipient=phone,
        topic=TOPIC,
        body=body,
        dedupe_key=dedupe_key,
        company_id=plan.company_id,
    )


@transaction.atomic
def plan_close(*, plan: SurveyPlan) -> SurveyPlan:
    plan = SurveyPlan.objects.select_for_update().get(pk=plan.pk)
    plan.status = SurveyPlan.Status.CLOSED
    plan.save(update_fields=["status"])
    Respondent.objects.filter(plan=plan).exclude(next_reminder_at=None).update(next_reminder_at=None)
    return plan


# --- Answers --------------------------------------------------------------------------------------
def respondent_for_token(token: str, *, today: date | None = None) -> Respondent:
    """The respondent of a private link. Forged or unknown tokens and links of closed surveys are
    ``InvalidToken`` (a 404); a completed one is returned and the caller shows "already answered"."""
    today = today or timezone.localdate()
    respondent = (
        Respondent.objects.select_related("plan__project", "plan__questionnaire").filter(token=token).first()
        if token and len(token) <= 64
        else None
    )
    if respondent is None:
        raise InvalidToken(gettext_lazy("This survey link is not valid."))
    if respondent.status != Respondent.Status.COMPLETED and (
        today > respondent.plan.closes_on or respondent.plan.status == SurveyPlan.Status.CLOSED
    ):
        raise InvalidToken(
            gettext_lazy("This survey has closed. Thank you for your interest."), code="closed"
        )
    return respondent


@dataclass(frozen=True)
class AnswerInput:
    value: int | None = None
    expectation: int | None = None
    text: str = ""


@dataclass
class SaveResult:
    saved: int = 0
    errors: dict[int, str] = field(default_factory=dict)  # question id -> translated message
    missing: list[int] = field(default_factory=list)  # required questions still unanswered
    completed: bool = False


SCALE_MESSAGES = {
    "missing": gettext_lazy("Choose a value."),
    "not_a_number": gettext_lazy("Choose a value."),
    "out_of_scale": gettext_lazy("Choose a value from 1 to %(max)s."),
}


def _check(question: Question, given: AnswerInput) -> str | None:
    if question.kind == QuestionKind.TEXT:
        return None if len(given.text) <= 2000 else str(gettext_lazy("At most 2,000 characters."))
    values = [given.value] if question.kind == QuestionKind.RATING else [given.expectation, given.value]
    for value in values:
        problem = rules.value_problem(value, question.scale_max)
        if problem:
            return str(SCALE_MESSAGES[problem]) % {"max": question.scale_max}
    return None


def _is_empty(question: Question, given: AnswerInput) -> bool:
    if question.kind == QuestionKind.TEXT:
        return not given.text.strip()
    return given.value is None and given.expectation is None


def answers_save(
    *, respondent: Respondent, answers: dict[int, AnswerInput], complete: bool, entered_by=None
) -> SaveResult:
    """Store what is valid (answers can be given over several visits), report what is not, and on
    ``complete`` finish the survey when every required question has a valid answer.

    Locks the respondent row: two submissions of one link run one after the other and the second
    finds it completed (``Conflict``); the unique (respondent, question) constraint backs this up."""
    with transaction.atomic():
        respondent = (
            Respondent.objects.select_for_update().select_related("plan__project").get(pk=respondent.pk)
        )
        if respondent.status == Respondent.Status.COMPLETED:
            raise Conflict(
                gettext_lazy("This survey has already been answered. Thank you."), code="already_answered"
            )
        if respondent.plan.status == SurveyPlan.Status.CLOSED:
            raise DomainError(gettext_lazy("This survey's window has closed."), code="survey_closed")
        questions = {
            q.pk: q for q in Question.objects.filter(questionnaire_id=respondent.plan.questionnaire_id)
        }
        result = SaveResult()
        for question_id, given in answers.items():
            question = questions.get(question_id)
            if question is None:
                raise DomainError(
                    gettext_lazy("A question does not belong to this survey."), code="unknown_question"
                )
            if _is_empty(question, given):
                continue
            problem = _check(question, given)
            if problem:
                result.errors[question_id] = problem
                continue
            _store(respondent, question, given)
            result.saved += 1
        answered = set(Answer.objects.filter(respondent=respondent).values_list("question_id", flat=True))
        result.missing = [
            pk
            for pk, q in sorted(questions.items(), key=lambda item: item[1].order)
            if q.required and pk not in answered and pk not in result.errors
        ]
        now = timezone.now()
        respondent.started_at = respondent.started_at or now
        respondent.status = Respondent.Status.STARTED
        if entered_by is not None:
            respondent.entered_by = entered_by
        if complete and not result.errors and not result.missing:
            respondent.status = Respondent.Status.COMPLETED
            respondent.completed_at = now
            respondent.next_reminder_at = None
            result.completed = True
        respondent.save(
            update_fields=["started_at", "status", "entered_by", "completed_at", "next_reminder_at"]
        )
        if result.completed:
            webhooks.emit("survey.completed", respondent, company_id=respondent.company_id)
        return result


def _store(respondent: Respondent, question: Question, given: AnswerInput) -> None:
    scored = question.kind != QuestionKind.TEXT
    fields = {
        "value": given.value if scored else None,
        "expectation": given.expectation if question.kind == QuestionKind.PAIR else None,
        "score": rules.normalise(given.value, question.scale_max) if scored else None,
        "expectation_score": rules.normalise(given.expectation, question.scale_max)
        if question.kind == QuestionKind.PAIR
        else None,
        "text": given.text.strip()[:2000],
    }
    Answer.objects.update_or_create(respondent=respondent, question=question, defaults=fields)


# --- Reminders ------------------------------------------------------------------------------------
def reminders_send_due(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Queue a reminder for every unanswered link whose reminder is due (the partial index on
    ``next_reminder_at``), in batches under ``FOR UPDATE SKIP LOCKED``. Each reminder's dedupe key
    names the link and the reminder's number, so a sweep that runs twice sends it once."""
    now = now or timezone.now()
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                Respondent.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(next_reminder_at__lte=now)
                .select_related("plan__project", "customer")
                .order_by("next_reminder_at", "id")[:batch_size]
            )
            if not batch:
                return queued
            messages = []
            for respondent in batch:
                plan = respondent.plan
                if (
                    respondent.status != Respondent.Status.COMPLETED
                    and plan.status != SurveyPlan.Status.CLOSED
                ):
                    number = respondent.reminders_sent + 1
                    messages.append(
                        _survey_sms(
                            plan,
                            respondent.customer.phone,
                            respondent.token,
                            f"survey:reminder:{respondent.pk}:{number}",
                            number,
                        )
                    )
                    respondent.reminders_sent = number
                    respondent.next_reminder_at = rules.next_reminder(
                        sent_at=respondent.sampled_at, reminders_sent=number, closes_at=_closes_at(plan)
                    )
                else:
                    respondent.next_reminder_at = None
            queued += message_queue_many(messages)
            Respondent.objects.bulk_update(batch, ["reminders_sent", "next_reminder_at"])


# --- Improvement plans ----------------------------------------------------------------------------
@transaction.atomic
def improvement_plan_create(
    *,
    indicator,
    goal: str,
    department: str,
    owner,
    deadline: date,
    measures: str,
    by,
    project=None,
    company=None,
    survey: SurveyPlan | None = None,
    baseline_score: float | None = None,
) -> ImprovementPlan:
    """A plan for an indicator of a company (of ``project``'s, or ``company`` for a plan of the whole
    company), recorded under the company ``access.write_company_for`` gives ``by``. It starts from the
    indicator's score in the company's latest completed survey (``selectors.improvement_baseline``),
    unless the caller names the ``survey`` and ``baseline_score`` it plans from."""
    company = access.write_company_for(by, company or (project.company if project else None))
    if not access.may_be_assigned(owner, company.pk, perm=access.OWN_IMPROVEMENT_PLANS):
        raise DomainError(
            gettext_lazy("%(name)s cannot own improvement plans of this company.") % {"name": owner},
            code="owner_company",
        )
    if project is not None and project.company_id != company.pk:
        raise DomainError(gettext_lazy("The project belongs to another company."), code="project_company")
    if not goal.strip() or not measures.strip():
        raise DomainError(gettext_lazy("Write the goal and the measures."), code="empty_plan")
    if survey is None and baseline_score is None:
        baseline = selectors.improvement_baseline(
            user=by, company=company, project=project, indicator=indicator
        )
        survey, baseline_score = baseline.survey, baseline.score
    return ImprovementPlan.objects.create(
        company=company,
        project=project,
        indicator=indicator,
        survey=survey,
        baseline_score=baseline_score,
        goal=goal.strip(),
        department=department,
        owner=owner,
        deadline=deadline,
        measures=measures.strip(),
        created_by=by,
    )


PLAN_FLOW = {
    "open": {"in_progress", "done", "cancelled"},
    "in_progress": {"done", "cancelled"},
    "done": {"in_progress"},
    "cancelled": {"open"},
}


@transaction.atomic
def improvement_plan_follow_up(*, plan: ImprovementPlan, by, note: str = "", status: str | None = None):
    """Add a follow-up note and/or move the plan on (locks the plan row)."""
    plan = ImprovementPlan.objects.select_for_update().get(pk=plan.pk)
    if status and status != plan.status:
        if status not in PLAN_FLOW.get(plan.status, set()):
            raise Conflict(gettext_lazy("This status change is not allowed."), code="invalid_transition")
        plan.status = status
        plan.finished_at = timezone.now() if status == ImprovementPlan.Status.DONE else None
        plan.save(update_fields=["status", "finished_at"])
    elif not note.strip():
        raise DomainError(gettext_lazy("Write a note or choose a new status."), code="empty_follow_up")
    if note.strip():
        ImprovementNote.objects.create(plan=plan, author=by, text=note.strip()[:2000])
    return plan


# --- Scorecard weights ----------------------------------------------------------------------------
WEIGHT_MESSAGES = {
    "negative": gettext_lazy("Weights cannot be negative."),
    "sum_not_100": gettext_lazy("The weights must add up to 100."),
    "profit_above_satisfaction": gettext_lazy("Satisfaction must weigh more than profit."),
}


def weights_set(*, year: int, weights: rules.Weights, by) -> ScorecardWeights:
    problem = rules.weights_problem(weights)
    if problem:
        raise DomainError(WEIGHT_MESSAGES[problem], code=problem)
    try:
        with transaction.atomic():
            row, _created = ScorecardWeights.objects.update_or_create(
                year=year,
                defaults={
                    "satisfaction": weights.satisfaction,
                    "complaint_handling": weights.complaint_handling,
                    "loyalty": weights.loyalty,
                    "profit": weights.profit,
                    "updated_by": by,
                },
            )
    except IntegrityError:  # the database constraints say the same as the rules
        raise DomainError(WEIGHT_MESSAGES["sum_not_100"], code="invalid_weights") from None
    return row
