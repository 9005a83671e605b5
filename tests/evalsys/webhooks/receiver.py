"""A real HTTP receiver for the webhook tests (http.server in a thread, on a free local port)
that keeps every request; ``status`` and ``delay`` make it a failing or a slow one."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ..mail_server import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when it arrived

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    status: int = 204
    delay: float = 0.0
    requests: list[Received] = field(default_factory=list)

    def verifies(self, secret: str, request: Received, max_age: float = 300) -> bool:
        """The check docs/api.md shows a receiver: HMAC of timestamp + "." + body, not old."""
        timestamp = request.headers["X-Evalsys-Timestamp"]
        signed = timestamp.encode() + b"." + request.body
        expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(timestamp)) < max_age
        return fresh and hmac.compare_digest(expected, request.headers["X-Evalsys-Signature"])


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrived = time.monotonic()
            receiver.requests.append(Received(self.path, dict(self.headers), body, arrived))
            if receiver.delay:
                time.sleep(receiver.delay)
            try:
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender gave up waiting (the slow receiver)
                pass

        def log_message(self, *args):  # quiet
            pass

    return Handler


@pytest.fixture
def receivers():
    """``make(status=..., delay=...)`` starts one more receiver; all stop after the test."""
    servers = []

    def make(status: int = 204, delay: float = 0.0) -> Receiver:
        port = free_port()
        receiver = Receiver(f"http://127.0.0.1:{port}/hooks/evalsys", status, delay)
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
        server.daemon_threads = True
        server.block_on_close = False
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return receiver

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()
