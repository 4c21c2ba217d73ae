"""Background jobs never get stuck: a dead broker delays them, a dead worker is replaced, and
their files with personal data expire."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core import jobs
from core.models import Job
from customers.models import Customer
from tests.factories import PASSWORD, CustomerFactory, UserFactory


def later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


# --- Item 11: a dead broker -------------------------------------------------------------------


def test_customer_export_is_accepted_while_the_broker_is_down_and_sent_when_it_is_back(
    client, manager_a, company_a, dead_broker, django_capture_on_commit_callbacks, caplog
):
    CustomerFactory(name="陈静", phone="13700009999", company=company_a)
    client.login(username=manager_a.username, password=PASSWORD)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("customer-export"))
    assert time.monotonic() - started < 5  # a dead broker fails fast
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.status == "queued"
    assert "Could not queue customers.tasks.run_customer_export" in caplog.text
    assert "13700009999" not in caplog.text

    # Within the minute nothing is re-sent; later the sweep tries again (still down: still queued).
    assert jobs.sweep()["resent"] == 0
    assert jobs.sweep(now=later(2))["resent"] == 0
    assert Job.objects.get().status == "queued"


def test_the_sweep_sends_a_queued_job_once_the_broker_is_back(
    client, manager_a, company_a, eager_celery, django_capture_on_commit_callbacks
):
    CustomerFactory(name="陈静", phone="13700009999", company=company_a)
    client.login(username=manager_a.username, password=PASSWORD)
    refused = mock.patch("core.jobs.send", return_value=False)  # the broker refused the first send
    with refused, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("customer-export"))
    job = Job.objects.get()
    assert job.status == "queued"
    assert jobs.sweep(now=later(2))["resent"] == 1
    job.refresh_from_db()
    assert job.status == "done" and job.result_file
    assert jobs.sweep(now=later(4))["resent"] == 0  # a claimed job is not sent again


def test_custom_report_is_accepted_while_the_broker_is_down(
    client, manager_a, dead_broker, django_capture_on_commit_callbacks
):
    client.login(username=manager_a.username, password=PASSWORD)
    first_day = (timezone.localdate() - timedelta(days=30)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports-custom"), {"first_day": first_day, "last_day": timezone.localdate().isoformat()}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.status == "queued" and job.kind == "complaint_report"


def test_a_busy_worker_is_not_flooded_with_copies(manager_a):
    job = Job.objects.create(kind="customer_export", created_by=manager_a, params={})
    with mock.patch("core.jobs.send", return_value=True) as send:
        # Re-sent after 1, then 2, then 4 more minutes while nobody claims it.
        assert [jobs.sweep(now=later(minute))["resent"] for minute in range(1, 9)] == [1, 0, 1, 0, 0, 0, 1, 0]
    assert send.call_count == 3
    job.refresh_from_db()
    assert job.enqueue_attempts == 3


def test_a_job_is_queued_only_after_commit(manager_a, django_capture_on_commit_callbacks):
    from django.db import transaction

    with mock.patch("core.jobs.send") as send, django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            job = Job.objects.create(kind="customer_export", created_by=manager_a, params={})
            jobs.job_enqueue_on_commit(job)
        send.assert_not_called()
    for callback in callbacks:
        callback()
    send.assert_called_once_with("customers.tasks.run_customer_export", job.pk)


# --- Item 12: claims that expire -------------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch):
    from customers import jobs as customer_jobs

    monkeypatch.setattr(customer_jobs, "CHUNK_SIZE", 2)
    return customer_jobs


def import_job(user, company, phones):
    from tests.customers.test_import import HEADER, csv_bytes

    rows = [[f"客户{i}", phone] + [""] * (len(HEADER) - 2) for i, phone in enumerate(phones)]
    job = Job(kind="customer_import", created_by=user, company=company, params={"file_name": "c.csv"})
    job.input_file.save("c.csv", ContentFile(csv_bytes(rows)), save=False)
    job.save()
    return job


class WorkerKilled(BaseException):
    """What a killed process looks like to the code after it: nothing more runs."""


def test_a_worker_killed_mid_import_is_replaced_and_the_import_resumes_after_its_last_chunk(
    manager_a, company_a, small_chunks, settings, eager_celery
):
    settings.JOB_STALE_AFTER_MINUTES = 10
    phones = [f"1380000000{i}" for i in range(5)]
    job = import_job(manager_a, company_a, phones)
    real_chunk, seen, die_on_call = small_chunks._import_chunk, [], [2]

    def killed_on_a_chunk(job, chunk, units):
        seen.append([row.number for row in chunk])
        if len(seen) in die_on_call:
            raise WorkerKilled
        return real_chunk(job, chunk, units)

    with mock.patch.object(small_chunks, "_import_chunk", killed_on_a_chunk):
        with pytest.raises(WorkerKilled):
            small_chunks.customer_import_run(job.pk)
        job.refresh_from_db()
        assert (job.status, job.processed, job.created_count) == ("running", 2, 2)
        assert Customer.objects.count() == 2
        assert jobs.sweep(now=later(5)) == {"resent": 0, "reclaimed": 0, "failed": 0}  # still fresh

        # Reclaimed, queued again and (eager) run at once; this time it gets to the end.
        seen.clear()
        die_on_call.clear()
        assert jobs.sweep(now=later(11))["reclaimed"] == 1
    job.refresh_from_db()
    assert job.status == "done" and job.reclaims == 1
    assert seen == [[4, 5], [6]]  # resumed at file row 4 (rows 2-3 were committed before)
    assert (job.processed, job.total, job.created_count, job.updated_count) == (5, 5, 5, 0)
    assert sorted(Customer.objects.values_list("phone", flat=True)) == phones


def test_a_worker_that_was_presumed_dead_cannot_write_after_the_reclaim(manager_a, company_a):
    job = Job.objects.create(kind="customer_export", created_by=manager_a, params={})
    held = jobs.claim(job.pk)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    with mock.patch("core.jobs.send", return_value=True):
        assert jobs.sweep()["reclaimed"] == 1
    again = jobs.claim(job.pk)
    with pytest.raises(jobs.JobReclaimed):
        jobs.progress(held, processed=10)
    assert jobs.finish(held) is False
    jobs.progress(again, processed=3)
    assert jobs.finish(again) is True
    job.refresh_from_db()
    assert (job.status, job.processed) == ("done", 3)


def test_a_job_that_keeps_dying_fails_with_a_reason_on_its_page(client, manager_a, settings):
    settings.JOB_MAX_RECLAIMS = 3
    job = Job.objects.create(kind="customer_import", created_by=manager_a, params={"file_name": "c.csv"})
    with mock.patch("core.jobs.send", return_value=True):
        for round_ in range(4):
            assert jobs.claim(job.pk) is not None  # a worker takes it ... and dies
            outcome = jobs.sweep(now=later(11 * (round_ + 1)))
            assert outcome["reclaimed" if round_ < 3 else "failed"] == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at
    assert "4" in job.failure
    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert job.failure in page
    assert "没有响应" in page  # translated
    assert jobs.sweep(now=later(100)) == {"resent": 0, "reclaimed": 0, "failed": 0}


# --- Item 17: retention of files with personal data --------------------------------------------


def test_import_and_export_files_are_deleted_after_the_retention_period(client, manager_a, settings):
    settings.FILE_RETENTION_DAYS = 7
    old, recent = (
        Job.objects.create(
            kind="customer_export",
            created_by=manager_a,
            status="done",
            finished_at=timezone.now() - timedelta(days=days),
        )
        for days in (8, 6)
    )
    for job in (old, recent):
        job.input_file.save("in.csv", ContentFile(b"13800138000"), save=False)
        job.result_file.save("out.xlsx", ContentFile(b"xlsx"), save=False)
        job.save()
    old_paths = [old.input_file.path, old.result_file.path]

    from core.tasks import delete_expired_files

    assert delete_expired_files() == 2
    import os

    assert not any(os.path.exists(path) for path in old_paths)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.result_file and not old.input_file and old.files_expired
    assert recent.result_file and os.path.exists(recent.result_file.path)
    assert delete_expired_files() == 0

    client.login(username=manager_a.username, password=PASSWORD)
    page = client.get(reverse("job-detail", args=[old.pk])).content.decode()
    assert 'id="job-file-expired"' in page and "job-download" not in page
    assert "7" in page
    assert client.get(reverse("job-download", args=[old.pk])).status_code == 404
    assert 'id="job-download"' in client.get(reverse("job-detail", args=[recent.pk])).content.decode()


def test_retention_is_configurable(manager_a, settings):
    settings.FILE_RETENTION_DAYS = 30
    job = Job.objects.create(
        kind="customer_export",
        created_by=manager_a,
        status="done",
        finished_at=timezone.now() - timedelta(days=8),
    )
    job.result_file.save("out.xlsx", ContentFile(b"xlsx"))
    assert jobs.delete_expired_files() == 0


def test_only_the_owner_sees_a_job(client, manager_a, company_a):
    job = Job.objects.create(kind="customer_export", created_by=manager_a, params={})
    other = UserFactory(company=company_a, role="company_manager")
    client.login(username=other.username, password=PASSWORD)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404


# --- Chunked imports (``jobs.run_in_chunks``, under the customer and government imports) ------------


def claimed_job(user):
    job = Job.objects.create(kind="customer_import", created_by=user, params={"file_name": "c.csv"})
    return jobs.claim(job.pk)


ROWS = [["a"], ["b"], ["", None], ["d"], ["e"]]  # file rows 2-6; row 4 is blank


def test_an_import_in_chunks_fails_with_a_reason_and_resumes_after_its_last_committed_chunk(manager_a):
    job, seen = claimed_job(manager_a), []

    def fail_on_the_second_chunk(chunk):
        seen.append([number for number, _cells in chunk])
        CustomerFactory(phone=f"1370000000{len(seen)}")  # the chunk's own writes
        if len(seen) == 2:
            raise RuntimeError("a bug")
        return jobs.ChunkResult(created=1, errors=[{"row": chunk[0][0], "errors": ["bad"]}])

    jobs.run_in_chunks(job, ROWS, fail_on_the_second_chunk, chunk_size=2, label="Test import")
    job.refresh_from_db()
    assert seen == [[2, 3], [5]]  # numbered as in the file, the blank row skipped
    assert (job.status, job.total, job.processed, job.created_count, job.error_count) == (
        "failed",
        5,
        2,
        1,
        1,
    )
    assert "此前的行已保存" in job.failure  # the rows before it are saved
    assert list(Customer.objects.values_list("phone", flat=True)) == ["13700000001"]  # chunk 2 rolled back

    Job.objects.filter(pk=job.pk).update(status="queued", failure="")  # resumed (by hand or the sweep)
    job, seen = jobs.claim(job.pk), []

    def import_with_a_warning(chunk):
        seen.append([number for number, _cells in chunk])
        return jobs.ChunkResult(updated=len(chunk), warnings=[{"row": chunk[-1][0], "errors": ["note"]}])

    jobs.run_in_chunks(job, ROWS, import_with_a_warning, chunk_size=2, label="Test import")
    job.refresh_from_db()
    assert seen == [[5], [6]]  # after the last committed chunk
    assert (job.status, job.processed, job.created_count, job.updated_count) == ("done", 5, 1, 2)
    assert job.errors == [{"row": 2, "errors": ["bad"]}]
    assert job.params == {
        "file_name": "c.csv",
        "warnings": [{"row": 5, "errors": ["note"]}, {"row": 6, "errors": ["note"]}],
    }


def test_an_import_reclaimed_from_this_worker_stops_quietly_and_writes_nothing(manager_a, caplog):
    held = claimed_job(manager_a)
    Job.objects.filter(pk=held.pk).update(reclaims=1)  # reclaimed by the sweep, claimed by another worker
    seen = []

    jobs.run_in_chunks(held, ROWS, seen.append, chunk_size=2, label="Test import")
    job = Job.objects.get(pk=held.pk)
    assert (job.status, job.reclaims, job.total, job.processed, job.failure) == ("running", 1, 0, 0, "")
    assert seen == []
    assert f"Test import job {job.pk} was reclaimed; this worker stops" in caplog.text
