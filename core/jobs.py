"""Background jobs with visible progress: claiming exactly once, finishing, and who may see them."""

from django.utils import timezone

from .models import Job


def claim(job_id: int) -> Job | None:
    """Move a queued job to running; a redelivered or duplicate task finds nothing to claim."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    return Job.objects.get(pk=job_id) if claimed else None


def finish(job: Job, *, failure: str = "") -> None:
    job.status = Job.Status.FAILED if failure else Job.Status.DONE
    job.failure = failure
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "finished_at", "result_file"])


def job_for(*, user, job_id: int) -> Job:
    """A job is visible to the person who started it."""
    return Job.objects.get(pk=job_id, created_by=user)
