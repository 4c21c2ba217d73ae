from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from core import search

        from .search import search_customers

        search.register(search_customers)
        from core import webhooks

        from .serializers import PurchaseSerializer
        from .webhooks import render_customer

        webhooks.register("customer.created", render_customer)
        webhooks.register("customer.merged", render_customer)
        webhooks.register("purchase.recorded", webhooks.serializer_renderer(PurchaseSerializer))
