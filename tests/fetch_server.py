"""A small HTTP server on 127.0.0.1, started by the tests, serving what the fetcher must handle:
a news page in boilerplate, redirect chains and loops, redirects to file: and to a private address,
a huge page, a page that drips, a binary file, no content type, and a feed that grows."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

NEWS_PAGE = """<!doctype html><html><head><title>Jobless rate falls | Daily Planet</title>
<link rel="canonical" href="{base}/news/jobless-rate?utm_source=feed">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2024-05-31T10:00:00Z"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe now</a></li></ul></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Jobless rate falls to 3.9 percent</h1>
<p>The unemployment rate fell to 3.9 percent in May, the statistics office said on Friday,
the lowest level since 1975.</p>
<p>The minister said 200,000 jobs had been created since January, more than in any year of the
previous government.</p>
<p>Economists had expected the rate to stay at 4.1 percent, according to a poll of 30 analysts.</p>
</article>
<footer><p>Copyright 2024 Daily Planet. All rights reserved. Privacy policy. Terms of use.</p>
</footer></body></html>"""

STORY = """<!doctype html><html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<article><h1>{title}</h1><p>{text}</p></article><footer>Copyright Daily Planet</footer>
</body></html>"""

HUGE_BYTES = 6_000_000


@dataclass
class FeedState:
    entries: list[tuple[str, str]] = field(default_factory=list)  # (guid, path)
    version: int = 0
    requests: int = 0
    not_modified: int = 0


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str | None, **headers: str) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/html", Location=location)

    def do_GET(self) -> None:  # noqa: C901 - one branch per page, on purpose
        base = self.server.base
        path = self.path
        if path.startswith("/news/jobless-rate"):
            self._send(200, NEWS_PAGE.format(base=base).encode(), "text/html; charset=utf-8")
        elif path.startswith("/story/"):
            slug = path.rsplit("/", 1)[1]
            text = (
                f"Story {slug}: the council said it spent 4.5 million pounds on roads in 2023, "
                "twice as much as in 2022, and that the number of potholes fell by 30 percent."
            )
            body = STORY.format(title=f"Story {slug}", text=text).encode()
            self._send(200, body, "text/html; charset=utf-8")
        elif path == "/host":
            self._send(200, f"Host: {self.headers.get('Host')}".encode(), "text/plain")
        elif path == "/plain":
            self._send(200, b"The mayor said 12 new schools opened in 2024.", "text/plain")
        elif path.startswith("/chain/"):
            hops = int(path.rsplit("/", 1)[1])
            self._redirect(f"/chain/{hops - 1}" if hops > 1 else "/news/jobless-rate")
        elif path == "/loop/a":
            self._redirect("/loop/b")
        elif path == "/loop/b":
            self._redirect(f"{base}/loop/a")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path.startswith("/to-private"):
            self._redirect("http://10.0.0.1/latest/meta-data/")
        elif path.startswith("/to-metadata"):
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the cap must hold while reading
            chunk = b"<p>" + b"x" * 65_533
            for _ in range(HUGE_BYTES // len(chunk) + 1):
                self.wfile.write(chunk)
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(200):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/binary":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "image/png")
        elif path == "/no-type":
            self._send(200, b"<html><body><p>Untyped.</p></body></html>", None)
        elif path == "/gone":
            self._send(404, b"not here", "text/plain")
        elif path == "/feed.xml":
            self._feed()
        else:
            self._send(404, b"not found", "text/plain")

    def _feed(self) -> None:
        state = self.server.feed
        state.requests += 1
        etag = f'"v{state.version}"'
        if self.headers.get("If-None-Match") == etag:
            state.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        items = "".join(
            f"<item><title>Story {guid}</title><link>{self.server.base}{path}</link>"
            f'<guid isPermaLink="false">{guid}</guid></item>'
            for guid, path in state.entries
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Daily Planet</title>'
            f"<link>{self.server.base}/</link><description>News</description>{items}"
            "</channel></rss>"
        ).encode()
        self._send(
            200, body, "application/rss+xml", ETag=etag, Last_Modified=formatdate(usegmt=True)
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    base: str
    feed: FeedState

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the fetcher hangs up on huge and dripping pages on purpose


@dataclass
class LocalSite:
    base: str
    feed: FeedState

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def feed_add(self, guid: str) -> None:
        self.feed.entries.append((guid, f"/story/{guid}"))
        self.feed.version += 1


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """The local site; private addresses are NOT allowed by this fixture alone."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.feed = FeedState()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalSite(base=server.base, feed=server.feed)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count 127.0.0.1 (the test server) as public and nothing else, so that a redirect from it
    to a private address meets the real check."""
    from claims import fetch

    real = fetch.address_is_public
    monkeypatch.setattr(
        fetch, "address_is_public", lambda address: str(address) == "127.0.0.1" or real(address)
    )


@pytest.fixture
def local_site(site: LocalSite, settings) -> LocalSite:  # type: ignore[no-untyped-def]
    """The local site, with fetching from private addresses allowed (as tests need)."""
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    return site
