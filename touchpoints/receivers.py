"""Touchpoints' answers to what happens in lower apps; connected in TouchpointsConfig.ready()."""

from django.dispatch import receiver

from customers.signals import purchase_recorded

from .services import delivery_work_follow


# A purchase recorded again with another delivery date is a correction, not a new delivery: the
# unit's open call-back and visits move with the date (the daily generator adds new work).
@receiver(purchase_recorded, dispatch_uid="touchpoints.follow_delivery")
def follow_delivery(sender, *, purchase, **kwargs) -> None:
    delivery_work_follow(unit_id=purchase.unit_id, customer_id=purchase.customer_id)
