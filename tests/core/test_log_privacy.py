"""No personal data in logs: a marker phone and ID number are sent in, the real log output is searched."""

import io
import logging

import pytest

from core.logging import redact

MARKER_PHONE = "13912340000"
MARKER_ID = "11010519491231002X"


@pytest.fixture
def console_output():
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_request_logs_do_not_contain_personal_data(client, db, console_output):
    client.get(f"/no-such-page/{MARKER_PHONE}/{MARKER_ID}")
    output = console_output.getvalue()
    assert "Not Found" in output
    assert MARKER_PHONE not in output
    assert MARKER_ID not in output
    assert "139****0000" in output


def test_exception_tracebacks_are_redacted(console_output):
    try:
        raise ValueError(f"cannot import row for {MARKER_PHONE}")
    except ValueError:
        logging.getLogger("customers.jobs").exception("import failed for %s", MARKER_PHONE)
    output = console_output.getvalue()
    assert "ValueError" in output
    assert MARKER_PHONE not in output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 13812345678 now", "call 138****5678 now"),
        ("+8613812345678", "138****5678"),
        ("id 11010519491231002X.", "id 1101**********002X."),
        ("order 123456789012345678901", "order 123456789012345678901"),
        ("job 42 took 13 s", "job 42 took 13 s"),
        ("succeeded in 0.029812345678901239853s", "succeeded in 0.029812345678901239853s"),
        ("order 13812345678.5 yuan", "order 13812345678.5 yuan"),
    ],
)
def test_redaction(text, expected):
    assert redact(text) == expected
