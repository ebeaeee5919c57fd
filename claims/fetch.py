"""The one way factcheck fetches a URL: safe to point at any address a stranger typed.

Every URL path (web form, admin, API, command line, feeds) reaches the network through
``url_fetch``. It speaks http and https only; it resolves the host once, refuses the request if any
of its addresses is not public (loopback, private, link-local such as 169.254.169.254, IPv6 and
IPv4-mapped forms included), and connects to the address it checked, so a DNS answer that changes
between the check and the connection cannot point it elsewhere. Redirects are followed by hand, at
most ``MAX_REDIRECTS``, each hop checked the same way; the whole fetch has one deadline and one
size cap; a response must say it is HTML, plain text or a feed.

``url_check_public`` is the address check alone, for other outgoing requests (webhooks).
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml", "application/feed+json", "application/json"}
)  # fmt: skip
USER_AGENT = "factcheck-fetch/1 (+https://github.com/factcheck)"
_CHUNK = 16_384

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """The URL could not be fetched; ``reason`` is written for a person. ``transient`` errors
    (a timeout, a refused connection, a 5xx or 429 answer) may succeed if tried again later."""

    def __init__(self, reason: str, *, transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class UnsafeURL(FetchError):
    """The URL is not one factcheck will fetch: not http(s), malformed, or not a public address."""


@dataclass(frozen=True)
class FetchResult:
    url: str  # the last hop's URL, after redirects
    status: int  # 200, or 304 for a conditional request answered "not modified"
    content_type: str  # "text/html", without parameters; "" on a 304
    charset: str | None
    body: bytes
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def url_parse(url: str) -> tuple[str, str, int]:
    """Split an absolute http(s) URL into ``(scheme, host, port)``; raise ``UnsafeURL`` saying
    what is wrong with it (a bad scheme, no host, a port out of range, credentials)."""
    if not isinstance(url, str) or not url.strip():
        raise UnsafeURL("The URL is empty.")
    if any(ch.isspace() or ord(ch) < 32 for ch in url.strip()):
        raise UnsafeURL("The URL contains spaces or control characters.")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        if "port" in str(exc).lower():
            raise UnsafeURL("The URL's port must be between 1 and 65535.") from None
        raise UnsafeURL(f"The URL is malformed ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL(f"Only http:// and https:// URLs can be fetched, not “{scheme or '?'}:”.")
    host = parts.hostname or ""
    if not host:
        raise UnsafeURL("The URL has no host name.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL("URLs with a user name or password are not fetched.")
    if port == 0:
        raise UnsafeURL("The URL's port must be between 1 and 65535.")
    return scheme, host, port or (443 if scheme == "https" else 80)


def address_is_public(address: IpAddress) -> bool:
    """True for an address on the public internet; an IPv4 address mapped or embedded in IPv6
    (``::ffff:127.0.0.1``, 6to4, Teredo) is judged by the IPv4 address inside it."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return address_is_public(inner)
        if address.teredo is not None:
            return address_is_public(address.teredo[1])
    return address.is_global and not address.is_multicast


def url_check_public(url: str, *, allow_private: bool | None = None) -> list[IpAddress]:
    """Resolve the URL's host once and return its addresses, all of them public; raise
    ``UnsafeURL`` naming the first address that is not (or ``FetchError`` if the name does not
    resolve). ``allow_private`` defaults to the ``FACTCHECK_FETCH_ALLOW_PRIVATE`` setting."""
    _scheme, host, port = url_parse(url)
    if allow_private is None:
        allow_private = settings.FACTCHECK_FETCH_ALLOW_PRIVATE
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"The host “{host}” could not be found ({exc}).", transient=True) from None
    addresses: list[IpAddress] = []
    for info in infos:
        # Drop an IPv6 zone ("fe80::1%eth0"): the address part decides.
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"The host “{host}” has no address.", transient=True)
    if not allow_private:
        for address in addresses:
            if not address_is_public(address):
                raise UnsafeURL(
                    f"“{host}” resolves to {address}, which is not a public internet address; "
                    "factcheck does not fetch from local or private networks."
                )
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked; the Host header still names the host."""

    def __init__(self, host: str, port: int, *, address: IpAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._pinned = str(address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._pinned, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As ``_PinnedHTTPConnection``; the certificate is checked against the host name (SNI)."""

    def __init__(self, host: str, port: int, *, address: IpAddress, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._pinned = str(address)

    def connect(self) -> None:
        sock = socket.create_connection((self._pinned, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def url_fetch(
    url: str,
    *,
    accept: Iterable[str] = ARTICLE_TYPES | FEED_TYPES,
    etag: str = "",
    last_modified: str = "",
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> FetchResult:
    """GET ``url`` safely (see the module docstring); raise ``FetchError`` with a readable reason.

    ``etag`` and ``last_modified`` make the request conditional: an unchanged resource comes back
    as a ``FetchResult`` with status 304 and no body. Reads only; safe to repeat."""
    timeout = timeout if timeout is not None else settings.FACTCHECK_FETCH_TIMEOUT_SECONDS
    max_bytes = max_bytes if max_bytes is not None else settings.FACTCHECK_FETCH_MAX_BYTES
    deadline = time.monotonic() + timeout
    accepted = frozenset(accept)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "application/xml;q=0.9,text/plain;q=0.8",
        "Accept-Encoding": "identity",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    seen: list[str] = []
    current = url.strip()
    while True:
        seen.append(current)
        status, response_headers, body = _fetch_once(
            current, headers=headers, deadline=deadline, timeout=timeout, max_bytes=max_bytes
        )
        if status in REDIRECT_STATUSES:
            location = response_headers.get("Location")
            if not location:
                raise FetchError(f"{current} redirects ({status}) without saying where.")
            target = urljoin(current, location.strip())
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                raise UnsafeURL(f"{current} redirects to “{target}”, which is not an http(s) URL.")
            if target in seen:
                raise FetchError(f"{url} redirects in a loop (back to {target}).")
            if len(seen) > MAX_REDIRECTS:
                raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times.")
            current = target
            continue
        break
    if status == 304 and (etag or last_modified):
        return FetchResult(
            url=current, status=304, content_type="", charset=None, body=b"",
            etag=response_headers.get("ETag", etag), last_modified=last_modified,
        )  # fmt: skip
    if status == 429 or status >= 500:
        raise FetchError(f"{current} answered {status}; will try again later.", transient=True)
    if status != 200:
        raise FetchError(f"{current} answered {status} ({http.client.responses.get(status, '')}).")
    message = Message()
    message["Content-Type"] = response_headers.get("Content-Type", "")
    if not response_headers.get("Content-Type"):
        raise FetchError(f"{current} did not say what it sent (no Content-Type).")
    content_type = message.get_content_type()
    if content_type not in accepted:
        raise FetchError(
            f"{current} sent {content_type}, not a web page, plain text or a feed factcheck can read."
        )
    return FetchResult(
        url=current,
        status=status,
        content_type=content_type,
        charset=message.get_content_charset(),
        body=body,
        etag=response_headers.get("ETag", ""),
        last_modified=response_headers.get("Last-Modified", ""),
    )


def _fetch_once(
    url: str, *, headers: dict[str, str], deadline: float, timeout: float, max_bytes: int
) -> tuple[int, Any, bytes]:
    """One request to one checked address: ``(status, headers, body)``; no body for redirects."""
    scheme, host, port = url_parse(url)
    address = url_check_public(url)[0]
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(url, timeout)
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, address=address, timeout=remaining)
    # The socket timeout bounds each read; this bounds the whole fetch, however slowly a server
    # drips its headers or body: at the deadline the socket is shut and the read fails.
    expired = threading.Event()
    watchdog = threading.Timer(remaining, _shut, args=(conn, expired))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        if response.status in REDIRECT_STATUSES or response.status == 304:
            return response.status, response.headers, b""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchError(f"{url} is {int(declared):,} bytes; the limit is {max_bytes:,}.")
        body = bytearray()
        while chunk := response.read1(_CHUNK) if response.status == 200 else b"":
            body += chunk
            if len(body) > max_bytes:
                raise FetchError(f"{url} is larger than the limit of {max_bytes:,} bytes.")
            if time.monotonic() > deadline:
                raise _timed_out(url, timeout)
        return response.status, response.headers, bytes(body)
    except FetchError:
        raise
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise _timed_out(url, timeout) from None
        raise FetchError(f"Could not fetch {url}: {exc}.", transient=True) from None
    finally:
        watchdog.cancel()
        conn.close()


def _shut(conn: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    if conn.sock is not None:
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_RDWR)


def _timed_out(url: str, timeout: float) -> FetchError:
    return FetchError(f"{url} did not answer in full within {timeout:g} s.", transient=True)
