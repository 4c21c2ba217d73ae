"""Global search in the staff top bar: one box, results grouped by what they are.

Each app registers a provider in its AppConfig.ready() (the pattern of ``customers.timeline``):
``provider(request, query) -> iterable of SearchGroup``. A provider answers only for what the user
may see (``visible_to(user)`` and ``organization.access``), with at most ``ROWS_PER_GROUP`` rows from
one indexed query per group (exact values and prefixes, never ``%text%`` over a big table), and
returns nothing when the query is not its kind of text. ``run`` asks every provider and orders the
groups; the page and its JSON twin (core.views.search) show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

ROWS_PER_GROUP = 8
MIN_QUERY_LENGTH = 2  # one character matches too much to be worth a query
MAX_QUERY_LENGTH = 100

Provider = Callable[..., Iterable["SearchGroup"]]
_providers: list[Provider] = []


@dataclass(frozen=True)
class SearchRow:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class SearchGroup:
    key: str  # a stable code (complaints, customers, units, projects), used in data-* and JSON
    title: str
    rows: list[SearchRow] = field(default_factory=list)
    order: int = 100  # groups are shown by this number, lowest first
    note: str = ""  # why the provider found nothing it could show (e.g. the phone-tail rule)
    more_url: str = ""  # a page with every match, when there were more than the group shows

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "note": self.note,
            "more_url": self.more_url,
            "rows": [{"label": row.label, "detail": row.detail, "url": row.url} for row in self.rows],
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    status: str  # "empty" (nothing typed), "too_short", "ok" (groups may still be empty)
    groups: list[SearchGroup] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.status == "too_short":
            return _("Type at least %(count)d characters.") % {"count": MIN_QUERY_LENGTH}
        if self.status == "ok" and not self.groups:
            return _("Nothing found for “%(query)s”.") % {"query": self.query}
        return ""

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "status": self.status,
            "message": self.message,
            "groups": [group.as_json() for group in self.groups],
        }


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def clean_query(raw: str) -> str:
    """Outer and repeated spaces removed, cut to ``MAX_QUERY_LENGTH``."""
    return " ".join(str(raw or "").split())[:MAX_QUERY_LENGTH]


def run(request, raw_query: str) -> SearchResult:
    query = clean_query(raw_query)
    if not query:
        return SearchResult(query=query, status="empty")
    if len(query) < MIN_QUERY_LENGTH:
        return SearchResult(query=query, status="too_short")
    groups = [
        group for provider in _providers for group in provider(request, query) if group.rows or group.note
    ]
    return SearchResult(query=query, status="ok", groups=sorted(groups, key=lambda group: group.order))


def first_rows(queryset, build: Callable[..., SearchRow]) -> tuple[list[SearchRow], bool]:
    """The first ``ROWS_PER_GROUP`` rows of one query, and whether there were more (one row more is
    read instead of counting)."""
    found = list(queryset[: ROWS_PER_GROUP + 1])
    return [build(item) for item in found[:ROWS_PER_GROUP]], len(found) > ROWS_PER_GROUP
