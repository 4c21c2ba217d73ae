"""The customer timeline: every app adds its own entries by registering a source.

A source is ``f(customer, user, limit) -> iterable of TimelineEntry``, scoped to what the user may
see. Complaints, surveys and membership register theirs in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Communication, Purchase

TimelineSource = Callable[..., Iterable["TimelineEntry"]]
_sources: list[TimelineSource] = []


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # a stable code, used as a CSS class: communication, purchase, complaint, ...
    title: str
    body: str = ""
    actor: str = ""


def register(source: TimelineSource) -> TimelineSource:
    if source not in _sources:
        _sources.append(source)
    return source


def timeline_for(customer, user, limit: int = 100) -> list[TimelineEntry]:
    entries = [entry for source in _sources for entry in source(customer, user, limit)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


@register
def communications(customer, user, limit):
    for entry in (
        Communication.objects.visible_to(user).filter(customer=customer).select_related("staff")[:limit]
    ):
        yield TimelineEntry(
            at=entry.occurred_at,
            kind="communication",
            title=entry.get_channel_display(),
            body=entry.content,
            actor=str(entry.staff) if entry.staff else "",
        )


@register
def purchases(customer, user, limit):
    visible = (
        Purchase.objects.visible_to(user).filter(customer=customer).select_related("unit__building__project")
    )
    for purchase in visible[:limit]:
        yield TimelineEntry(
            at=_start_of(purchase.contract_date),
            kind="purchase",
            title=_("Signed the contract for %(unit)s") % {"unit": purchase.unit},
        )
        if purchase.delivery_date:
            yield TimelineEntry(
                at=_start_of(purchase.delivery_date),
                kind="purchase",
                title=_("Took delivery of %(unit)s") % {"unit": purchase.unit},
            )


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
