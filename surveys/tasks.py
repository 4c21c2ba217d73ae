from celery import shared_task

from . import services


@shared_task(name="surveys.tasks.send_survey_reminders")
def send_survey_reminders() -> int:
    """Every 15 minutes from beat; safe to run again (one dedupe key per link and reminder)."""
    return services.reminders_send_due()
