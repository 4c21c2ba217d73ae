from celery import shared_task

from . import services


@shared_task(name="complaints.tasks.escalate_due")
def escalate_due() -> int:
    """Every minute from beat: raise the tiers whose clocks have run out."""
    return services.escalate_due()


@shared_task(name="complaints.tasks.deliver_notifications")
def deliver_notifications() -> int:
    return services.deliver_pending()
