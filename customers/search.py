"""Global search (core.search): customer files by the start of the name or the phone's tail.
Registered in CustomersConfig.ready().

The same search as the customer list (``selectors.customer_list``, so the same rule: digits are the
end of the phone, and roles without ``customers.view_personal_data`` give exactly the last four), the
same masking (phones shown as 138****5678 to everyone, as on the list: the full number is shown only
on the customer's page, on an audited request) and the same audit: the files shown are written to
the access log as a list read (action ``list``, detail ``search``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from core import search
from core.exceptions import DomainError

from . import privacy, selectors
from .models import AccessAction, Customer

SEARCH_DETAIL = "search"  # the access log's ``detail`` of a read by the global search


def _query(text: str) -> str | None:
    """The text the customer search takes: a name, or phone digits (spaces removed, as in
    「138 0013 1234」). Text mixing digits with anything else (a complaint number, a home) is neither."""
    digits = text.replace(" ", "")
    if digits.isdigit():
        return digits
    if any(character.isdigit() for character in text):
        return None
    return text


def _row(customer: Customer) -> search.SearchRow:
    return search.SearchRow(
        label=customer.name,
        detail=" · ".join(
            [
                privacy.shown_phone(customer, unmasked=False),
                customer.get_stage_display(),
                customer.company.name,
            ]
        ),
        url=reverse("customer-detail", args=[customer.pk]),
    )


def search_customers(request, query: str):
    user = request.user
    if not user.has_perm("customers.view_customer"):
        return
    text = _query(query)
    if text is None:
        return
    title = _("Customers")
    try:
        customers = selectors.customer_list(user=user, filters=selectors.CustomerFilters(query=text))
    except DomainError as error:  # too few digits, or more than the last four for a masked role
        yield search.SearchGroup(key="customers", title=title, note=str(error.message), order=20)
        return
    rows, more = search.first_rows(customers.select_related("company"), lambda customer: customer)
    privacy.record_access(request, rows, AccessAction.LIST, full_data=False, detail=SEARCH_DETAIL)
    more_url = f"{reverse('customer-list')}?{urlencode({'q': text})}" if more else ""
    yield search.SearchGroup(
        key="customers", title=title, rows=[_row(customer) for customer in rows], order=20, more_url=more_url
    )
