import re

from django import template
from django.utils.translation import gettext as _

from customers.models import OwnerPhase, Segment, Stage
from customers.rules import mask_phone

register = template.Library()


@register.filter
def share(row, segment: str) -> float:
    return row.share(segment)


@register.filter
def masked_phone(phone: str) -> str:
    return mask_phone(phone)


# The access log's ``detail`` is written in English by each writer (the audit trail stays as it was
# written); the page says it in the reader's language. Unknown text is shown as stored.
_MERGED = re.compile(r"merged customer #(\d+) into #(\d+)")
_EXPORT = re.compile(r"job #(\d+); filters (.*)")
_ADMIN_MESSAGE = re.compile(r"admin: outgoing message (\d+)")
_COMPLAINT = re.compile(r"complaint (TS\d{6}-\d+)")


def _detail_words() -> dict[str, str]:
    return {
        "page": _("Customers"),
        "api": "API",
        "admin": _("Administration"),
        "edit form": _("Edit"),
        "member page": _("My membership"),
        "create": _("New customer"),
        "upsert": _("updated"),
        "update": _("updated"),
        "segment": _("segment"),
        "search": _("Search"),
    }


def _export_filters(text: str) -> str:
    if text == "none":
        return _("None")
    fields = {
        "query": (_("Name or phone tail"), None),
        "project_id": (_("project"), None),
        "segment": (_("segment"), Segment),
        "stage": (_("stage"), Stage),
        "owner_phase": (_("owner phase"), OwnerPhase),
    }
    parts = []
    for pair in text.split(", "):
        name, _equals, value = pair.partition("=")
        if name not in fields:
            return text
        label, choices = fields[name]
        if choices is not None and value in choices.values:
            value = str(choices(value).label)
        parts.append(f"{label}={value}")
    return ", ".join(parts)


@register.filter
def access_detail(detail: str) -> str:
    if detail in (words := _detail_words()):
        return words[detail]
    if match := _MERGED.fullmatch(detail):
        return f"{_('Merged duplicates')}: #{match[1]} → #{match[2]}"
    if match := _EXPORT.fullmatch(detail):
        return f"{_('Customer export')} #{match[1]}; {_export_filters(match[2])}"
    if match := _ADMIN_MESSAGE.fullmatch(detail):
        return f"{_('Administration')}: {_('outgoing message')} #{match[1]}"
    if match := _COMPLAINT.fullmatch(detail):
        return _("Complainant phone on complaint %(number)s") % {"number": match[1]}
    return detail
