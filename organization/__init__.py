"""The organisation and who may do what; imports only core.

Group → region → company → project → building → unit, and the ``User`` with their company
(``models``); the roles and their permissions (``roles``); the one place that decides which company
a write belongs to, who may be assigned work, and fetches a record for an action (``access``); the
organisation pages and API; the demo organisation and users (``demo``).
"""
