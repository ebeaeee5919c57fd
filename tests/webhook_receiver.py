"""A partner's webhook receiver, as the README tells partners to write one, on 127.0.0.1 (plain
http: tests turn FACTCHECK_WEBHOOK_ALLOW_PRIVATE on). It checks the signature with hmac itself
(not with the project's helper), refuses stale timestamps and repeated event ids, and answers
with the statuses a test scripts (then 200)."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 300


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    secret: str = ""
    # Statuses to answer, in order, before answering 200 (a bad signature or a replay aside).
    script: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    seen_event_ids: set[str] = field(default_factory=set)

    def accepted(self) -> list[Received]:
        return [r for r in self.requests if r.answered == 200]

    def verify(self, headers: dict[str, str], body: bytes) -> int:
        timestamp = headers.get("Factcheck-Timestamp", "")
        signature = headers.get("Factcheck-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
            return 400
        mac = hmac.new(self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        if not hmac.compare_digest(signature, "v1=" + mac.hexdigest()):
            return 401
        if headers.get("Factcheck-Event-Id", "") in self.seen_event_ids:
            return 409  # a replay, or a re-send of an event already handled
        return 0


def start_receiver() -> Iterator[Receiver]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k: v for k, v in self.headers.items()}
            status = receiver.verify(headers, body)
            if not status:
                status = receiver.script.pop(0) if receiver.script else 200
                if status == 200:
                    receiver.seen_event_ids.add(headers["Factcheck-Event-Id"])
            receiver.requests.append(Received(headers, body, status))
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/factcheck?x=1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


def replay(receiver: Receiver, request: Received) -> int:
    """Send a captured request again, byte for byte, as an attacker who recorded it would."""
    import urllib.error
    import urllib.request

    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    req = urllib.request.Request(receiver.url, data=request.body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310 - local test server
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
