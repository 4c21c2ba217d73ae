from celery import shared_task

from . import services
from .models import Campaign


@shared_task(name="membership.tasks.expire_points")
def expire_points() -> int:
    """Daily from beat; idempotent (one expire entry per earn, keyed by it)."""
    return services.points_expire_due()


@shared_task(name="membership.tasks.send_campaign")
def send_campaign(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    return services.campaign_deliver(campaign=campaign)
