"""Loaded with ``-p tests.environment`` before Django: the suite runs on the local defaults.

Anything already in the environment (DATABASE_URL, CELERY_BROKER_URL, ...) wins.
"""

import os

os.environ.setdefault("DEBUG", "1")
