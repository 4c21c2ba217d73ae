"""Pluggable SMS sending. ``SMS_BACKEND`` names a class with ``send(phone, text)``; the default
writes the message to the log with the phone and any private link masked (core.logging.redact),
whatever handlers the log is configured with."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from core.logging import redact

logger = logging.getLogger("vanke_crm.sms")


class LogBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", redact(phone), redact(text))


def get_backend():
    return import_string(settings.SMS_BACKEND)()
