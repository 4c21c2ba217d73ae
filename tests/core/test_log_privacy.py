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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /m/Zx9_aB-cd12/ HTTP/1.1", "GET /m/***/ HTTP/1.1"),
        ("https://crm.example.com/s/Qw3rTy/ thanks", "https://crm.example.com/s/***/ thanks"),
        ('"GET /complain/track/abc:def-1/ HTTP/1.1" 200', '"GET /complain/track/***/ HTTP/1.1" 200'),
        ("POST /complain/filed/abc123/", "POST /complain/filed/***/"),
        ("/unsubscribe/tok3n?next=1", "/unsubscribe/***?next=1"),
        ("/m/tok3n/events/4/signup/", "/m/***/events/4/signup/"),
        ("/api/v1/members/?token=secret&x=1", "/api/v1/members/?token=***&x=1"),
        ("GET /customers/?q=13812345678 HTTP/1.1", "GET /customers/?q=138****5678 HTTP/1.1"),
        ("GET /members/4/ HTTP/1.1", "GET /members/4/ HTTP/1.1"),
        ("GET /static/css/site.css", "GET /static/css/site.css"),
    ],
)
def test_private_links_are_redacted(text, expected):
    assert redact(text) == expected


def test_sms_log_backend_masks_phone_and_links(caplog):
    from core.sms import LogBackend

    with caplog.at_level(logging.INFO, logger="vanke_crm.sms"):
        LogBackend().send(MARKER_PHONE, "查看进度 https://crm.example.com/complain/track/Secr3tToken/")
    assert "Secr3tToken" not in caplog.text
    assert MARKER_PHONE not in caplog.text
    assert "/complain/track/***/" in caplog.text


def test_gunicorn_access_log_is_redacted(tmp_path):
    """The real gunicorn with the project's gunicorn.conf.py: request lines are masked."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from django.conf import settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
        },
        "DEBUG": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "VAR_DIR": str(tmp_path),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "vanke_crm.wsgi:application"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        for path in (f"/m/Secr3tToken/?q={MARKER_PHONE}", f"/s/Secr3tToken/?phone={MARKER_PHONE}"):
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    time.sleep(0.1)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
    output = log.read_text()
    assert "GET /m/***/" in output, output
    assert "Secr3tToken" not in output
    assert MARKER_PHONE not in output
