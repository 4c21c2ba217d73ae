"""Which events exist and how each app renders its resource for a subscriber.

Core knows the event names only; the app that owns a resource registers, in its
``AppConfig.ready()``, the function that renders it "as the API shows it" for a given user
(``register(event_type, render)``), usually with the API's own serializer (``serializer_renderer``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

EVENT_TYPES = (
    "complaint.created",
    "complaint.tier_raised",
    "complaint.status_changed",
    "complaint.closed",
    "customer.created",
    "customer.merged",
    "purchase.recorded",
    "member.points_changed",
    "survey.completed",
    "task.completed",
)

Renderer = Callable[[Any, Any], dict]
_renderers: dict[str, Renderer] = {}


def register(event_type: str, render: Renderer) -> None:
    """``render(instance, user) -> dict``: the resource as ``user`` would read it from the API."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    _renderers[event_type] = render


def renderer(event_type: str) -> Renderer:
    try:
        return _renderers[event_type]
    except KeyError:
        raise LookupError(f"no renderer registered for webhook event {event_type!r}") from None


class RenderRequest:
    """What serializers read from a request (the user, absolute links), for rendering outside one."""

    method = "GET"

    def __init__(self, user):
        self.user = user
        self.query_params: dict = {}
        self.GET: dict = {}

    def build_absolute_uri(self, location: str = "/") -> str:
        return f"{settings.PUBLIC_BASE_URL}{location}"


def serializer_renderer(serializer_class, **context) -> Renderer:
    """A renderer that is the API's serializer with the subscriber as the request's user."""

    def render(instance, user) -> dict:
        return dict(serializer_class(instance, context={"request": RenderRequest(user), **context}).data)

    return render
