from celery import shared_task

from . import services


@shared_task(name="membership.tasks.expire_points")
def expire_points() -> int:
    """Daily from beat; idempotent (one expire entry per earn, keyed by it)."""
    return services.points_expire_due()


@shared_task(name="membership.tasks.send_campaign")
def send_campaign(job_id: int) -> None:
    """Runs the campaign's job (``core.Job`` of kind club_campaign); queued after commit and
    re-sent by the job sweep if the broker was down."""
    services.campaign_run(job_id)
