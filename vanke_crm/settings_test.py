"""The test suite's settings: production settings with the slow or outward parts swapped out.

Hashing a password the production way (PBKDF2, many thousand rounds) is most of the time of every
test that signs a user in, and the suite signs users in thousands of times; e-mail stays in memory.
Everything else is ``vanke_crm.settings`` as deployed, so the tests exercise the real configuration.
"""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
