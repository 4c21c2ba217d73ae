"""Background work: queueing a task after commit, and jobs with visible progress.

``enqueue_on_commit(task, *args)`` is the one way to queue a task after a write. Publishing never
fails the request: when the broker is down the error is logged and the work waits in the database
(a ``Job`` row stays queued, an outbox row stays pending) until a beat sweep sends it again.

A ``Job`` is claimed exactly once (queued → running, a conditional UPDATE). While it runs, every
chunk of work goes through ``progress``, which also beats the job's heartbeat; the beat task
``core.tasks.sweep_jobs`` re-sends queued jobs the broker never delivered and reclaims running jobs
whose worker died (no heartbeat for ``JOB_STALE_AFTER_MINUTES``), up to ``JOB_MAX_RECLAIMS`` times,
then marks them failed. ``Job.reclaims`` is a fencing token: a worker that was presumed dead and
wakes up finds its updates refused (``JobReclaimed``) and stops.

An import from a file runs through ``run_in_chunks``: each chunk of rows commits together with the
job's counters, so ``Job.processed`` is exactly where a reclaimed or resumed job continues.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job

logger = logging.getLogger(__name__)

# The task that runs each kind of job; it takes the job id.
JOB_TASKS = {
    Job.Kind.CUSTOMER_IMPORT: "customers.tasks.run_customer_import",
    Job.Kind.CUSTOMER_EXPORT: "customers.tasks.run_customer_export",
    Job.Kind.COMPLAINT_REPORT: "complaints.tasks.run_custom_report",
    Job.Kind.CLUB_CAMPAIGN: "membership.tasks.send_campaign",
    Job.Kind.DEFECT_HANDBOOK: "complaints.tasks.run_defect_handbook",
    Job.Kind.GOVERNMENT_IMPORT: "complaints.tasks.run_government_import",
}
# A queued job whose message the broker has not delivered within this time is sent again.
RESEND_AFTER = timedelta(minutes=1)
# After a successful re-send the next one waits longer (1, 2, 4, 8, 16 min): a busy worker is
# not flooded with duplicates, while a broker outage is retried every minute.
RESEND_BACKOFF_CAP = 4
# The row errors (and warnings) a job keeps for its page; the counters count them all.
MAX_STORED_ERRORS = 1000


class JobReclaimed(Exception):
    """The job was reclaimed by the sweep (or finished) while this worker still held it."""


# --- Queueing -----------------------------------------------------------------------------------


def enqueue_on_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(send, task, *args))


def send(task, *args) -> bool:
    """Publish a task now; False (and a warning, with no arguments logged) if the broker refused.

    Fails fast (no publish retries; the broker connection timeout and retry count are set in
    settings) so that a request never hangs on a dead broker."""
    try:
        if isinstance(task, str):
            task = _registered(task)
        task.apply_async(args=args, retry=False)
    except Exception as error:
        name = getattr(task, "name", task)
        logger.warning("Could not queue %s (%s); a beat sweep will send it again", name, type(error).__name__)
        return False
    return True


def _registered(name: str):
    """The task of this name; its module (named like the task) is imported if no one did yet."""
    from celery import current_app

    if name not in current_app.tasks:
        importlib.import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]


def job_enqueue_on_commit(job: Job) -> None:
    enqueue_on_commit(JOB_TASKS[job.kind], job.pk)


# --- Running ------------------------------------------------------------------------------------


def claim(job_id: int) -> Job | None:
    """Move a queued job to running; a redelivered or duplicate task finds nothing to claim."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    return Job.objects.get(pk=job_id) if claimed else None


def progress(job: Job, **fields) -> None:
    """Write progress counters and beat the heartbeat, only while this worker still holds the job.

    Call it inside the transaction of the chunk it reports: when the job was reclaimed, the
    ``JobReclaimed`` it raises rolls the chunk back."""
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, reclaims=job.reclaims).update(
        heartbeat_at=timezone.now(), **fields
    )
    if not updated:
        raise JobReclaimed(job.pk)


def finish(job: Job, *, failure: str = "", download_names: tuple[str, str] | None = None) -> bool:
    """Done (or failed with a reason the user reads); False if the job is no longer this worker's.
    ``download_names``: the name the result is downloaded under, in the user's language, and its
    ASCII fallback (``core.exports.content_disposition``); without them, the stored file's name."""
    now = timezone.now()
    if download_names:
        name, fallback = download_names
        job.params = {**job.params, "download_name": name, "download_fallback": fallback}
    updated = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, reclaims=job.reclaims).update(
        status=Job.Status.FAILED if failure else Job.Status.DONE,
        failure=failure,
        finished_at=now,
        heartbeat_at=now,
        result_file=job.result_file.name or "",
        params=job.params,
    )
    if not updated:
        logger.warning("Job %s was reclaimed before this worker finished it", job.pk)
        if job.result_file:
            job.result_file.delete(save=False)
        return False
    job.status = Job.Status.FAILED if failure else Job.Status.DONE
    job.failure, job.finished_at = failure, now
    return True


@dataclasses.dataclass
class ChunkResult:
    """What importing one chunk did; ``errors`` and ``warnings`` as ``{"row": n, "errors": [...]}``."""

    created: int = 0
    updated: int = 0
    errors: list[dict] = dataclasses.field(default_factory=list)
    warnings: list[dict] = dataclasses.field(default_factory=list)


def run_in_chunks(
    job: Job,
    rows: Sequence[list],
    import_chunk: Callable[[list[tuple[int, list]]], ChunkResult],
    *,
    chunk_size: int,
    label: str,
) -> None:
    """Import the rows of a claimed job after the last committed chunk (``processed``), then finish it.

    ``import_chunk`` gets the chunk's non-blank rows as ``(row number, cells)``, numbered as the
    user sees the file (the header is row 1). A job reclaimed meanwhile stops quietly; any other
    error fails the job, keeping the chunks committed before it. ``label`` names the job in the log.
    """
    try:
        progress(job, total=len(rows))
        for start in range(job.processed, len(rows), chunk_size):
            chunk = [
                (start + offset + 2, cells)
                for offset, cells in enumerate(rows[start : start + chunk_size])
                if any(cell not in (None, "") for cell in cells)
            ]
            # The chunk and its counters commit together, so ``processed`` is exactly where a
            # reclaimed job resumes (and a reclaimed worker's chunk rolls back).
            with transaction.atomic():
                result = import_chunk(chunk)
                _record_chunk(job, result, processed=min(start + chunk_size, len(rows)))
    except JobReclaimed:
        logger.warning("%s job %s was reclaimed; this worker stops", label, job.pk)
        return
    except Exception:
        logger.exception("%s job %s failed", label, job.pk)
        job.refresh_from_db()
        finish(
            job,
            failure=_(
                "The import stopped on an unexpected error; the rows before it are saved. "
                "Importing the same file again is safe."
            ),
        )
        return
    job.refresh_from_db()  # ``finish`` writes the params, which the chunks added warnings to
    finish(job)


def _record_chunk(job: Job, result: ChunkResult, *, processed: int) -> None:
    stored_errors, params = Job.objects.values_list("errors", "params").get(pk=job.pk)
    fields = {}
    if result.warnings:
        stored_warnings = params.get("warnings", [])
        fields["params"] = {**params, "warnings": (stored_warnings + result.warnings)[:MAX_STORED_ERRORS]}
    progress(
        job,
        processed=processed,
        created_count=F("created_count") + result.created,
        updated_count=F("updated_count") + result.updated,
        error_count=F("error_count") + len(result.errors),
        errors=(stored_errors + result.errors)[:MAX_STORED_ERRORS],
        **fields,
    )


def job_for(*, user, job_id: int) -> Job:
    """A job is visible to the person who started it."""
    return Job.objects.get(pk=job_id, created_by=user)


# --- The sweep (beat, every minute) -------------------------------------------------------------


def sweep(*, now=None) -> dict[str, int]:
    """Re-send queued jobs the broker never delivered; reclaim (or fail) running jobs whose
    worker stopped beating. Safe to run concurrently: every change is a conditional UPDATE."""
    now = now or timezone.now()
    return {"resent": _resend_queued(now), **_reclaim_stale(now)}


def _resend_queued(now) -> int:
    resent = 0
    candidates = Job.objects.filter(status=Job.Status.QUEUED, enqueued_at__lte=now - RESEND_AFTER)
    for job_id, enqueued_at, attempts in candidates.values_list("id", "enqueued_at", "enqueue_attempts"):
        if enqueued_at > now - RESEND_AFTER * 2 ** min(attempts, RESEND_BACKOFF_CAP):
            continue
        # The conditional UPDATE is the claim: of two sweeps, one sends.
        if not Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, enqueued_at=enqueued_at).update(
            enqueued_at=now
        ):
            continue
        kind = Job.objects.values_list("kind", flat=True).get(pk=job_id)
        if send(JOB_TASKS[kind], job_id):
            Job.objects.filter(pk=job_id).update(enqueue_attempts=F("enqueue_attempts") + 1)
            resent += 1
    return resent


def _reclaim_stale(now) -> dict[str, int]:
    stale_before = now - timedelta(minutes=settings.JOB_STALE_AFTER_MINUTES)
    reclaimed = failed = 0
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale_before)
    for job_id, reclaims, kind in stale.values_list("id", "reclaims", "kind"):
        held = Job.objects.filter(
            pk=job_id, status=Job.Status.RUNNING, reclaims=reclaims, heartbeat_at__lt=stale_before
        )
        if reclaims >= settings.JOB_MAX_RECLAIMS:
            if held.update(
                status=Job.Status.FAILED,
                reclaims=reclaims + 1,
                finished_at=now,
                failure=_(
                    "The job stopped responding %(times)d times and was given up. "
                    "What was saved before stays saved; start it again, or split a large file."
                )
                % {"times": reclaims + 1},
            ):
                logger.warning("Job %s stopped responding too often; marked failed", job_id)
                failed += 1
            continue
        # Back to the queue, keeping the committed progress (an import resumes from ``processed``).
        if held.update(status=Job.Status.QUEUED, reclaims=reclaims + 1, enqueued_at=now, enqueue_attempts=0):
            logger.warning("Job %s stopped responding; reclaimed and queued again", job_id)
            reclaimed += 1
            send(JOB_TASKS[kind], job_id)
    return {"reclaimed": reclaimed, "failed": failed}


# --- Retention (beat, daily) --------------------------------------------------------------------


def delete_expired_files(*, now=None) -> int:
    """Delete the input and result files of jobs finished more than ``FILE_RETENTION_DAYS`` ago
    (uploads and exports hold personal data); the job row stays, its page says the file expired."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.FILE_RETENTION_DAYS)
    deleted = 0
    for job in Job.objects.filter(files_deleted_at__isnull=True, finished_at__lt=cutoff).only(
        "id", "input_file", "result_file"
    ):
        for field in (job.input_file, job.result_file):
            if field:
                field.delete(save=False)  # the storage forgets the file; a missing file is no error
                deleted += 1
        Job.objects.filter(pk=job.pk).update(input_file="", result_file="", files_deleted_at=now)
    return deleted
