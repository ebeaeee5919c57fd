"""The load test's stage: its own PostgreSQL database and Redis database, the accounts and token,
the articles it ingests, and the gunicorn and Celery processes it starts and always stops.

Used by bench/load_test.py; not a bench of its own."""

import argparse
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_load"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Database 9 unless LOAD_REDIS_DB names another (two load tests on one machine need two).
REDIS_DB = int(os.environ.get("LOAD_REDIS_DB", "9"))
SAMPLE = ROOT / "claims" / "sample" / "patriot-article.txt"
VAR = ROOT / "var" / "load"
PASSWORD = "load-test-" + secrets.token_hex(8)
RATINGS = ("true", "mostly_true", "mixed", "mostly_false", "false", "misleading", "unverifiable")
CLAIM_URL = re.compile(r"^/claims/(\d+)/$")

# Each copy of the sample article gets its own names and numbers, so its claims are new claims,
# not duplicates of the first copy's (which the queue would hide).
SYLLABLES = ("ka", "lo", "mi", "ren", "ta", "vo", "zu", "an", "bel", "dor", "fi", "gra", "hu", "ju")


def invented_name(word: str, copy: int) -> str:
    rng = random.Random(f"{word}/{copy}")
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


# --- Setup: database, Redis, Django ---------------------------------------------------------------


def database_url(variable: str = "LOAD_DATABASE_URL", default: str = DEFAULT_DATABASE_URL) -> str:
    """The bench's own database: ``variable`` from the environment, else ``default``."""
    url = os.environ.get(variable, default)
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"{variable} must be on loopback, not {host}.")
    if url == os.environ.get("DATABASE_URL"):
        sys.exit(f"{variable} must name a database of its own: the bench drops it.")
    return url


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"\w+", name):
        sys.exit(f"Unexpected database name {name!r}.")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def redis_flush(db: int = REDIS_DB) -> None:
    import redis

    # The bench's own database only: FLUSHDB, never FLUSHALL.
    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=5).flushdb()


def child_environment(url: str, *, redis_db: int = REDIS_DB, var: Path = VAR) -> dict[str, str]:
    redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": redis_url,
        # Throttle and login-attempt counts shared by the web processes, as in production.
        "REDIS_CACHE_URL": redis_url,
        "FACTCHECK_VAR_DIR": str(var),
        # Production settings, minus what plain HTTP on loopback cannot do (TLS, secure cookies).
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def create_accounts(reviewers: int) -> tuple[list[str], str]:
    """The reviewers (one password, hashed once) and a read-write token for ingesting."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, Permission

    from claims import services
    from claims.roles import roles_ensure

    roles_ensure(group_model=Group, permission_model=Permission)
    group = Group.objects.get(name="Reviewer")
    user_model = get_user_model()
    hashed = make_password(PASSWORD)
    names = [f"load{i:02d}" for i in range(reviewers)]
    users = user_model.objects.bulk_create(
        [user_model(username=name, password=hashed) for name in [*names, "load-ingest"]]
    )
    group.user_set.add(*users)
    _, key = services.api_token_create(user=users[-1], name="load test ingest", read_only=False)
    return names, key


def distinct_text(copy: int, base: str) -> str:
    """``base`` with its names (capitalised words seen inside a sentence: people, places,
    organisations) renamed wherever they occur, and its numbers shifted: copy 0 is ``base``."""
    if copy == 0:
        return base
    names = set(re.findall(r"(?<=[a-z,;’] )[A-Z][a-z]+", base))
    text = base
    if names:
        pattern = r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b"
        text = re.sub(pattern, lambda m: invented_name(m.group(), copy), text)
    return re.sub(r"\d+", lambda m: str(int(m.group()) + copy), text)


def article_text(copy: int, base: str) -> tuple[str, str]:
    """A copy of the sample whose claims are new claims (see ``distinct_text``)."""
    text = distinct_text(copy, base)
    return f"Load test copy {copy}", f"Copy {copy} of the load test sample.\n\n{text}"


# --- Processes ------------------------------------------------------------------------------------


@dataclass
class Processes:
    env: dict[str, str]
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    var: Path = VAR  # where the logs go

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.var / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        # A session of its own: Ctrl-C reaches the bench, which stops the children itself.
        self.running[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def check(self) -> None:
        for name, proc in self.running.items():
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.returncode}; see {self.var / name}.log"
                )

    def cpu_seconds(self, name: str) -> float:
        """CPU (user + system) used so far by a process and its children: those running now and
        those it has reaped (gunicorn's master and its workers, even a worker it replaced)."""
        return cpu_seconds_tree(self.running[name].pid)

    def stop(self) -> None:
        for proc in self.running.values():
            if proc.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.running.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def start_web(procs: Processes, *, port: int, workers: int, threads: int) -> None:
    procs.start(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", str(threads),
         "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning",
         # Longer than any pause between a client's requests (gunicorn's default is 2 s): a
         # client reusing a connection the server is closing gets a reset, not an answer.
         "--keep-alive", "30"],
    )  # fmt: skip


def start_stack(procs: Processes, args: argparse.Namespace) -> None:
    python = sys.executable
    start_web(procs, port=args.port, workers=args.web_workers, threads=args.web_threads)
    for i in (1, 2):
        command = [python, "-m", "celery", "-A", "factcheck", "worker", "--concurrency", "1",
                   "--loglevel", "WARNING", "--hostname", f"load{i}@%h",
                   "--without-mingle", "--without-gossip"]  # fmt: skip
        if i == 2:
            command += ["--beat", "--schedule", str(VAR / "celerybeat-schedule")]
        procs.start(f"worker{i}", command)


def wait_for_web(base: str, procs: Processes, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs.check()
        with suppress(requests.RequestException):
            if requests.get(f"{base}/accounts/login/", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


# --- Checks ---------------------------------------------------------------------------------------


def wait_for_split(article_ids: list[int], procs: Processes, timeout: float) -> dict[str, int]:
    from claims.models import Article

    deadline = time.monotonic() + timeout
    while True:
        procs.check()
        statuses = Counter(
            Article.objects.filter(pk__in=article_ids).values_list("status", flat=True)
        )
        done = statuses.get(Article.Status.SPLIT, 0) + statuses.get(Article.Status.FAILED, 0)
        if done == len(article_ids) or time.monotonic() > deadline:
            return dict(statuses)
        time.sleep(1)


def _proc_stats() -> dict[int, list[str]]:
    """Every process's /proc/<pid>/stat fields after the command name (parent id first)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            # The command name may hold spaces and parentheses: the fields follow the last ")".
            found[int(stat.parent.name)] = stat.read_text().rsplit(")", 1)[1].split()[1:]
    return found


def process_tree(pid: int, stats: dict[int, list[str]] | None = None) -> list[int]:
    """``pid`` and its descendants (gunicorn's workers, a Celery worker's pool)."""
    stats = stats if stats is not None else _proc_stats()
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, fields in stats.items() if int(fields[0]) in frontier]
        tree += frontier
    return tree


def cpu_seconds_tree(pid: int) -> float:
    """User and system CPU seconds ``pid`` and its descendants have used so far, those that
    ended (a Celery pool child replaced after its quota of tasks) included."""
    stats = _proc_stats()
    ticks = os.sysconf("SC_CLK_TCK")
    # utime, stime, cutime, cstime: the 14th to 17th fields of stat, 11th to 14th from the
    # parent id. The c- pair is what ended children used once their parent reaped them.
    return sum(
        sum(int(x) for x in stats[p][10:14]) / ticks for p in process_tree(pid, stats) if p in stats
    )


def rss_tree_mb(pid: int) -> dict[int, float]:
    """VmRSS in MB of ``pid`` and of its children (a Celery worker and its pool), from /proc."""
    tree = process_tree(pid)
    found: dict[int, float] = {}
    for member in tree:
        with suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[member] = int(line.split()[1]) / 1024
    return found


def pss_mb(pid: int) -> float:
    """Proportional set size in MB: pages shared with other processes (a Celery pool child
    shares its parent's) counted once between them, so the PSS of a process tree adds up."""
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0
