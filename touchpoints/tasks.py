from celery import shared_task

from . import services


@shared_task(name="touchpoints.tasks.generate_service_tasks")
def generate_service_tasks() -> int:
    """Daily from beat; safe to run again (unique per action, customer, unit and occasion)."""
    return services.generate_delivery_work() + services.generate_four_year_visits()


@shared_task(name="touchpoints.tasks.send_greetings")
def send_greetings() -> int:
    """Daily from beat at 09:00 (a decent hour for an SMS); a second run sends nothing twice."""
    return services.generate_greetings()


@shared_task(name="touchpoints.tasks.generate_periodic_callbacks")
def generate_periodic_callbacks() -> int:
    """Daily from beat: 嘘寒问暖 call-backs coming due (one per owner and period, safe to rerun)."""
    return services.generate_periodic_callbacks()
