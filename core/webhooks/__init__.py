"""Webhooks out: integrators are told of events instead of polling.

- ``registry``: the event types and, per type, the renderer the owning app registers
  (``register``, ``serializer_renderer``) in its ``AppConfig.ready()``;
- ``services``: subscriptions, ``emit`` (one delivery row per matching subscription, written in the
  business transaction) and ``delivery_resend``;
- ``delivery``: the sweep that sends them (signed, ordered per resource, retried with backoff);
- ``targets``: the SSRF check of a target URL.

Services call ``webhooks.emit("complaint.created", complaint, company_id=complaint.company_id)``;
``held()`` / ``release(rows, replace=...)`` keep a transaction's deliveries in memory until it knows
what its bodies must say (a complaint's number, taken last at intake).
"""

from .registry import EVENT_TYPES, register, serializer_renderer
from .services import emit, held, release

__all__ = ["EVENT_TYPES", "emit", "held", "register", "release", "serializer_renderer"]
