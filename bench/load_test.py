"""Load test: 50 reviewers for 60 seconds against gunicorn, PostgreSQL, Redis and 2 Celery workers.

    python bench/load_test.py [--reviewers 50] [--seconds 60] [--articles 20] [--port 8765]

Everything runs on loopback. The bench drops and creates its own PostgreSQL database
(``factcheck_load`` on postgres://postgres@127.0.0.1:5432 unless LOAD_DATABASE_URL says otherwise;
never the one DATABASE_URL names), empties Redis database 9 (or LOAD_REDIS_DB) only
(``FLUSHDB``; never another database), migrates, collects static files (into the git-ignored
``staticfiles/``, as the Dockerfile does), and creates the reviewer accounts and a read-write API token. It then starts
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
ends ``split``. It prints requests per second, p50/p95/p99 per endpoint, the web side's CPU per
request (CPU seconds of gunicorn's master and workers, from /proc, over the requests answered
while the clients ran) and the checks, writes them to ``bench/results/load_test.json``, exits 1 if
a check failed, and stops every process it started, on Ctrl-C and on errors too.
LOAD_REDIS_DB picks another Redis database than 9.
"""

import argparse
import os
import random
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _load_report import Ledger, Recorder, ServerCpu, report, run_for  # noqa: E402
from _load_setup import (  # noqa: E402
    CLAIM_URL,
    PASSWORD,
    RATINGS,
    REDIS_DB,
    SAMPLE,
    VAR,
    Processes,
    article_text,
    child_environment,
    create_accounts,
    database_url,
    django_setup,
    recreate_database,
    redis_flush,
    start_stack,
    wait_for_split,
    wait_for_web,
)


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

    load_before = os.getloadavg()
    cpu_before = procs.cpu_seconds("gunicorn")
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
    elapsed = run_for(threads, seconds=args.seconds, procs=procs, stop=stop, recorder=recorder)
    server = ServerCpu(procs.cpu_seconds("gunicorn") - cpu_before, load_before, os.getloadavg())
    return report(args, recorder, ledger, pre, reviewers, procs, elapsed, server)


if __name__ == "__main__":
    sys.exit(main())
