"""Two submissions of one link at the same moment, on PostgreSQL: one completes, the other is told
the survey was already answered, and each question has one answer."""

import threading

import pytest
from django.db import connection, connections

from core.exceptions import Conflict
from surveys import services
from surveys.models import Answer, Respondent

from .conftest import full_answers, make_owner


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent row locks need PostgreSQL")
def test_one_answer_per_link_under_concurrent_submissions(transactional_db, project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory(method="phone")
    services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.get(plan=plan)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def submit(value):
        try:
            barrier.wait()
            result = services.answers_save(
                respondent=respondent, answers=full_answers(respondent, value=value), complete=True
            )
            outcomes.append(("completed", value) if result.completed else ("open", value))
        except Conflict:
            outcomes.append(("conflict", value))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(value,)) for value in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(kind for kind, _value in outcomes) == ["completed", "conflict"]
    winner = next(value for kind, value in outcomes if kind == "completed")
    answers = Answer.objects.filter(respondent=respondent)
    assert answers.count() == len(full_answers(respondent))
    assert set(
        answers.exclude(value=None).exclude(question__scale_max=10).values_list("value", flat=True)
    ) == {winner}
