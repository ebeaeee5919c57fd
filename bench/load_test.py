"""Load test: 50 reviewers for 60 seconds against gunicorn, PostgreSQL, Redis and 2 Celery workers.

    python bench/load_test.py [--reviewers 50] [--seconds 60] [--articles 20] [--port 8765]

Everything runs on loopback. The bench drops and creates its own PostgreSQL database
(``factcheck_load`` on postgres://postgres@127.0.0.1:5432 unless LOAD_DATABASE_URL says otherwise;
never the one DATABASE_URL names), empties Redis database 9 only (``FLUSHDB``; never another
database), migrates, collects static files (into the git-ignored ``staticfiles/``, as the
Dockerfile does), and creates the reviewer accounts and a read-write API token. It then starts
gunicorn (3 gthread workers, 4 threads each), two ``celery -A factcheck worker --concurrency 1``
processes (the second with ``--beat``, which runs the sweep), all with ``DEBUG=false``, ingests a
few articles and waits until they are split into claims.

Then, for ``--seconds``, each simulated reviewer (a thread with its own ``requests.Session``, logged
in through /accounts/login/ with the form's CSRF token) loops with no think time: the queue page,
POST /claims/next/ (the claim it leases), the claim page, and the verdict form (one in ten times
Skip instead). Meanwhile another thread ingests a new article through POST /api/v1/articles/
every 2 seconds. Every response's status and latency is recorded per endpoint.

Afterwards it waits for the articles to be split and checks: no 5xx and no failed request; every
verdict the client saw saved is in the database exactly once (by claim and reviewer), and nothing
else is; no claim has two current verdicts; no claim was judged by two reviewers, and no claim was
held by two reviewers at once (from the leases the client was handed); every ingested article
ends ``split``. It prints requests per second, p50/p95/p99 per endpoint and the checks, exits 1 if
a check failed, and stops every process it started, on Ctrl-C and on errors too.
"""

import argparse
import math
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/factcheck_load"
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 9
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


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--articles", type=int, default=20, help="ingested and split beforehand")
    parser.add_argument("--ingest-every", type=float, default=2.0, help="seconds between ingests")
    parser.add_argument("--skip-rate", type=float, default=0.1, help="share of claims skipped")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--split-timeout", type=float, default=300, help="seconds to wait")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    return parser.parse_args()


# --- Setup: database, Redis, Django ---------------------------------------------------------------


def database_url() -> str:
    url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"LOAD_DATABASE_URL must be on loopback, not {host}.")
    if url == os.environ.get("DATABASE_URL"):
        sys.exit("LOAD_DATABASE_URL must name a database of its own: the bench drops it.")
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


def redis_flush() -> None:
    import redis

    # Database 9 only: FLUSHDB, never FLUSHALL.
    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=5).flushdb()


def child_environment(url: str) -> dict[str, str]:
    redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": redis_url,
        # Throttle and login-attempt counts shared by the web processes, as in production.
        "REDIS_CACHE_URL": redis_url,
        "FACTCHECK_VAR_DIR": str(VAR),
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


def article_text(copy: int, base: str) -> tuple[str, str]:
    """The sample with its names (capitalised words seen inside a sentence: people, places,
    organisations) renamed wherever they occur, and its numbers shifted."""
    names = set(re.findall(r"(?<=[a-z,;’] )[A-Z][a-z]+", base))
    pattern = r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b"
    text = re.sub(pattern, lambda m: invented_name(m.group(), copy), base)
    text = re.sub(r"\d+", lambda m: str(int(m.group()) + copy), text)
    return f"Load test copy {copy}", f"Copy {copy} of the load test sample.\n\n{text}"


# --- Processes ------------------------------------------------------------------------------------


@dataclass
class Processes:
    env: dict[str, str]
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, command: list[str]) -> None:
        log = open(VAR / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        # A session of its own: Ctrl-C reaches the bench, which stops the children itself.
        self.running[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def check(self) -> None:
        for name, proc in self.running.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {VAR / name}.log")

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


def start_stack(procs: Processes, args: argparse.Namespace) -> None:
    python = sys.executable
    procs.start(
        "gunicorn",
        [python, "-m", "gunicorn", "factcheck.wsgi:application",
         "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.web_workers),
         "--worker-class", "gthread", "--threads", str(args.web_threads),
         "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning",
         # Longer than any pause between a client's requests (gunicorn's default is 2 s): a
         # client reusing a connection the server is closing gets a reset, not an answer.
         "--keep-alive", "30"],
    )  # fmt: skip
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


# --- Recording ------------------------------------------------------------------------------------


@dataclass
class Recorder:
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    recording: bool = False

    def request(
        self, session: requests.Session, endpoint: str, method: str, url: str, **kwargs: Any
    ) -> requests.Response | None:
        start = time.perf_counter()
        try:
            response = session.request(method, url, allow_redirects=False, timeout=60, **kwargs)
            status = str(response.status_code)
        except requests.RequestException as exc:
            response, status = None, f"error: {type(exc).__name__}"
        elapsed = time.perf_counter() - start
        if self.recording:
            with self.lock:
                self.samples[endpoint].append(elapsed)
                self.statuses[endpoint][status] += 1
        return response


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- Simulated users ------------------------------------------------------------------------------


@dataclass
class Ledger:
    """What the clients saw: verdicts saved, leases handed out, articles ingested."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    verdicts: Counter[tuple[int, str]] = field(default_factory=Counter)
    uncertain: set[tuple[int, str]] = field(default_factory=set)
    # claim -> [(reviewer, held from, held until)]
    holds: dict[int, list[tuple[str, float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    articles: list[int] = field(default_factory=list)
    ingest_failures: list[str] = field(default_factory=list)


def login(base: str, username: str, recorder: Recorder) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    page = recorder.request(session, "GET /accounts/login/", "GET", f"{base}/accounts/login/")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text if page else "")
    if match is None:
        raise RuntimeError(f"{username}: no CSRF token on the login page")
    response = recorder.request(
        session, "POST /accounts/login/", "POST", f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match[1],
              "next": "/"},
    )  # fmt: skip
    if response is None or response.status_code != 302:
        code = response.status_code if response is not None else "no answer"
        raise RuntimeError(f"{username}: login answered {code}")
    return session


def claim_from(response: requests.Response | None) -> int | None:
    if response is None or response.status_code != 302:
        return None
    match = CLAIM_URL.match(urlsplit(response.headers.get("Location", "")).path)
    return int(match[1]) if match else None


def reviewer_loop(
    base: str,
    username: str,
    session: requests.Session,
    recorder: Recorder,
    ledger: Ledger,
    stop: threading.Event,
    skip_rate: float,
) -> None:
    rng = random.Random(username)
    held: tuple[int, float] | None = None  # the claim this reviewer was handed, and since when

    def handed(response: requests.Response | None) -> None:
        nonlocal held
        claim = claim_from(response)
        if claim is not None and (held is None or held[0] != claim):
            held = (claim, time.monotonic())

    def let_go(claim: int, until: float) -> None:
        # Held from the answer that handed it over until the request giving it back was sent:
        # the server leased it before the first and cannot release it before the second.
        nonlocal held
        if held and held[0] == claim:
            with ledger.lock:
                ledger.holds[claim].append((username, held[1], until))
            held = None

    while not stop.is_set():
        csrf = session.cookies.get("csrftoken", "")
        recorder.request(session, "GET / (queue)", "GET", f"{base}/")
        response = recorder.request(
            session, "POST /claims/next/", "POST", f"{base}/claims/next/",
            data={"csrfmiddlewaretoken": csrf},
        )  # fmt: skip
        handed(response)
        claim = claim_from(response)
        if claim is None:
            stop.wait(0.5)  # the queue is empty: look again shortly
            continue
        recorder.request(session, "GET /claims/<id>/", "GET", f"{base}/claims/{claim}/")
        sent = time.monotonic()
        if rng.random() < skip_rate:
            response = recorder.request(
                session, "POST /claims/<id>/skip/", "POST", f"{base}/claims/{claim}/skip/",
                data={"csrfmiddlewaretoken": csrf},
            )  # fmt: skip
            let_go(claim, sent)
            handed(response)
            continue
        rating = rng.choice(RATINGS)
        response = recorder.request(
            session, "POST /claims/<id>/ (verdict)", "POST", f"{base}/claims/{claim}/",
            data={"csrfmiddlewaretoken": csrf, "rating": rating, "evidence_urls": "",
                  "explanation": f"Load test: {username} rates claim {claim} {rating}."},
        )  # fmt: skip
        let_go(claim, sent)
        with ledger.lock:
            if response is None:
                ledger.uncertain.add((claim, username))  # may or may not have been saved
            elif response.status_code == 302:
                ledger.verdicts[(claim, username)] += 1
        handed(response)


def ingest_session(key: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"Token {key}"
    return session


def ingest_one(
    base: str, session: requests.Session, recorder: Recorder, ledger: Ledger, copy: int
) -> None:
    title, body = article_text(copy, SAMPLE.read_text())
    response = recorder.request(
        session, "POST /api/v1/articles/", "POST", f"{base}/api/v1/articles/",
        json={"title": title, "body": body, "source": "Load test"},
    )  # fmt: skip
    with ledger.lock:
        if response is not None and response.status_code == 201:
            ledger.articles.append(response.json()["id"])
        else:
            code = response.status_code if response is not None else "no answer"
            ledger.ingest_failures.append(f"copy {copy}: {code}")


def ingest_loop(
    base: str,
    key: str,
    recorder: Recorder,
    ledger: Ledger,
    stop: threading.Event,
    every: float,
    first_copy: int,
) -> None:
    session = ingest_session(key)
    copy = first_copy
    while not stop.is_set():
        ingest_one(base, session, recorder, ledger, copy)
        copy += 1
        stop.wait(every)


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


def verdict_checks(ledger: Ledger, reviewers: list[str]) -> list[tuple[str, bool, str]]:
    from django.db.models import Count

    from claims.models import Verdict

    rows = Verdict.objects.filter(reviewer__username__in=reviewers)
    stored = Counter(rows.values_list("claim_id", "reviewer__username"))
    seen = ledger.verdicts
    lost = {pair: n for pair, n in seen.items() if stored[pair] < n}
    extra = {
        pair: n
        for pair, n in stored.items()
        if n > seen.get(pair, 0) and not (pair in ledger.uncertain and n - seen.get(pair, 0) == 1)
    }
    two_current = list(
        Verdict.objects.filter(is_current=True)
        .values("claim_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("claim_id", flat=True)
    )
    judges: dict[int, set[str]] = defaultdict(set)
    for claim_id, username in stored:
        judges[claim_id].add(username)
    two_judges = sorted(c for c, who in judges.items() if len(who) > 1)
    overlaps = []
    for claim_id, holds in ledger.holds.items():
        for i, (a, a_from, a_to) in enumerate(holds):
            for b, b_from, b_to in holds[i + 1 :]:
                if a != b and a_from < b_to and b_from < a_to:
                    overlaps.append(claim_id)
    saved = sum(seen.values())
    return [
        (f"every verdict the client saw saved is stored ({saved})", not lost, f"lost: {lost}"),
        ("no verdict stored twice or unseen", not extra, f"extra: {extra}"),
        ("no claim has two current verdicts", not two_current, f"claims: {two_current}"),
        ("no claim judged by two reviewers", not two_judges, f"claims: {two_judges[:20]}"),
        ("no claim held by two reviewers at once", not overlaps, f"claims: {overlaps[:20]}"),
    ]


# --- Main -----------------------------------------------------------------------------------------


@contextmanager
def interrupted_as_exit() -> Iterator[None]:
    """SIGTERM ends the bench like Ctrl-C: through the ``finally`` that stops the processes."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    # Also when started in the background by a shell, which makes SIGINT ignored.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def main() -> int:
    args = parse_args()
    url = database_url()
    base = f"http://127.0.0.1:{args.port}"
    VAR.mkdir(parents=True, exist_ok=True)
    env = child_environment(url)
    procs = Processes(env)
    stop = threading.Event()
    with interrupted_as_exit():
        try:
            return run(args, url, base, env, procs, stop)
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            return 130
        finally:
            stop.set()
            print("Stopping gunicorn and the workers...", flush=True)
            procs.stop()
            with suppress(Exception):
                redis_flush()
            if args.drop:
                from django.db import connections

                connections.close_all()
                recreate_database(url, drop_only=True)


def run(
    args: argparse.Namespace,
    url: str,
    base: str,
    env: dict[str, str],
    procs: Processes,
    stop: threading.Event,
) -> int:
    print(f"Database {urlsplit(url).path.lstrip('/')} (re)created; Redis db {REDIS_DB} emptied.")
    recreate_database(url)
    redis_flush()
    django_setup(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    reviewers, key = create_accounts(args.reviewers)
    start_stack(procs, args)
    wait_for_web(base, procs)
    print(f"gunicorn on {base}, 2 workers; ingesting {args.articles} articles...", flush=True)

    recorder, ledger, pre = Recorder(), Ledger(), Ledger()
    session = ingest_session(key)
    for copy in range(args.articles):
        ingest_one(base, session, recorder, pre, copy)
    if pre.ingest_failures or len(pre.articles) != args.articles:
        raise RuntimeError(f"pre-ingest failed: {pre.ingest_failures}")
    statuses = wait_for_split(pre.articles, procs, args.split_timeout)
    print(f"Pre-ingested articles: {statuses}", flush=True)

    sessions = {}
    for username in reviewers:
        sessions[username] = login(base, username, recorder)
    print(f"{len(sessions)} reviewers logged in; running for {args.seconds:.0f} s...", flush=True)

    recorder.recording = True
    threads = [
        threading.Thread(
            target=reviewer_loop,
            args=(base, name, session, recorder, ledger, stop, args.skip_rate),
            daemon=True,
        )
        for name, session in sessions.items()
    ]
    threads.append(
        threading.Thread(
            target=ingest_loop,
            args=(base, key, recorder, ledger, stop, args.ingest_every, args.articles),
            daemon=True,
        )
    )
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - started < args.seconds:
        procs.check()
        time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    elapsed = time.monotonic() - started
    recorder.recording = False
    return report(args, recorder, ledger, pre, reviewers, procs, elapsed)


def report(
    args: argparse.Namespace,
    recorder: Recorder,
    ledger: Ledger,
    pre: Ledger,
    reviewers: list[str],
    procs: Processes,
    elapsed: float,
) -> int:
    total = sum(len(v) for v in recorder.samples.values())
    print(
        f"\n{args.reviewers} reviewers + 1 ingester, {elapsed:.1f} s: {total} requests, "
        f"{total / elapsed:.1f} requests/s\n"
    )
    print(
        f"{'endpoint':32} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses"
    )
    for endpoint, values in recorder.samples.items():
        answers = ", ".join(f"{s}: {n}" for s, n in sorted(recorder.statuses[endpoint].items()))
        print(
            f"{endpoint:32} {len(values):6d} {percentile(values, 50) * 1000:8.0f} "
            f"{percentile(values, 95) * 1000:8.0f} {percentile(values, 99) * 1000:8.0f} "
            f"{max(values) * 1000:8.0f}  {answers}"
        )
    server_errors = sum(
        n for counts in recorder.statuses.values() for s, n in counts.items() if s[0] in "5e"
    )
    print(
        f"\nWaiting for the {len(ledger.articles)} articles ingested during the run to be split..."
    )
    articles = pre.articles + ledger.articles
    statuses = wait_for_split(articles, procs, args.split_timeout)
    from claims.models import Article

    checks = [
        ("no 5xx and no failed request", server_errors == 0, f"{server_errors} of them"),
        *verdict_checks(ledger, reviewers),
        (
            f"every ingested article ({len(articles)}) ends split",
            statuses.get(Article.Status.SPLIT, 0) == len(articles) and not ledger.ingest_failures,
            f"statuses {statuses}, ingest failures {ledger.ingest_failures}",
        ),
    ]
    print()
    for name, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {name}" + ("" if ok else f": {detail}"))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
