"""How a customer file appears in a webhook: as the API shows it, with the phone and ID number in
full only for a subscriber who may see personal data, which is then written to the access log
(like ``?unmask=1`` on the API)."""

from core.webhooks import serializer_renderer

from . import privacy, services
from .models import AccessAction, Customer
from .serializers import CustomerSerializer

_masked = serializer_renderer(CustomerSerializer, unmasked=False)
_unmasked = serializer_renderer(CustomerSerializer, unmasked=True)


def render_customer(customer: Customer, user) -> dict:
    if not privacy.can_see_personal_data(user):
        return _masked(customer, user)
    services.access_log_record(
        user=user,
        customer_ids=[customer.pk],
        action=AccessAction.API_READ,
        full_data=True,
        ip_address=None,
        detail="webhook",
    )
    return _unmasked(customer, user)
