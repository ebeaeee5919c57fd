"""Signing a webhook body, checking a signature (what receivers do), and the one POST a delivery
makes: to an address checked public at send time and pinned, so DNS cannot swap it afterwards."""

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from claims.netcheck import url_check_public, url_parts

SIGNATURE_VERSION = "v1"
# Receivers refuse a delivery whose timestamp is further than this from their clock.
SIGNATURE_TOLERANCE_SECONDS = 300
RESPONSE_EXCERPT_BYTES = 1000
USER_AGENT = "factcheck-webhooks/1"


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under the endpoint's secret:
    the timestamp is signed too, so a replayed request cannot be given a fresh one."""
    message = str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def webhook_signature_verify(
    *,
    secret: str,
    body: bytes,
    timestamp: str,
    signature: str,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does with the ``Factcheck-Timestamp`` and ``Factcheck-Signature`` headers:
    the signature matches (compared in constant time) and the timestamp is recent. Receivers
    also keep the event ids seen within ``tolerance`` and refuse a repeat (a replay)."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=sent, body=body)
    return any(hmac.compare_digest(expected, part.strip()) for part in signature.split(","))


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    latency_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        # The certificate is checked against the host name, not the pinned address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def webhook_post(*, url: str, body: bytes, headers: dict[str, str]) -> PostResult:
    """POST ``body`` once; never raises for the network or the receiver, never follows redirects."""
    allow_private = settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port = url_parts(url, allow_http=allow_private)
        addresses = url_check_public(url, allow_private=allow_private)
    except ValidationError as exc:
        return PostResult(None, elapsed(), error="Refused: " + " ".join(exc.messages))
    split = urlsplit(url.strip())
    path = (split.path or "/") + (f"?{split.query}" if split.query else "")
    timeout = settings.FACTCHECK_WEBHOOK_TIMEOUT_SECONDS
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = cls(host, port, ip=addresses[0], timeout=timeout)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={**headers, "Content-Type": "application/json", "User-Agent": USER_AGENT},
        )
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode("utf-8", "replace")
        return PostResult(response.status, elapsed(), excerpt=excerpt)
    except (OSError, http.client.HTTPException) as exc:
        return PostResult(None, elapsed(), error=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
