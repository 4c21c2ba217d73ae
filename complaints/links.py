"""Links from a complaint's page to records of higher apps (a warranty repair that became this
complaint). Complaints cannot import those apps; each registers a source in its AppConfig.ready().

A source is ``f(complaint, user) -> iterable of Link``, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str


LinkSource = Callable[..., Iterable[Link]]
_sources: list[LinkSource] = []


def register(source: LinkSource) -> LinkSource:
    if source not in _sources:
        _sources.append(source)
    return source


def links_for(complaint, user) -> list[Link]:
    return [link for source in _sources for link in source(complaint, user)]
