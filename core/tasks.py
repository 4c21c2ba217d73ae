from celery import shared_task

from . import jobs, outbox
from .services import WORKER, heartbeat_record, refresh_planner_statistics
from .webhooks import delivery as webhook_delivery


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> None:
    """Scheduled by beat every 30 s and run by a worker: a fresh row proves both are alive."""
    heartbeat_record(component=WORKER)


@shared_task(name="core.tasks.deliver_messages")
def deliver_messages() -> int:
    """Send what waits in the customer-message outbox (queued after commit, and every minute by beat)."""
    return outbox.deliver_pending()


@shared_task(name="core.tasks.sweep_jobs")
def sweep_jobs() -> dict[str, int]:
    """Every minute from beat: re-send queued jobs the broker lost, reclaim jobs whose worker died."""
    return jobs.sweep()


@shared_task(name="core.tasks.delete_expired_files")
def delete_expired_files() -> int:
    """Daily from beat: import uploads and export files older than FILE_RETENTION_DAYS are deleted."""
    return jobs.delete_expired_files()


@shared_task(name="core.tasks.deliver_webhooks")
def deliver_webhooks() -> int:
    """Send due webhook deliveries (nudged after each commit that wrote some, and by beat)."""
    return webhook_delivery.deliver_due()


@shared_task(name="core.tasks.delete_old_webhook_deliveries")
def delete_old_webhook_deliveries() -> int:
    """Daily from beat: finished webhook deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS."""
    return webhook_delivery.delete_old()


@shared_task(name="core.tasks.refresh_planner_statistics")
def refresh_sqlite_statistics() -> bool:
    """Daily from beat: the SQLite planner's statistics (nothing on PostgreSQL)."""
    return refresh_planner_statistics()
