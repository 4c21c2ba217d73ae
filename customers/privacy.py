"""Who sees full personal data, and the audit trail of every time someone does."""

from core.http import client_ip

from . import rules, services
from .models import Customer

PERSONAL_DATA = "customers.view_personal_data"


def can_see_personal_data(user) -> bool:
    return user.has_perm(PERSONAL_DATA)


def shown_phone(customer: Customer, unmasked: bool) -> str:
    return customer.phone if unmasked else rules.mask_phone(customer.phone)


def shown_id_number(customer: Customer, unmasked: bool) -> str:
    if not customer.id_number or unmasked:
        return customer.id_number
    return rules.mask_id_number(customer.id_number)


def record_access(request, customers, action: str, *, full_data: bool, detail: str = "") -> None:
    services.access_log_record(
        user=request.user,
        customer_ids=[customer.pk for customer in customers],
        action=action,
        full_data=full_data,
        ip_address=client_ip(request),
        detail=detail,
    )
