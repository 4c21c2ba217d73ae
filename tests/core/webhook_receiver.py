"""A real HTTP receiver for the webhook tests: a local http.server in a thread that checks the
signature like the README's example and remembers what it accepted (deduped by delivery id)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "test-secret-0123456789abcdef"
TOLERANCE_SECONDS = 300


def valid_signature(secret: str, headers, body: bytes) -> bool:
    timestamp = headers.get("X-Vanke-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = (
        "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    )
    return hmac.compare_digest(expected, headers.get("X-Vanke-Signature", ""))


class Receiver:
    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.status = 200  # what it answers to a well-signed request
        self.location = ""  # with a 3xx status: where it redirects
        self.raw: list[dict] = []  # every well-signed request, duplicates included
        self.accepted: dict[str, dict] = {}  # by delivery id, in order of arrival
        self.bad_signatures = 0
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if not valid_signature(receiver.secret, self.headers, body):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                if 200 <= receiver.status < 300:
                    event = {
                        "delivery": self.headers["X-Vanke-Delivery"],
                        "event": self.headers["X-Vanke-Event"],
                        "body": json.loads(body),
                    }
                    receiver.raw.append(event)
                    receiver.accepted.setdefault(event["delivery"], event)  # dedupe by delivery id
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def running_receiver(settings):
    """For a fixture: a running receiver; 127.0.0.1 is an allowed webhook host for the test."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()
