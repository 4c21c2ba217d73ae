"""Membership's answers to what happens in lower apps; connected by importing this module in
MembershipConfig.ready()."""

from django.dispatch import receiver

from customers.signals import purchase_recorded, purchases_created_in_bulk

from .services import member_join_on_purchase, members_join_for_purchases


# Buying a home makes the buyer a member of the club (万客会) and pays any referral reward, whether
# the purchase is recorded one by one or imported.
@receiver(purchase_recorded, dispatch_uid="membership.join_on_purchase")
def join_on_purchase(sender, *, purchase, **kwargs) -> None:
    member_join_on_purchase(purchase=purchase)


@receiver(purchases_created_in_bulk, dispatch_uid="membership.join_for_purchases")
def join_for_purchases(sender, *, purchase_ids, **kwargs) -> None:
    members_join_for_purchases(purchase_ids=purchase_ids)
