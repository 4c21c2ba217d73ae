"""Keeps personal data out of logs: mobile numbers and ID numbers are masked in every record."""

import logging
import re

# Whole digit runs (not parts of decimals) shaped like a resident ID number (region code, a 19xx/20xx
# birth date, sequence, check character) or a mainland mobile number (11 digits from 1[3-9]).
_ID_NUMBER = re.compile(
    r"(?<![\d.])([1-9]\d{3})\d{2}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3}[\dXx])(?![\dXx]|\.\d)"
)
_MOBILE = re.compile(r"(?<![\d.])(?:\+?86)?(1[3-9]\d)\d{4}(\d{4})(?!\d|\.\d)")


def redact(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}**********{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


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
