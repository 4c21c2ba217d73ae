"""Customer files, one per company and phone; imports core and organization.

Files, sources, purchases, the communication log and the audited access log (``models``); phone,
ID-number, masking, age and segment rules (``rules``); state changes (``services``) and scoped reads
(``selectors``); imports and exports as background jobs (``imports``, ``jobs``); masking and audit of
personal data (``privacy``). Higher apps add to a customer's file without being imported: the
timeline registry (``timeline``) and the purchase signals (``signals``).
"""
