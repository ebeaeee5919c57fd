"""Start-up checks in factcheck/settings.py and the Celery wiring it configures."""

import os
import subprocess
import sys
from pathlib import Path

from factcheck.celery import app

REPO = Path(__file__).resolve().parents[2]


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process, as any web, worker or beat process starts."""
    return subprocess.run(
        [sys.executable, "-c", "import factcheck.settings"],
        cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_split_soft_time_limit_not_below_the_split_lease_stops_every_process_at_start_up():
    result = _load_settings(CELERY_TASK_SOFT_TIME_LIMIT="600", FACTCHECK_SPLIT_LEASE_SECONDS="600")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert (
        "CELERY_TASK_SOFT_TIME_LIMIT (600 s) must be below FACTCHECK_SPLIT_LEASE_SECONDS (600 s)"
        in result.stderr
    )


def test_a_soft_time_limit_below_the_lease_starts():
    result = _load_settings(CELERY_TASK_SOFT_TIME_LIMIT="599", FACTCHECK_SPLIT_LEASE_SECONDS="600")
    assert result.returncode == 0, result.stderr


def test_the_sweep_has_a_queue_of_its_own_which_every_worker_reads_by_default():
    route = app.amqp.router.route({}, "workers.sweep_articles")
    assert route["queue"].name == "sweep"
    assert app.amqp.router.route({}, "workers.split_article")["queue"].name == "celery"
    assert app.amqp.router.route({}, "workers.match_claims")["queue"].name == "matching"
    # A worker started without -Q consumes every queue in task_queues.
    assert set(app.amqp.queues) == {"celery", "sweep", "matching"}


def test_a_pool_child_is_replaced_on_its_task_count_or_its_memory_whichever_comes_first():
    assert app.conf.worker_max_tasks_per_child == 2000
    assert app.conf.worker_max_memory_per_child == 600_000  # KiB, under the 700 MB a worker may use
    result = _load_settings(CELERY_WORKER_MAX_MEMORY_PER_CHILD="5000")
    assert result.returncode != 0
    assert "CELERY_WORKER_MAX_MEMORY_PER_CHILD" in result.stderr
