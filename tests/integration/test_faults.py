"""Faults with real processes on loopback: the broker loses its queue, PostgreSQL goes away in the
middle of a split, the broker is down while people submit articles. Each ends with every article
split, its claims stored once. (A worker SIGKILLed mid-split: tests/integration/test_split_worker.py.)

Nothing shared is touched: Redis faults use a redis-server this module starts on a free port, and
PostgreSQL faults cut a TCP relay between the worker and the server, never the server itself."""

import re
import shutil
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection
from rest_framework.test import APIClient

import tests.integration.conftest as integration
from claims.models import Article, AuditEvent, Claim
from factcheck.celery import app
from tests.conftest import skip_or_fail
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
SAMPLE = (
    Path(__file__).resolve().parents[2] / "claims" / "sample" / "patriot-article.txt"
).read_text()
SHORT_ARTICLES = [
    "The council approved 12 new bus lines on Monday, the mayor said.\n\n"
    "Ridership rose by 14 percent in 2023, according to the transport authority.",
    "The hospital opened a new wing with 200 beds on Friday, officials said.\n\n"
    "Waiting times fell by a third last year, the health ministry reported.",
    "Exports of wheat reached 3 million tonnes in March, the agriculture minister said.\n\n"
    "Prices rose by 8 percent compared with the same month last year.",
]


# --- Helpers ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _publishing_to(url: str) -> Iterator[None]:
    """Point this (test) process's task publishing at ``url``, then back at the configured broker."""
    # The configured broker's transport options may not suit this one (SQLAlchemy refuses
    # Redis's visibility_timeout); each transport gets what factcheck/settings.py gives it.
    options = {"connect_args": {"timeout": 30}} if url.startswith("sqla+") else {}
    configured = app.conf.broker_transport_options

    def use(value: str | None, transport_options: dict[str, Any]) -> None:
        # broker_write_url, because Celery lets the CELERY_BROKER_URL variable beat broker_url.
        app.conf.broker_write_url = value
        app.conf.broker_transport_options = transport_options
        # The next publish takes the connection and producer pools for the new URL. (Closing the
        # old pool would break it for good: kombu keeps one pool per URL for the whole process.)
        app._pool = None
        app.amqp._producer_pool = None

    use(url, options)
    try:
        yield
    finally:
        use(None, configured)


def _ingest(user: Any, body: str, title: str = "") -> int:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post("/api/v1/articles/", {"title": title, "body": body}, format="json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _statuses(ids: list[int]) -> list[str]:
    found = dict(Article.objects.filter(pk__in=ids).values_list("pk", "status"))
    return [found[pk] for pk in ids]


def _all_split(ids: list[int]) -> bool:
    statuses = _statuses(ids)
    assert "failed" not in statuses, Article.objects.filter(pk__in=ids).values("failure_reason")
    return statuses == ["split"] * len(ids)


def _assert_claims_stored_once(article_id: int) -> None:
    spans = list(Claim.objects.filter(article_id=article_id).values_list("start", "end", "text"))
    assert spans, f"article {article_id} has no claims"
    assert len(spans) == len(set(spans))
    assert AuditEvent.objects.filter(article_id=article_id, action="split").count() == 1


def _requeued_by_sweep(article_id: int) -> bool:
    return AuditEvent.objects.filter(article_id=article_id, action="requeue").exists()


class RedisServer:
    """A throwaway redis-server of our own: no persistence, so a restart empties it."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.client = redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=2)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory),
             "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, timeout=15, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        with suppress(redis.RedisError):
            return bool(self.client.ping())
        return False

    def kill(self) -> None:
        """SIGKILL, as when the machine running Redis goes down: the queue is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.client.connection_pool.disconnect()

    def pending(self) -> int:
        return int(self.client.llen("celery"))


@pytest.fixture
def own_redis(tmp_path: Path, settings: Any) -> Iterator[RedisServer]:
    """A redis-server for this test alone; the workers and this process's publishing use it.

    Request it before ``start_worker`` so the workers stop before it does."""
    if not Path(REDIS_SERVER).exists():
        skip_or_fail("redis-server is not installed (Debian package redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url
    try:
        with _publishing_to(server.url):
            yield server
    finally:
        server.kill()


class EmbeddedBroker:
    """The embedded SQLite broker, in a file of this test's own."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "broker.sqlite3"
        self.url = f"sqla+sqlite:///{self.path}"

    def pending(self) -> int:
        with sqlite3.connect(self.path, timeout=30) as db:
            (count,) = db.execute("SELECT count(*) FROM kombu_message WHERE visible = 1").fetchone()
            return int(count)

    def lose_pending(self) -> int:
        """Delete the messages not yet delivered: what a lost queue looks like on this broker."""
        with sqlite3.connect(self.path, timeout=30) as db:
            return db.execute("DELETE FROM kombu_message WHERE visible = 1").rowcount


@pytest.fixture
def own_embedded_broker(tmp_path: Path, settings: Any) -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(tmp_path)
    settings.CELERY_BROKER_URL = broker.url
    with _publishing_to(broker.url):
        yield broker


class TcpRelay:
    """A loopback TCP relay (threads, no dependency) that can be cut and restored.

    Cut: every relayed connection is dropped at once and new ones are closed on arrival, which is
    how a database behind a failed network looks to its clients. ``refused`` counts the
    connections that arrived while cut, i.e. the clients' attempts to come back."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = int(self.listener.getsockname()[1])
        self.refused = 0
        self._up = True
        self._stopped = False
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._serve, name="tcp-relay", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopped:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up:
                with self._lock:
                    self.refused += 1
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open |= {client, server}
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        with suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        self._drop(src, dst)

    def _drop(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self._lock:
                self._open.discard(sock)
            with suppress(OSError):
                # shutdown, not just close: it wakes the other pipe thread blocked in recv().
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def cut(self) -> None:
        self._up = False
        with self._lock:
            sockets = list(self._open)
        self._drop(*sockets)

    def restore(self) -> None:
        self._up = True

    def stop(self) -> None:
        self._stopped = True
        self.cut()
        self.listener.close()
        self._thread.join(timeout=5)


@pytest.fixture
def relayed_postgres(monkeypatch: pytest.MonkeyPatch) -> Iterator[TcpRelay]:
    """Workers reach the test database through a relay the test can cut."""
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        skip_or_fail(
            "PostgreSQL-only: this fault cuts a TCP connection to the database server "
            "(SQLite has none); set DATABASE_URL=postgres://..."
        )
    relay = TcpRelay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    direct = integration.worker_database_url()
    relayed = re.sub(r"@[^/]+/", f"@127.0.0.1:{relay.port}/", direct, count=1)
    monkeypatch.setattr(integration, "worker_database_url", lambda: relayed)
    # Short backoff so the retries fit the test's patience (production: 2 s doubling to 120 s).
    monkeypatch.setenv("FACTCHECK_SPLIT_RETRY_BACKOFF", "1")
    monkeypatch.setenv("FACTCHECK_SPLIT_RETRY_BACKOFF_MAX", "2")
    yield relay
    relay.stop()


def _log_shows(worker: Any, pattern: str) -> Callable[[], bool]:
    return lambda: re.search(pattern, worker.log.read_text(errors="replace")) is not None


RETRY_ON_DB_ERROR = r"retry: Retry in \d+s: (OperationalError|InterfaceError)"


# --- The broker loses its queue ---------------------------------------------------------------


def test_articles_waiting_when_redis_restarts_empty_are_all_split(
    own_redis, start_worker, reviewer
):
    ids = [_ingest(reviewer, body) for body in SHORT_ARTICLES]
    assert own_redis.pending() == len(ids)

    own_redis.kill()
    own_redis.start()
    assert own_redis.pending() == 0
    assert _statuses(ids) == ["queued"] * len(ids)

    # The database remembers what the broker forgot: the sweep sends the lost splits again.
    worker = start_worker(beat=True)
    wait_for(lambda: _all_split(ids), timeout=180, what="the sweep to re-queue the lost splits")
    for article_id in ids:
        assert _requeued_by_sweep(article_id)
        _assert_claims_stored_once(article_id)

    # A restart under a running worker: the worker and this process both reconnect.
    own_redis.kill()
    own_redis.start()
    later = _ingest(reviewer, SAMPLE, title="After the restart")
    wait_for(lambda: _all_split([later]), timeout=180, what="a split after the second restart")
    _assert_claims_stored_once(later)
    assert worker.proc.poll() is None


def test_articles_waiting_when_the_embedded_broker_loses_its_messages_are_all_split(
    own_embedded_broker, start_worker, reviewer
):
    ids = [_ingest(reviewer, body) for body in SHORT_ARTICLES]
    assert own_embedded_broker.pending() == len(ids)

    assert own_embedded_broker.lose_pending() == len(ids)
    assert own_embedded_broker.pending() == 0

    start_worker(beat=True)
    wait_for(lambda: _all_split(ids), timeout=180, what="the sweep to re-queue the lost splits")
    for article_id in ids:
        assert _requeued_by_sweep(article_id)
        _assert_claims_stored_once(article_id)


# --- PostgreSQL goes away during a split ------------------------------------------------------


def _long_article() -> str:
    # Long enough that the cut lands while the worker is still parsing.
    return "\n\n".join(f"Edition {n}.\n\n{SAMPLE}" for n in range(8))


def test_a_split_retries_while_postgresql_is_unreachable_and_finishes_when_it_returns(
    relayed_postgres, start_worker, reviewer
):
    worker = start_worker()
    article_id = _ingest(reviewer, _long_article(), title="Long Patriot")
    wait_for(
        lambda: _statuses([article_id]) == ["splitting"],
        timeout=90, what="the split to start", interval=0.02,
    )  # fmt: skip

    relayed_postgres.cut()
    # Down until the worker has failed to write and has come back at least once to a dead server.
    wait_for(_log_shows(worker, RETRY_ON_DB_ERROR), timeout=120, what="the split to fail and retry")
    wait_for(lambda: relayed_postgres.refused >= 1, timeout=60, what="a retry to find it down")
    assert _statuses([article_id]) == ["splitting"]
    relayed_postgres.restore()

    wait_for(lambda: _all_split([article_id]), timeout=180, what="the retried split")
    _assert_claims_stored_once(article_id)
    article = Article.objects.get(pk=article_id)
    assert article.failure_reason == ""
    # The task's own retries finished the job; there was no sweep in this test to help.
    assert not _requeued_by_sweep(article_id)


def test_a_split_whose_retries_run_out_during_an_outage_is_finished_by_the_sweep(
    relayed_postgres, start_worker, reviewer
):
    worker = start_worker(beat=True)
    article_id = _ingest(reviewer, _long_article(), title="Long Patriot")
    wait_for(
        lambda: _statuses([article_id]) == ["splitting"],
        timeout=90, what="the split to start", interval=0.02,
    )  # fmt: skip

    relayed_postgres.cut()
    # Down until the task has used all its retries and given up.
    wait_for(
        _log_shows(worker, r"split_article\[[\w-]+\] raised unexpected: (OperationalError|InterfaceError)"),
        timeout=180, what="the task to give up after its retries",
    )  # fmt: skip
    assert _statuses([article_id]) == ["splitting"]
    relayed_postgres.restore()

    # Not left "splitting" forever: once its lease runs out, the sweep sends it again.
    wait_for(lambda: _all_split([article_id]), timeout=180, what="the sweep's re-queued split")
    _assert_claims_stored_once(article_id)
    assert _requeued_by_sweep(article_id)


# --- The broker is down while people submit articles ------------------------------------------


def test_articles_submitted_while_the_broker_is_down_are_stored_queued_and_split_later(
    own_redis, start_worker, reviewer, client
):
    own_redis.kill()

    client.force_login(reviewer)
    page = client.post(
        "/articles/new/", {"title": "From the form", "body": SHORT_ARTICLES[0]}, follow=True
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Article stored and queued for splitting into claims." in html
    assert "Queued" in html
    from_form = page.context["article"].pk

    api = APIClient()
    api.force_authenticate(reviewer)
    response = api.post("/api/v1/articles/", {"body": SHORT_ARTICLES[1]}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "queued"
    from_api = int(response.json()["id"])

    ids = [from_form, from_api]
    assert _statuses(ids) == ["queued", "queued"]
    own_redis.start()
    assert own_redis.pending() == 0  # nothing was sent while it was down

    start_worker(beat=True)
    wait_for(lambda: _all_split(ids), timeout=180, what="the sweep to send the stored articles")
    for article_id in ids:
        assert _requeued_by_sweep(article_id)
        _assert_claims_stored_once(article_id)
