from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.exceptions import Conflict, DomainError
from core.models import OutboundMessage
from surveys import rules, selectors, services
from surveys.models import Answer, ImprovementPlan, Respondent, ScorecardWeights, SurveyPlan
from tests.factories import ProjectFactory

from .conftest import full_answers, make_owner, questions_of


def test_plan_takes_the_questionnaire_of_its_stage(plan_factory):
    plan = plan_factory(stage="settled")
    assert plan.questionnaire.stage == "settled"
    assert plan.company == plan.project.company


def test_plan_refuses_a_window_that_closes_before_it_opens(plan_factory):
    today = timezone.localdate()
    with pytest.raises(DomainError):
        plan_factory(opens_on=today, closes_on=today - timedelta(days=1))


def test_sampling_picks_the_stage_and_segment_and_never_someone_surveyed_recently(project_a, plan_factory):
    run_in = [make_owner(project_a, moved_in_days_ago=100, segment="pragmatic") for _ in range(6)]
    make_owner(project_a, moved_in_days_ago=800, segment="pragmatic")  # settled: another stage
    make_owner(project_a, moved_in_days_ago=100, segment="affluent")  # another segment
    make_owner(ProjectFactory(company=project_a.company), moved_in_days_ago=100, segment="pragmatic")
    first = plan_factory(sample_size=2, segment="pragmatic")
    assert services.plan_draw_sample(plan=first) == 2
    first_people = set(Respondent.objects.filter(plan=first).values_list("customer_id", flat=True))
    assert first_people <= {c.pk for c in run_in}

    second = plan_factory(sample_size=10, segment="pragmatic")
    assert services.plan_draw_sample(plan=second) == 4  # the two surveyed a moment ago are skipped
    second_people = set(Respondent.objects.filter(plan=second).values_list("customer_id", flat=True))
    assert not first_people & second_people
    assert first_people | second_people == {c.pk for c in run_in}


def test_people_surveyed_longer_ago_than_the_exclusion_are_eligible_again(project_a, plan_factory):
    owner = make_owner(project_a, moved_in_days_ago=100)
    old = plan_factory(sample_size=1)
    services.plan_draw_sample(plan=old)
    Respondent.objects.filter(plan=old).update(sampled_at=timezone.now() - timedelta(days=400))
    assert services.plan_draw_sample(plan=plan_factory(sample_size=1, exclude_months=12)) == 1
    assert Respondent.objects.filter(customer=owner).count() == 2


def test_drawing_twice_is_refused(project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory()
    services.plan_draw_sample(plan=plan)
    with pytest.raises(Conflict):
        services.plan_draw_sample(plan=plan)
    assert Respondent.objects.filter(plan=plan).count() == 1


def test_online_respondents_get_a_private_link_by_sms_once(project_a, plan_factory):
    make_owner(project_a, phone="13800001111")
    plan = plan_factory()
    services.plan_draw_sample(plan=plan)
    respondent = Respondent.objects.get(plan=plan)
    assert len(respondent.token) >= 43  # 32 random bytes, URL-safe
    message = OutboundMessage.objects.get(topic="survey")
    assert message.recipient == "13800001111"
    assert f"/s/{respondent.token}/" in message.body
    assert message.dedupe_key == f"survey:invite:{respondent.pk}"
    assert message.company_id == project_a.company_id  # its managers see it if it fails
    assert respondent.next_reminder_at is not None


def test_phone_surveys_send_nothing(project_a, plan_factory):
    make_owner(project_a)
    services.plan_draw_sample(plan=plan_factory(method="phone"))
    assert not OutboundMessage.objects.exists()
    assert Respondent.objects.get().next_reminder_at is None


@pytest.fixture
def respondent(project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory(method="phone")
    services.plan_draw_sample(plan=plan)
    return Respondent.objects.get(plan=plan)


def test_an_answer_outside_the_scale_is_reported_and_the_rest_is_kept(respondent):
    questions = questions_of(respondent)
    result = services.answers_save(
        respondent=respondent,
        answers={
            questions["layout"].pk: services.AnswerInput(value=6),
            questions["recommend"].pk: services.AnswerInput(value=9),  # 1–10
            questions["doors_windows"].pk: services.AnswerInput(value=0),
        },
        complete=True,
    )
    assert not result.completed
    assert set(result.errors) == {questions["layout"].pk, questions["doors_windows"].pk}
    assert "1" in result.errors[questions["layout"].pk] and "5" in result.errors[questions["layout"].pk]
    assert list(Answer.objects.values_list("question_id", "value")) == [(questions["recommend"].pk, 9)]
    respondent.refresh_from_db()
    assert respondent.status == Respondent.Status.STARTED


def test_a_half_finished_survey_is_resumed_and_completed(respondent):
    answers = full_answers(respondent)
    items = list(answers.items())
    first = services.answers_save(respondent=respondent, answers=dict(items[:3]), complete=True)
    assert not first.completed and first.missing  # required questions are still open
    assert Answer.objects.count() == 3
    second = services.answers_save(respondent=respondent, answers=dict(items[3:]), complete=True)
    assert second.completed and not second.missing
    respondent.refresh_from_db()
    assert respondent.status == Respondent.Status.COMPLETED and respondent.completed_at
    assert Answer.objects.count() == len(answers)
    # a pair question stores expectation and experience on 0–100
    pair = questions_of(respondent)["landscape"]
    assert Answer.objects.filter(question=pair).values_list("score", "expectation_score").get() == (
        75.0,
        75.0,
    )


def test_changing_an_answer_before_submitting_updates_it(respondent):
    layout = questions_of(respondent)["layout"]
    services.answers_save(
        respondent=respondent, answers={layout.pk: services.AnswerInput(value=2)}, complete=False
    )
    services.answers_save(
        respondent=respondent, answers={layout.pk: services.AnswerInput(value=5)}, complete=False
    )
    assert list(Answer.objects.values_list("value", "score")) == [(5, 100.0)]


def test_one_answer_per_link(respondent):
    services.answers_save(respondent=respondent, answers=full_answers(respondent), complete=True)
    before = list(Answer.objects.order_by("id").values_list("value", flat=True))
    with pytest.raises(Conflict):
        services.answers_save(respondent=respondent, answers=full_answers(respondent, value=1), complete=True)
    assert list(Answer.objects.order_by("id").values_list("value", flat=True)) == before


def test_the_answer_constraint_rejects_a_duplicate(respondent):
    from django.db import transaction

    layout = questions_of(respondent)["layout"]
    Answer.objects.create(respondent=respondent, question=layout, value=3, score=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(respondent=respondent, question=layout, value=4, score=75)


def test_a_question_of_another_questionnaire_is_refused(respondent):
    buyer_question = questions_of_stage("buyer")
    with pytest.raises(DomainError):
        services.answers_save(
            respondent=respondent, answers={buyer_question.pk: services.AnswerInput(value=3)}, complete=False
        )
    assert not Answer.objects.exists()


def questions_of_stage(stage):
    from surveys.models import Question

    return Question.objects.filter(questionnaire__stage=stage, kind="rating").first()


def test_forged_and_closed_links_are_invalid(respondent):
    with pytest.raises(services.InvalidToken):
        services.respondent_for_token("x" * 43)
    with pytest.raises(services.InvalidToken):
        services.respondent_for_token("")
    assert services.respondent_for_token(respondent.token) == respondent
    SurveyPlan.objects.filter(pk=respondent.plan_id).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(services.InvalidToken):
        services.respondent_for_token(respondent.token)


def test_reminders_go_once_per_due_reminder_and_stop_after_answering(project_a, plan_factory):
    for _ in range(3):
        make_owner(project_a)
    plan = plan_factory()
    services.plan_draw_sample(plan=plan)
    answered = Respondent.objects.filter(plan=plan).first()
    services.answers_save(respondent=answered, answers=full_answers(answered), complete=True)
    later = timezone.now() + rules.REMINDER_AFTER + timedelta(minutes=1)
    assert services.reminders_send_due(now=later) == 2
    assert services.reminders_send_due(now=later) == 0  # the sweep running twice sends nothing more
    reminders = OutboundMessage.objects.filter(dedupe_key__startswith="survey:reminder:")
    assert reminders.count() == 2
    # the second reminder comes three days later; after it nothing is scheduled
    assert services.reminders_send_due(now=later + rules.REMINDER_AFTER) == 2
    assert services.reminders_send_due(now=later + 5 * rules.REMINDER_AFTER) == 0
    assert not Respondent.objects.filter(next_reminder_at__isnull=False).exists()


def test_reminder_dedupe_keys_make_a_replayed_sweep_harmless(project_a, plan_factory):
    make_owner(project_a)
    plan = plan_factory()
    services.plan_draw_sample(plan=plan)
    later = timezone.now() + rules.REMINDER_AFTER + timedelta(minutes=1)
    assert services.reminders_send_due(now=later) == 1
    # a worker that died after queuing but before saving the respondent: the same reminder again
    Respondent.objects.update(reminders_sent=0, next_reminder_at=timezone.now())
    assert services.reminders_send_due(now=later) == 0
    assert OutboundMessage.objects.filter(dedupe_key__startswith="survey:reminder:").count() == 1


def test_improvement_plan_flow(company_a, manager_a):
    from surveys.models import Indicator

    plan = services.improvement_plan_create(
        company=company_a,
        indicator=Indicator.objects.get(code="waterproofing"),
        goal="渗漏投诉减少一半",
        department="engineering",
        owner=manager_a,
        deadline=timezone.localdate() + timedelta(days=90),
        measures="交付前闭水试验全覆盖",
        by=manager_a,
    )
    services.improvement_plan_follow_up(
        plan=plan, by=manager_a, note="已完成3栋闭水试验", status="in_progress"
    )
    with pytest.raises(Conflict):
        services.improvement_plan_follow_up(plan=plan, by=manager_a, status="open")
    with pytest.raises(DomainError):
        services.improvement_plan_follow_up(plan=plan, by=manager_a)
    plan = services.improvement_plan_follow_up(plan=plan, by=manager_a, status="done")
    assert plan.status == ImprovementPlan.Status.DONE and plan.finished_at
    assert plan.notes.count() == 1


def test_improvement_plan_owner_must_work_for_the_company(company_a, staff_b, manager_a):
    from surveys.models import Indicator

    with pytest.raises(DomainError):
        services.improvement_plan_create(
            company=company_a,
            indicator=Indicator.objects.get(code="cleaning"),
            goal="g",
            department="property",
            owner=staff_b,
            deadline=timezone.localdate(),
            measures="m",
            by=manager_a,
        )


def test_weights_must_add_up_and_put_satisfaction_above_profit(group_user):
    with pytest.raises(DomainError):
        services.weights_set(year=2026, weights=rules.Weights(20, 20, 20, 40), by=group_user)
    with pytest.raises(DomainError):
        services.weights_set(year=2026, weights=rules.Weights(50, 20, 20, 20), by=group_user)
    services.weights_set(year=2026, weights=rules.Weights(50, 20, 20, 10), by=group_user)
    assert selectors.weights_for(2026) == rules.Weights(50, 20, 20, 10)
    assert selectors.weights_for(2025) == rules.Weights(40, 20, 20, 20)  # the defaults
    assert ScorecardWeights.objects.count() == 1


def test_the_database_refuses_profit_above_satisfaction():
    from django.db import transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ScorecardWeights.objects.create(
            year=2030, satisfaction=20, complaint_handling=20, loyalty=20, profit=40
        )


def test_a_closed_survey_takes_no_more_answers(respondent):
    services.plan_close(plan=respondent.plan)
    with pytest.raises(DomainError):
        services.answers_save(respondent=respondent, answers=full_answers(respondent), complete=True)
    assert not Answer.objects.exists()


def test_a_completed_survey_is_on_the_customer_timeline(respondent, staff_a, staff_b):
    from customers.timeline import timeline_for

    services.answers_save(respondent=respondent, answers=full_answers(respondent, value=5), complete=True)
    entries = [e for e in timeline_for(respondent.customer, staff_a) if e.kind == "survey"]
    assert len(entries) == 1
    assert "94.9" in entries[0].body  # ten answers at 100, "would recommend" 5 of 10 = 44.4
    assert not [e for e in timeline_for(respondent.customer, staff_b) if e.kind == "survey"]


def test_the_beat_task_sends_due_reminders(project_a, plan_factory):
    from surveys import tasks

    make_owner(project_a)
    services.plan_draw_sample(plan=plan_factory())
    Respondent.objects.update(next_reminder_at=timezone.now() - timedelta(minutes=1))
    assert tasks.send_survey_reminders() == 1
    assert tasks.send_survey_reminders() == 0
    assert OutboundMessage.objects.filter(dedupe_key__startswith="survey:reminder:").count() == 1


def test_the_indicator_tree_keeps_its_three_levels():
    from django.core.exceptions import ValidationError

    from surveys.models import Indicator

    satisfaction = Indicator.objects.get(code="satisfaction")
    construction = Indicator.objects.get(code="construction")
    Indicator(level="operation", parent=construction, code="balcony", name="阳台").full_clean()
    with pytest.raises(ValidationError):
        Indicator(level="operation", parent=satisfaction, code="balcony", name="阳台").full_clean()
    with pytest.raises(ValidationError):
        Indicator(level="assessment", parent=satisfaction, code="value", name="性价比").full_clean()
