from django import template

from customers.rules import mask_phone

register = template.Library()


@register.filter
def share(row, segment: str) -> float:
    return row.share(segment)


@register.filter
def masked_phone(phone: str) -> str:
    return mask_phone(phone)
