"""Intakes at once, on PostgreSQL: numbers stay gap-free per month, and two intakes for one caller or
one issue group never deadlock now that the month's counter is taken last."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, NumberSequence
from tests.factories import ProjectFactory

THREADS = 6
PER_THREAD = 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_intakes_get_every_number_of_the_month_once(transactional_db, company_a):
    project = ProjectFactory(company=company_a)
    root = services.complaint_create(
        intake=services.Intake(
            project=project, channel="hotline", category="construction", title="渗漏", description="x"
        )
    )
    barrier = threading.Barrier(THREADS)
    errors = []

    def file_complaints(thread: int) -> None:
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                services.complaint_create(
                    intake=services.Intake(
                        project=project,
                        channel="online_form",
                        category="construction",
                        title="外墙渗水",
                        description="下雨天外墙渗水",
                        # Half the intakes share one caller (one customer file is created and
                        # then read by all), the others join one issue group (its open members
                        # are re-judged by each).
                        contact_name="王芳",
                        contact_phone="13600001111" if thread % 2 else f"1360000{thread:04d}",
                        same_issue_as=None if thread % 2 else root,
                        route_to_duty_handler=True,
                    )
                )
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file_complaints, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [str(e) for e in errors] == []
    month = timezone.localtime().strftime("%Y%m")
    total = 1 + THREADS * PER_THREAD
    assert sorted(Complaint.objects.values_list("number", flat=True)) == [
        f"TS{month}-{n:06d}" for n in range(1, total + 1)
    ]
    assert NumberSequence.objects.get(month=month).last == total
