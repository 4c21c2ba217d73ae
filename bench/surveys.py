"""Surveys: the score roll-up (per project and indicator, then up the tree) over LARGE answers, and
its ratio to the same GROUP BY written by hand in SQL; the whole survey report at that size.
"""

import random
import statistics
import time

from django.db import connection
from django.utils import timezone

from bench.common import Sizes, vacuum
from customers.models import Customer
from organization.models import Project, User
from surveys import rules as survey_rules
from surveys import scores
from surveys.models import Answer, Indicator, Question, Questionnaire, Respondent, SurveyPlan

REPEATS = 5

SURVEY_ROLLUP_SQL = """
    SELECT r.project_id, q.indicator_id, SUM(a.score), COUNT(a.score)
    FROM surveys_answer a
    JOIN surveys_respondent r ON r.id = a.respondent_id
    JOIN surveys_question q ON q.id = a.question_id
    WHERE r.year = %s AND r.status = 'completed' AND a.score IS NOT NULL
    GROUP BY r.project_id, q.indicator_id
"""


def seed_answers(answers: int, year: int) -> int:
    """Completed run-in surveys spread over every project, each scored question answered at random;
    returns how many answers that made (a whole number of respondents)."""
    rng = random.Random(7)
    questionnaire = Questionnaire.objects.get(stage="run_in", segment="")
    questions = list(Question.objects.filter(questionnaire=questionnaire).exclude(kind="text"))
    projects = list(Project.objects.select_related("company"))
    manager = User.objects.get(username="manager_sz")
    plans = {
        project.pk: SurveyPlan.objects.create(
            year=year,
            name="基准调查",
            company=project.company,
            project=project,
            stage="run_in",
            questionnaire=questionnaire,
            sample_size=survey_rules.SAMPLE_SIZE_MAX,
            method="phone",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
            status="sampled",
            created_by=manager,
        )
        for project in projects
    }
    respondents_needed = answers // len(questions)
    started, now, made = time.monotonic(), timezone.now(), 0
    for offset in range(0, respondents_needed, 5000):
        size = min(5000, respondents_needed - offset)
        chosen = [projects[(offset + n) % len(projects)] for n in range(size)]
        customers = Customer.objects.bulk_create(
            Customer(
                company=chosen[n].company,
                name=f"受访{offset + n}",
                phone=f"166{offset + n:08d}",
                phone_tail=f"{n:04d}"[-4:],
            )
            for n in range(size)
        )
        respondents = Respondent.objects.bulk_create(
            Respondent(
                plan=plans[p.pk],
                customer=c,
                company=p.company,
                project=p,
                year=year,
                stage="run_in",
                segment="",
                method="phone",
                token=survey_rules.new_token(),
                status="completed",
                completed_at=now,
            )
            for c, p in zip(customers, chosen, strict=True)
        )
        rows = []
        for respondent in respondents:
            for question in questions:
                value = rng.randint(1, question.scale_max)
                expectation = rng.randint(1, question.scale_max) if question.kind == "pair" else None
                rows.append(
                    Answer(
                        respondent=respondent,
                        question=question,
                        value=value,
                        score=survey_rules.normalise(value, question.scale_max),
                        expectation=expectation,
                        expectation_score=survey_rules.normalise(expectation, question.scale_max)
                        if expectation
                        else None,
                    )
                )
        Answer.objects.bulk_create(rows, batch_size=5000)
        made += len(rows)
        print(f"\r  seeding survey answers: {made:,}/{answers:,}", end="", flush=True)
    print(f"  ({made / max(time.monotonic() - started, 1e-9):,.0f} rows/s)")
    vacuum()
    return made


def measure(sizes: Sizes) -> dict:
    """Time the score roll-up per project through surveys.scores against the same GROUP BY by hand
    (plus the same roll-up up the tree), and the whole survey report for the group."""
    year = timezone.localdate().year
    made = seed_answers(sizes.large, year)
    parents = dict(Indicator.objects.values_list("id", "parent_id"))

    def by_hand() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(SURVEY_ROLLUP_SQL, [year])
            direct: dict = {}
            for project_id, indicator_id, total, count in cursor.fetchall():
                direct.setdefault(project_id, {})[indicator_id] = survey_rules.Score(total, count)
        return {group: survey_rules.roll_up(parents, scores_) for group, scores_ in direct.items()}

    def orm() -> dict:
        return scores.rolled_up(scores.completed_answers(Answer.objects.all(), year=year), "project")

    assert {k: {i: s.mean for i, s in v.items()} for k, v in orm().items()} == {
        k: {i: s.mean for i, s in v.items()} for k, v in by_hand().items()
    }
    timings: dict[str, list[float]] = {"orm": [], "sql": [], "report": []}
    for _ in range(REPEATS):
        for name, run in (
            ("orm", orm),
            ("sql", by_hand),
            (
                "report",
                lambda: scores.survey_report(
                    answers=Answer.objects.all(), respondents=Respondent.objects.all(), year=year
                ),
            ),
        ):
            started = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - started) * 1000)
    return {"answers": made, **{name: statistics.median(values) for name, values in timings.items()}}


def report(figures: dict, sizes: Sizes) -> list[str]:
    """Print the figures; return what failed (nothing is checked here)."""
    print(
        f"\nSurvey score roll-up per project over {figures['answers']:,} answers ({connection.vendor}), "
        f"median of {REPEATS}: {figures['orm']:.0f} ms; hand-written SQL {figures['sql']:.0f} ms; "
        f"ratio {figures['orm'] / figures['sql']:.2f}; the whole survey report {figures['report']:.0f} ms"
    )
    return []
