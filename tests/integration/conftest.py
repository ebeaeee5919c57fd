"""Real Celery worker processes against the test database and the configured broker."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import skip_or_fail

REPO = Path(__file__).resolve().parents[2]

# Short timings so the sweep's recovery shows within a test's patience.
WORKER_TIMINGS = {
    "FACTCHECK_SPLIT_LEASE_SECONDS": "60",
    # Below the lease, as settings insist, and long enough for a first split (which loads the
    # model) on a busy machine.
    "CELERY_TASK_SOFT_TIME_LIMIT": "50",
    "CELERY_TASK_TIME_LIMIT": "55",
    "FACTCHECK_QUEUED_TIMEOUT_SECONDS": "4",
    "FACTCHECK_SWEEP_INTERVAL_SECONDS": "1",
    "CELERY_EMBEDDED_POLLING_INTERVAL": "0.2",
}


def wait_for(
    predicate: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.2
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def worker_database_url() -> str:
    """The URL of the database pytest-django created, for the worker processes."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith("postgresql"):
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    raise RuntimeError(f"no worker URL for {db['ENGINE']}")


def _check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            skip_or_fail(f"Redis at {url} is not reachable ({exc})")


class Worker:
    def __init__(
        self, log: Path, *, beat: bool, app: str = "factcheck", env: dict[str, str] | None = None
    ) -> None:
        self.log = log
        extra_env = env or {}
        env = {
            **os.environ,
            **WORKER_TIMINGS,
            **extra_env,
            "DATABASE_URL": worker_database_url(),
            "FACTCHECK_VAR_DIR": str(settings.VAR_DIR),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "PYTHONUNBUFFERED": "1",
        }
        cmd = [
            sys.executable, "-m", "celery", "-A", app, "worker", "--loglevel", "INFO",
            "--concurrency", "1", "--pool", "prefork", "--without-gossip", "--without-mingle",
            "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        if beat:
            cmd += ["--beat", "--schedule", str(log.with_suffix(".beat"))]
        self._log_handle = log.open("wb")
        # Its own process group, so a SIGKILL takes the pool children with it, like a lost machine.
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=self._log_handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(self._ready, timeout=90, what=f"the worker to start (log: {log})")

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"worker exited early:\n{self.log.read_text()[-3000:]}")
        return " ready." in self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole worker, pool children included."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log_handle.close()


@pytest.fixture
def start_worker(transactional_db: None, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start real ``celery -A factcheck worker`` processes; all are stopped at the end."""
    _check_broker()
    from factcheck.celery import app

    app.control.purge()  # messages left by an earlier test would race this one
    workers: list[Worker] = []

    def start(
        *, beat: bool = False, app: str = "factcheck", env: dict[str, str] | None = None
    ) -> Worker:
        """``app``: the Celery app module (a test may wrap the project's); ``env``: overrides."""
        worker = Worker(tmp_path / f"worker{len(workers)}.log", beat=beat, app=app, env=env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.control.purge()
