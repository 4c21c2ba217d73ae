from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Count, Q, Value, When

from .models import ActionType, CheckAnswer, CheckQuestion, ServiceTask, Step


@dataclass
class StepCoverage:
    step: Step
    done: int = 0
    due: int = 0
    overdue: int = 0
    by_action: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.done + self.due + self.overdue

    @property
    def done_percent(self) -> float | None:
        return round(100 * self.done / self.total, 1) if self.total else None


def project_board(*, project, today: date) -> list[StepCoverage]:
    """Done / due / overdue 6+2 work per step for one project: one GROUP BY over the project's
    tasks that the (project, action, status, due_on) index answers without reading the table."""
    state = Case(
        When(status=ServiceTask.Status.DONE, then=Value("done")),
        When(due_on__lt=today, then=Value("overdue")),
        default=Value("due"),
        output_field=CharField(),
    )
    rows = (
        ServiceTask.objects.filter(project=project)
        .annotate(state=state)
        .values("action_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    actions = {action.pk: action for action in ActionType.objects.all()}
    steps = {step.pk: StepCoverage(step) for step in Step.objects.all()}
    for row in rows:
        action = actions[row["action_id"]]
        coverage = steps[action.step_id]
        setattr(coverage, row["state"], getattr(coverage, row["state"]) + row["n"])
        counts = coverage.by_action.setdefault(action.name, {"done": 0, "due": 0, "overdue": 0})
        counts[row["state"]] += row["n"]
    return list(steps.values())


PERIODIC_KINDS = (("quarterly", "periodic-q"), ("yearly", "periodic-y"))


def periodic_callbacks(*, project, today: date) -> dict[str, dict[str, int]]:
    """嘘寒问暖 on the board: done / due / overdue periodic call-backs of the project, quarterly ones
    (owners in 磨合期) apart from yearly ones; one GROUP BY over the board's index."""
    state = Case(
        When(status=ServiceTask.Status.DONE, then=Value("done")),
        When(due_on__lt=today, then=Value("overdue")),
        default=Value("due"),
        output_field=CharField(),
    )
    kind = Case(
        *(When(occasion__startswith=prefix, then=Value(name)) for name, prefix in PERIODIC_KINDS),
        default=Value(""),
        output_field=CharField(),
    )
    found = {name: {"done": 0, "due": 0, "overdue": 0} for name, _prefix in PERIODIC_KINDS}
    rows = (
        ServiceTask.objects.filter(project=project, action__code="periodic_callback")
        .annotate(state=state, kind=kind)
        .values("kind", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        if row["kind"]:
            found[row["kind"]][row["state"]] += row["n"]
    return found


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        year, number = text.upper().split("Q")
        quarter = cls(int(year), int(number))
        if not (2000 <= quarter.year <= 2100 and 1 <= quarter.number <= 4):
            raise ValueError(text)
        return quarter

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:  # exclusive
        return date(self.year + self.number // 4, 3 * self.number % 12 + 1, 1)


@dataclass
class StepCheck:
    step: Step
    actions: list = field(default_factory=list)  # (action name, done, total, percent)
    questions: list = field(default_factory=list)  # (question, yes, answered, percent)

    @property
    def score(self) -> float | None:
        """The mean of the step's action coverages and yes-shares that have any data."""
        parts = [percent for *_rest, percent in self.actions + self.questions if percent is not None]
        return round(sum(parts) / len(parts), 1) if parts else None


def quarterly_check(*, project, quarter: Quarter) -> list[StepCheck]:
    """Coverage of each standard action due in the quarter, and the owners' yes/no answers, per step
    (two GROUP BYs)."""
    coverage = {
        row["action_id"]: row
        for row in ServiceTask.objects.filter(
            project=project, due_on__gte=quarter.first_day, due_on__lt=quarter.end
        )
        .values("action_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=ServiceTask.Status.DONE)))
        .order_by()
    }
    answers = {
        row["question_id"]: row
        for row in CheckAnswer.objects.filter(project=project, quarter=quarter.label)
        .values("question_id")
        .annotate(answered=Count("id"), yes=Count("id", filter=Q(answer=True)))
        .order_by()
    }
    steps = {step.pk: StepCheck(step) for step in Step.objects.all()}
    for action in ActionType.objects.filter(standard=True):
        row = coverage.get(action.pk, {"total": 0, "done": 0})
        percent = round(100 * row["done"] / row["total"], 1) if row["total"] else None
        steps[action.step_id].actions.append((action.name, row["done"], row["total"], percent))
    for question in CheckQuestion.objects.all():
        row = answers.get(question.pk, {"answered": 0, "yes": 0})
        percent = round(100 * row["yes"] / row["answered"], 1) if row["answered"] else None
        steps[question.step_id].questions.append((question.text, row["yes"], row["answered"], percent))
    return list(steps.values())
