"""Keeps personal data out of logs: mobile numbers, ID numbers and private links are masked in every
record (Django's, Celery's, gunicorn's access log through gunicorn.conf.py, the SMS log backend)."""

import logging
import re

# Whole digit runs (not parts of decimals) shaped like a resident ID number (region code, a 19xx/20xx
# birth date, sequence, check character) or a mainland mobile number (11 digits from 1[3-9]).
_ID_NUMBER = re.compile(
    r"(?<![\d.])([1-9]\d{3})\d{2}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3}[\dXx])(?![\dXx]|\.\d)"
)
_MOBILE = re.compile(r"(?<![\d.])(?:\+?86)?(1[3-9]\d)\d{4}(\d{4})(?!\d|\.\d)")
# Private links are bearer secrets: whoever has the token is the member, the respondent, the complainant.
# The path segment after one of these prefixes (URL-encoded or not) is the token.
PRIVATE_LINK_PREFIXES = ("m", "s", "track", "filed", "unsubscribe")
_PRIVATE_LINK = re.compile(r"(/(?:" + "|".join(PRIVATE_LINK_PREFIXES) + r")/)[^/\s?#&\"'<>]+")
# The same tokens in a query string (?token=..., &key=...).
_TOKEN_PARAMETER = re.compile(r"([?&](?:token|key)=)[^&\s#\"'<>]+")


def mask_private_links(text: str) -> str:
    text = _PRIVATE_LINK.sub(r"\1***", text)
    return _TOKEN_PARAMETER.sub(r"\1***", text)


def redact(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}**********{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return mask_private_links(text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
