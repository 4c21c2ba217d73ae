"""Satisfaction surveys (满意度): the indicator tree, questionnaires, yearly plans, respondents with their
private links, answers, improvement plans (改进计划) and the scorecard weights."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from complaints.models import Department
from core.scoping import ScopedManager
from customers.models import Customer, Segment
from organization.models import Company, Project

from . import rules


class Level(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment (satisfaction, loyalty)")
    DIRECTION = "direction", _("Direction (design, construction, sales, property service)")
    OPERATION = "operation", _("Operation (details)")


class SurveyStage(models.TextChoices):
    """The owner stage a questionnaire is written for."""

    BUYER = "buyer", _("Buyer (signed, not yet delivered)")
    RUN_IN = "run_in", _("Run-in (first year)")
    SETTLED = "settled", _("Settled (1–3 years)")
    LONG_TIME = "long_time", _("Long-time owner (3+ years)")


class Method(models.TextChoices):
    ONLINE = "online", _("Online link")
    PHONE = "phone", _("Phone")
    ON_SITE = "on_site", _("On site")


class Indicator(models.Model):
    """A node of the three-level indicator tree (assessment → direction → operation)."""

    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent indicator"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Direction indicators belong to a department; the scorecard reads its satisfaction from them.
    department = models.CharField(
        _("responsible department"), max_length=30, choices=Department.choices, blank=True
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="assessment", parent__isnull=True)
                | Q(level__in=["direction", "operation"], parent__isnull=False),
                name="indicator_parent_by_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        problem = rules.level_problem(self.level, self.parent.level if self.parent_id else None)
        if problem:
            raise ValidationError({"parent": rules.LEVEL_MESSAGES[problem]})


class Questionnaire(models.Model):
    """A questionnaire template for an owner stage and, optionally, one customer segment."""

    name = models.CharField(_("name"), max_length=100)
    stage = models.CharField(_("owner stage"), max_length=20, choices=SurveyStage.choices)
    segment = models.CharField(
        _("segment"), max_length=30, choices=Segment.choices, blank=True, help_text=_("Empty: every segment.")
    )
    intro = models.TextField(_("introduction"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["stage", "segment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "segment"], name="one_questionnaire_per_stage_segment"),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating")
    PAIR = "pair", _("Expectation and experience")
    TEXT = "text", _("Free text")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name=_("questionnaire")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.RATING
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("indicator"),
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest value"),
        default=5,
        validators=[MinValueValidator(rules.SCALE_MIN + 1), MaxValueValidator(rules.SCALE_MAX_LIMIT)],
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "order"], name="question_order_unique"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=2, scale_max__lte=10), name="question_scale_between_2_and_10"
            ),
            models.CheckConstraint(
                condition=Q(kind="text") | Q(indicator__isnull=False), name="scored_question_has_indicator"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyPlan(models.Model):
    """One survey of the yearly plan: who (project, stage, segment, sample), how and when."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SAMPLED = "sampled", _("Respondents drawn")
        CLOSED = "closed", _("Finished")

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    name = models.CharField(_("name"), max_length=100)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="survey_plans", verbose_name=_("project")
    )
    stage = models.CharField(_("owner stage"), max_length=20, choices=SurveyStage.choices)
    segment = models.CharField(
        _("segment"), max_length=30, choices=Segment.choices, blank=True, help_text=_("Empty: every segment.")
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="plans", verbose_name=_("questionnaire")
    )
    sample_size = models.PositiveIntegerField(
        _("sample size"), validators=[MinValueValidator(1), MaxValueValidator(rules.SAMPLE_SIZE_MAX)]
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.ONLINE)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    exclude_months = models.PositiveSmallIntegerField(
        _("skip people surveyed in the last N months"), default=rules.DEFAULT_EXCLUDE_MONTHS
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("survey plan")
        verbose_name_plural = _("survey plans")
        ordering = ["-year", "-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="plan_window_order"
            ),
        ]
        indexes = [models.Index(fields=["company", "-year"], name="surveyplan_company_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class Respondent(models.Model):
    """A sampled customer of a plan with their private link; stage and segment are kept as they were
    when sampled so that last year's scores stay comparable."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not started")
        STARTED = "started", _("Started")
        COMPLETED = "completed", _("Completed")

    plan = models.ForeignKey(SurveyPlan, on_delete=models.CASCADE, related_name="respondents")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="survey_respondents")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    stage = models.CharField(_("owner stage"), max_length=20, choices=SurveyStage.choices)
    segment = models.CharField(_("segment"), max_length=30, choices=Segment.choices, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    sampled_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The reminder sweep reads only links that still need a reminder (partial index below).
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        ordering = ["id"]
        # The answer link is a key to the owner's survey: only staff who send it see it.
        permissions = [("view_respondent_link", _("Can see a respondent's private answer link"))]
        constraints = [
            models.UniqueConstraint(fields=["plan", "customer"], name="one_respondent_per_plan"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="completed_respondent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-sampled_at"], name="respondent_customer_recent"),
            models.Index(fields=["plan", "status"], name="respondent_plan_status"),
            # Reports read one year's completed surveys of a company.
            models.Index(fields=["year", "company", "status"], name="respondent_year_company"),
            models.Index(
                fields=["next_reminder_at"],
                name="respondent_reminder_due",
                condition=Q(next_reminder_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.customer}"


class Answer(models.Model):
    """One answer to one question; a question is answered once per respondent (re-saving updates it)."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("experience"), null=True, blank=True)
    expectation = models.PositiveSmallIntegerField(_("expectation"), null=True, blank=True)
    # ``value`` on a 0–100 scale, written with it, so that every roll-up is a plain AVG in SQL.
    score = models.FloatField(null=True, blank=True, editable=False)
    expectation_score = models.FloatField(null=True, blank=True, editable=False)
    text = models.TextField(_("comment"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(auto_now=True)
    company_lookup = "respondent__company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["respondent", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=10), name="answer_value_in_range"
            ),
            models.CheckConstraint(
                condition=Q(expectation__isnull=True) | Q(expectation__gte=1, expectation__lte=10),
                name="answer_expectation_in_range",
            ),
        ]
        indexes = [models.Index(fields=["question"], name="answer_question")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"


class ImprovementPlan(models.Model):
    """改进计划: what a company does about a low-scoring indicator, followed to completion."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("company")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="improvement_plans", verbose_name=_("indicator")
    )
    survey = models.ForeignKey(
        SurveyPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_plans",
        verbose_name=_("from survey"),
    )
    baseline_score = models.FloatField(_("score when planned"), null=True, blank=True)
    goal = models.CharField(_("goal"), max_length=300)
    department = models.CharField(_("responsible department"), max_length=30, choices=Department.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    deadline = models.DateField(_("deadline"))
    measures = models.TextField(_("measures"), max_length=5000)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    company_lookup = "company"

    objects = ScopedManager()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["company", "status", "deadline"], name="improvement_company_due")]

    def __str__(self) -> str:
        return self.goal


class ImprovementNote(models.Model):
    """A follow-up note on an improvement plan (append-only)."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ScorecardWeights(models.Model):
    """The group centre's weights of the performance scorecard for a year, in percent of the whole
    performance; customer figures must weigh more than profit (DOMAIN.md)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction weight (%)"), default=40)
    complaint_handling = models.PositiveSmallIntegerField(_("complaint handling weight (%)"), default=20)
    loyalty = models.PositiveSmallIntegerField(_("loyalty weight (%)"), default=20)
    profit = models.PositiveSmallIntegerField(_("profit weight (%)"), default=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scorecard weights")
        verbose_name_plural = _("scorecard weights")
        constraints = [
            models.CheckConstraint(
                condition=Exact(
                    F("satisfaction") + F("complaint_handling") + F("loyalty") + F("profit"), 100
                ),
                name="scorecard_weights_sum_100",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__gt=F("profit")), name="scorecard_satisfaction_above_profit"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
