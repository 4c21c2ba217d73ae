"""Pluggable SMS sending. ``SMS_BACKEND`` names a class with ``send(phone, text)``; the default
writes the message to the log (phone numbers are masked there by core.logging)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("vanke_crm.sms")


class LogBackend:
    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def get_backend():
    return import_string(settings.SMS_BACKEND)()
