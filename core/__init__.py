"""What every app shares, and the bottom layer: it imports no app of ours.

Company scoping (``scoping``: ``Model.objects.visible_to(user)``), the domain errors and JSON error
views (``exceptions``), the staff-page decorator (``staff``), the outbox of messages to customers
and staff (``outbox``), background jobs with progress (``jobs``), exports (``exports``), SVG charts
(``charts``), request guards (``middleware``, ``http``, ``throttling``), the API base classes
(``api``, ``permissions``, ``pagination``, ``filters``), health checks, backups, and the
``seed_demo`` command that collects each app's ``demo.py`` (``seeding``).
"""
