from celery import shared_task

from .services import WORKER, heartbeat_record


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> None:
    """Scheduled by beat every 30 s and run by a worker: a fresh row proves both are alive."""
    heartbeat_record(component=WORKER)


@shared_task(name="core.tasks.deliver_messages")
def deliver_messages() -> int:
    """Send what waits in the customer-message outbox (queued after commit, and every minute by beat)."""
    from .outbox import deliver_pending

    return deliver_pending()
