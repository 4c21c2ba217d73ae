"""Two sweeps at once, on PostgreSQL: every due complaint rises exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent
from tests.factories import ProjectFactory


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks with SKIP LOCKED need PostgreSQL")
def test_concurrent_sweeps_raise_each_complaint_once(transactional_db, company_a):
    project = ProjectFactory(company=company_a)
    for _ in range(60):
        services.complaint_create(
            intake=services.Intake(
                project=project,
                channel="hotline",
                category="construction",
                title="渗漏",
                description="x",
                received_at=timezone.now() - timedelta(days=2),
            )
        )
    as_of = timezone.now() + timedelta(days=6)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(services.escalate_due(as_of=as_of, batch_size=7))
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
    assert sum(results) == 60
    assert ComplaintEvent.objects.filter(kind="tier_raised").count() == 60
    assert set(Complaint.objects.values_list("tier", flat=True)) == {"hot"}


def test_a_second_sweep_after_an_interrupted_one_finishes_the_work(db, company_a):
    project = ProjectFactory(company=company_a)
    for _ in range(5):
        services.complaint_create(
            intake=services.Intake(
                project=project,
                channel="hotline",
                category="construction",
                title="渗漏",
                description="x",
                received_at=timezone.now() - timedelta(days=8),
            )
        )
    # A killed worker leaves a complaint raised but its due time not yet moved: the event exists.
    complaint = Complaint.objects.first()
    Complaint.objects.filter(pk=complaint.pk).update(tier="normal", next_due_at=timezone.now())
    services.escalate_due(as_of=timezone.now())
    services.escalate_due(as_of=timezone.now())
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="tier_raised", to_value="hot").count() == 1
