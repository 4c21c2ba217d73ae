"""gunicorn's settings for the image and compose (`gunicorn -c gunicorn.conf.py vanke_crm.wsgi`).

The access log runs through the same filter as the application's log (core.logging): request lines
and referrers carry phone numbers in searches and private-link tokens in paths."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# The proxy in front (deploy/nginx.conf) buffers slow clients; requests still end in bounded time.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))

_redacted_stream = {
    "class": "logging.StreamHandler",
    "formatter": "generic",
    "filters": ["redact_personal_data"],
}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "core.logging.RedactPersonalData"}},
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {**_redacted_stream, "stream": "ext://sys.stderr"},
        "access_console": {**_redacted_stream, "formatter": "access", "stream": "ext://sys.stdout"},
        "console": {**_redacted_stream, "stream": "ext://sys.stdout"},
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}
