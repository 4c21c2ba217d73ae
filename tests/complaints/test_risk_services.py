"""Risk signals as the services keep them: read at intake, from the complainant's messages and from
staff notes; one row per (complaint, signal); dismissed signals and the same words; the day's grace and
the sweep that tells the managers once."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from complaints import rules, services, tasks
from complaints.models import Notification, RiskSignal, RiskWord, Status
from core.models import OutboundMessage
from tests.factories import ComplaintFactory, ProjectFactory, RiskSignalFactory, UserFactory

OWNER_MESSAGE, STAFF_NOTE = RiskSignal.Source.OWNER_MESSAGE, RiskSignal.Source.STAFF_NOTE


@pytest.fixture
def project(company_a):
    return ProjectFactory(company=company_a, name="四季花城")


def intake(project, **overrides):
    fields = {
        "project": project,
        "channel": "hotline",
        "category": "construction",
        "title": "卫生间渗漏水",
        "description": "楼上卫生间渗水",
        **overrides,
    }
    return services.complaint_create(intake=services.Intake(**fields))


def signals(complaint) -> dict[str, RiskSignal]:
    return {row.signal: row for row in RiskSignal.objects.filter(complaint=complaint)}


def test_the_intake_text_is_read(project):
    complaint = intake(project, title="再不修就找媒体", description="我们全体业主已经找了律师")
    found = signals(complaint)
    assert set(found) == {"media_possible", "collective", "litigation_possible"}
    row = found["litigation_possible"]
    assert (row.words, row.source, row.state) == (["律师"], "intake", "open")
    assert row.notify_due_at == row.at + rules.RISK_SIGNAL_NOTIFY_AFTER


def test_a_signal_the_intake_already_records_is_not_raised(project):
    complaint = intake(project, description="我已经找了律师", litigation="possible")
    assert signals(complaint) == {}


def test_the_complainants_message_and_staff_notes_are_read(project, staff_a):
    complaint = intake(project)
    services.complaint_add_progress(
        complaint=complaint, note="业主称已打12345", visible_to_complainant=False, by=staff_a
    )
    services.complaint_add_plan(
        complaint=complaint,
        measures="约业主代表与大家面谈",
        deadline=timezone.now() + timedelta(days=3),
        by=staff_a,
    )
    services.complaint_assign(
        complaint=complaint, handler=staff_a, department="engineering", deadline=None, by=staff_a
    )
    services.complaint_transition(complaint=complaint, status="in_progress", by=staff_a)
    services.complaint_transition(complaint=complaint, status="resolved", note="已修复", by=staff_a)
    services.complaint_rate(complaint=complaint, rating=1, comment="拖了这么久，我要发微博曝光")
    found = signals(complaint)
    assert (found["hotline_12345"].source, found["collective"].source) == (STAFF_NOTE, STAFF_NOTE)
    assert (found["media_possible"].source, found["media_possible"].words) == (
        OWNER_MESSAGE,
        ["微博", "曝光"],
    )


def test_later_mentions_add_their_words_to_the_open_signal(project):
    complaint = intake(project, description="我找了律师")
    first = signals(complaint)["litigation_possible"]
    services.risk_signals_read(complaint=complaint, text="律师说可以起诉", source=OWNER_MESSAGE)
    again = signals(complaint)["litigation_possible"]
    assert again.pk == first.pk and RiskSignal.objects.filter(complaint=complaint).count() == 1
    assert again.words == ["律师", "起诉"]
    assert (again.at, again.source, again.notify_due_at) == (first.at, "intake", first.notify_due_at)


def test_one_row_per_complaint_and_signal_in_the_database(project):
    signal = RiskSignalFactory(complaint=intake(project))
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskSignalFactory(complaint=signal.complaint, state="open")


def test_a_dismissed_signal_is_not_raised_again_by_the_same_words(project, staff_a):
    complaint = intake(project, description="我找了律师")
    signal = signals(complaint)["litigation_possible"]
    services.risk_signal_dismiss(signal=signal, by=staff_a, reason="业主本人是律师")
    assert services.risk_signals_read(complaint=complaint, text="我是律师", source=OWNER_MESSAGE) == []
    signal.refresh_from_db()
    assert (signal.state, signal.notify_due_at) == ("dismissed", None)

    later = timezone.now() + timedelta(hours=3)
    services.risk_signals_read(complaint=complaint, text="我要起诉你们", source=OWNER_MESSAGE, now=later)
    signal.refresh_from_db()
    assert (signal.state, signal.words, signal.source) == ("open", ["律师", "起诉"], OWNER_MESSAGE)
    assert (signal.at, signal.notify_due_at) == (later, later + rules.RISK_SIGNAL_NOTIFY_AFTER)
    assert (signal.decided_by, signal.reason) == (None, "")


def test_a_confirmed_signal_stays_confirmed(project, staff_a):
    complaint = intake(project, description="我们准备联名投诉")
    signal = signals(complaint)["collective"]
    services.risk_signal_confirm(signal=signal, by=staff_a, complainant_count=5)
    services.risk_signals_read(complaint=complaint, text="业主们都来了", source=OWNER_MESSAGE)
    signal.refresh_from_db()
    assert (signal.state, signal.words) == ("confirmed", ["联名"])


def test_setting_the_fact_by_hand_confirms_the_open_signal_it_answers(project, staff_a):
    complaint = intake(project, description="我找了律师，也打了12345")
    services.complaint_set_facts(
        complaint=complaint, by=staff_a, note="电话核实：已请律师", litigation="possible"
    )
    found = signals(complaint)
    assert (found["litigation_possible"].state, found["litigation_possible"].decided_by) == (
        "confirmed",
        staff_a,
    )
    assert found["litigation_possible"].notify_due_at is None
    assert found["hotline_12345"].state == "open"


def test_closed_complaints_are_not_read(project):
    complaint = ComplaintFactory(project=project, status=Status.CLOSED)
    assert services.risk_signals_read(complaint=complaint, text="我要起诉", source=OWNER_MESSAGE) == []
    assert not RiskSignal.objects.exists()


def test_an_edit_of_the_word_list_applies_to_the_next_text(project):
    assert set(signals(intake(project, description="我找了律师"))) == {"litigation_possible"}
    lawyer = RiskWord.objects.get(word="律师")  # as the admin's list does it: one save per row
    lawyer.active = False
    lawyer.save()
    RiskWord.objects.create(signal="media_possible", word="朋友圈")
    complaint = intake(project, description="我找了律师，还要发朋友圈")
    assert set(signals(complaint)) == {"media_possible"}
    assert signals(complaint)["media_possible"].words == ["朋友圈"]


def test_the_migration_installs_the_default_words(db):
    installed = {}
    for signal, word, is_exception in RiskWord.objects.values_list("signal", "word", "is_exception"):
        installed.setdefault((signal, is_exception), set()).add(word)
    expected = {(signal, False): set(words) for signal, words in rules.DEFAULT_RISK_WORDS.items()}
    expected |= {(signal, True): set(words) for signal, words in rules.DEFAULT_RISK_EXCEPTIONS.items()}
    assert installed == expected


# --- The day's grace ---------------------------------------------------------------------------


@pytest.fixture
def managers(company_a, company_b):
    from organization import roles

    other = UserFactory(username="manager_b", company=company_b, role=roles.COMPANY_MANAGER)
    mine = UserFactory(
        username="manager_a", company=company_a, role=roles.COMPANY_MANAGER, email="a@example.com"
    )
    return mine, other


def test_an_undecided_signal_goes_to_the_company_managers_once_after_a_day(project, staff_a, managers):
    complaint = intake(project, description="我找了律师")
    signal = signals(complaint)["litigation_possible"]
    decided = signals(intake(project, description="大家都很生气"))["collective"]
    services.risk_signal_dismiss(signal=decided, by=staff_a, reason="只是表达情绪")
    assert services.risk_signals_notify_due(as_of=signal.at + timedelta(hours=23, minutes=59)) == 0
    day_later = signal.at + timedelta(hours=24)
    assert services.risk_signals_notify_due(as_of=day_later) == 1
    assert services.risk_signals_notify_due(as_of=day_later + timedelta(days=3)) == 0
    (notification,) = Notification.objects.all()
    assert (notification.user.username, notification.complaint) == ("manager_a", complaint)
    assert complaint.number in notification.message and "律师" in notification.message
    assert OutboundMessage.objects.filter(recipient="a@example.com", topic=services.STAFF_TOPIC).count() == 1
    signal.refresh_from_db()
    assert (signal.notify_due_at, signal.manager_notified_at, signal.state) == (None, day_later, "open")


def test_a_signal_decided_in_time_is_never_put_to_the_managers(project, staff_a, managers):
    signal = signals(intake(project, description="我找了律师"))["litigation_possible"]
    services.risk_signal_confirm(signal=signal, by=staff_a)
    before = Notification.objects.filter(user__username="manager_a").count()  # the rise to hot
    assert services.risk_signals_notify_due(as_of=timezone.now() + timedelta(days=2)) == 0
    assert Notification.objects.filter(user__username="manager_a").count() == before


def test_beat_runs_the_sweep_through_the_task(project, managers):
    signal = RiskSignalFactory(complaint=intake(project), at=timezone.now() - timedelta(days=2))
    entry = settings.CELERY_BEAT_SCHEDULE["notify-risk-signals"]
    assert entry["task"] == tasks.notify_risk_signals.name
    assert tasks.notify_risk_signals.apply().get() == 1
    assert tasks.notify_risk_signals.apply().get() == 0
    assert RiskSignal.objects.get(pk=signal.pk).manager_notified_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks with SKIP LOCKED need PostgreSQL")
def test_concurrent_sweeps_notify_each_signal_once(transactional_db, company_a):
    from organization import roles

    UserFactory(username="manager_a", company=company_a, role=roles.COMPANY_MANAGER)
    project = ProjectFactory(company=company_a)
    for _ in range(40):
        RiskSignalFactory(complaint=ComplaintFactory(project=project), at=timezone.now() - timedelta(days=2))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(services.risk_signals_notify_due(batch_size=7))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 40
    assert Notification.objects.count() == 40
