from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Count, Value, When

from .models import ServiceTask, Step


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
    """Done / due / overdue 6+2 work per step for one project, in one GROUP BY."""
    state = Case(
        When(status=ServiceTask.Status.DONE, then=Value("done")),
        When(due_on__lt=today, then=Value("overdue")),
        default=Value("due"),
        output_field=CharField(),
    )
    rows = (
        ServiceTask.objects.filter(project=project)
        .annotate(state=state)
        .values("action__step_id", "action__name", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    steps = {step.pk: StepCoverage(step) for step in Step.objects.all()}
    for row in rows:
        coverage = steps[row["action__step_id"]]
        setattr(coverage, row["state"], getattr(coverage, row["state"]) + row["n"])
        counts = coverage.by_action.setdefault(row["action__name"], {"done": 0, "due": 0, "overdue": 0})
        counts[row["state"]] += row["n"]
    return list(steps.values())
