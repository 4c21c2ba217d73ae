"""What other apps may react to, so that customers never imports them.

Both signals are sent inside the transaction that wrote the purchases; a receiver's error rolls the
purchase back with it. Membership connects its receivers in its AppConfig.ready().
"""

from django.dispatch import Signal

# One purchase recorded through ``services.purchase_record`` (a page, the API): ``purchase=``.
purchase_recorded = Signal()

# Purchases written in bulk (an import, demo data): ``purchase_ids=``, the new purchases only.
purchases_created_in_bulk = Signal()
