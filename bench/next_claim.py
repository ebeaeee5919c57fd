""" "Next claim" with 20 reviewers at once: gunicorn on PostgreSQL, the latency of
``POST /claims/next/``, and a check that no claim is ever leased to two reviewers at once.

    python bench/next_claim.py [--reviewers 20] [--seconds 30] [--think 1.0] [--claims 100000]
                               [--quick]

The bench fills a database of its own (``factcheck_next``, or NEXT_DATABASE_URL; dropped and made
again each run, never the one DATABASE_URL names) with ``--claims`` claims as
bench/admin_changelist.py makes them (70% open), empties Redis database 13 (``FLUSHDB``; the web
processes count throttles and login attempts there, as in production) and starts gunicorn as the
load test does (3 gthread workers, 4 threads each, ``DEBUG=false``). No Celery worker: leasing
sends no task.

Each reviewer is a thread with its own ``requests.Session``, logged in through the login form,
looping: ``POST /claims/next/`` (the claim it is handed), a pause of ``--think`` seconds on
average (uniform from 0 to twice that: reading the claim), then ``POST /claims/<id>/release/``,
or one time in five ``POST /claims/<id>/skip/``, whose answer hands the next claim at once (timed
as its own endpoint). A released claim goes back to the top of the queue, so the reviewers keep
asking for the same few rows: the worst case for the row locks (``SELECT ... FOR UPDATE SKIP
LOCKED``) that keep two of them from getting one claim. ``--think 0`` measures the server
saturated instead (20 requests always waiting for 2 cores): latency is then queueing.

Checks, after the run: no 5xx and no failed request; every ``next`` answered with a claim; no
claim held by two reviewers at once, from the responses (held from the answer that handed it
over until the request giving it back was sent) and from the database (the audit trail of
leases and releases, replayed in order, never leases a claim its holder has not given back);
no reviewer holds two claims at the end. Prints p50/p95/p99 per endpoint and the checks, exits 1
if a check failed, writes ``bench/results/next_claim[-quick].json``. ``--quick`` is the smoke
size CI runs: 20,000 claims, 10 seconds.
"""

import argparse
import json
import os
import random
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import admin_changelist  # noqa: E402
from _load_report import Ledger, Recorder, hold_overlaps, percentile, run_for  # noqa: E402
from _load_setup import (  # noqa: E402
    Processes,
    child_environment,
    cpu_seconds_tree,
    create_accounts,
    database_url,
    django_setup,
    recreate_database,
    redis_flush,
    start_web,
    wait_for_web,
)
from load_test import claim_from, interrupted_as_exit, login  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_next"
REDIS_DB = 13
VAR = ROOT / "var" / "next"
RESULTS = ROOT / "bench" / "results"
NEXT = "POST /claims/next/"
SKIP = "POST /claims/<id>/skip/ (+ next)"
RELEASE = "POST /claims/<id>/release/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds holding a claim")
    parser.add_argument("--skip-rate", type=float, default=0.2, help="share of claims skipped")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--quick", action="store_true", help="20,000 claims, 10 seconds")
    args = parser.parse_args()
    if args.quick:
        args.claims, args.seconds = 20_000, 10
    if args.reviewers < 1 or args.seconds <= 0 or args.think < 0 or args.claims < 1:
        parser.error("--reviewers, --seconds and --claims must be positive, --think >= 0")
    return args


@dataclass
class NextLedger(Ledger):
    nothing_handed: list[str] = field(default_factory=list)  # reviewers "next" gave no claim


def forget_messages(session: requests.Session) -> None:
    """Drop the "Claim #n is back in the queue" notes: a browser shows them on the next page,
    which this client never asks for, and they would pile up in its cookie."""
    for cookie in [c for c in session.cookies if c.name == "messages"]:
        session.cookies.clear(cookie.domain, cookie.path, cookie.name)


def reviewer_loop(
    base: str,
    username: str,
    session: requests.Session,
    recorder: Recorder,
    ledger: NextLedger,
    stop: threading.Event,
    args: argparse.Namespace,
) -> None:
    rng = random.Random(username)
    csrf = session.cookies.get("csrftoken", "")
    claim: int | None = None
    since = 0.0
    handed_out: list[int] = []  # every claim this reviewer was handed, in order

    def handed(response: requests.Response | None) -> int | None:
        got = claim_from(response)
        if got is not None:
            handed_out.append(got)
        return got

    while not stop.is_set():
        if claim is None:
            claim = handed(
                recorder.request(session, NEXT, "POST", f"{base}/claims/next/",
                                 data={"csrfmiddlewaretoken": csrf})
            )  # fmt: skip
            since = time.monotonic()
            if claim is None:
                with ledger.lock:
                    ledger.nothing_handed.append(username)
                stop.wait(0.5)
                continue
        stop.wait(rng.uniform(0, 2 * args.think))
        sent = time.monotonic()
        skip = rng.random() < args.skip_rate
        action = "skip" if skip else "release"
        response = recorder.request(
            session, SKIP if skip else RELEASE, "POST", f"{base}/claims/{claim}/{action}/",
            data={"csrfmiddlewaretoken": csrf},
        )  # fmt: skip
        with ledger.lock:
            ledger.holds[claim].append((username, since, sent))
        forget_messages(session)
        claim = handed(response) if skip else None
        since = time.monotonic()
    if claim is not None:
        # Still held when the run stopped: held until the end of the checks.
        with ledger.lock:
            ledger.holds[claim].append((username, since, float("inf")))


def audit_double_leases(reviewers: list[str]) -> list[int]:
    """Claims the audit trail shows leased to a reviewer while another still held them: the
    lease, release and skip rows of the run, replayed in the order they were written."""
    from claims.models import AuditEvent

    events = (
        AuditEvent.objects.filter(
            actor__username__in=reviewers,
            action__in=[
                AuditEvent.Action.ASSIGN,
                AuditEvent.Action.RELEASE,
                AuditEvent.Action.SKIP,
            ],
        )
        .order_by("id")
        .values_list("claim_id", "action", "actor__username")
    )
    holder: dict[int, str] = {}
    doubles: set[int] = set()
    for claim_id, action, who in events.iterator(chunk_size=5000):
        if action == AuditEvent.Action.ASSIGN:
            if holder.get(claim_id, who) != who:
                doubles.add(claim_id)
            holder[claim_id] = who
        elif holder.get(claim_id) == who:
            del holder[claim_id]
    return sorted(doubles)


def checks(
    recorder: Recorder, ledger: NextLedger, reviewers: list[str]
) -> list[tuple[str, bool, str]]:
    from django.db.models import Count

    from claims.models import Claim

    errors = sum(n for c in recorder.statuses.values() for s, n in c.items() if s[0] in "5e")
    next_statuses = recorder.statuses[NEXT]
    two_held = list(
        Claim.objects.filter(assignee__username__in=reviewers, status=Claim.Status.IN_REVIEW)
        .values("assignee__username")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("assignee__username", flat=True)
    )
    overlaps = hold_overlaps(ledger.holds)
    doubles = audit_double_leases(reviewers)
    return [
        ("no 5xx and no failed request", errors == 0, f"{errors} of them"),
        (
            "every next answered with a claim",
            not ledger.nothing_handed and set(next_statuses) <= {"302"},
            f"none for {ledger.nothing_handed[:5]}, statuses {dict(next_statuses)}",
        ),
        ("no claim held by two reviewers at once (responses)", not overlaps, f"{overlaps[:20]}"),
        ("no claim leased to two reviewers at once (audit trail)", not doubles, f"{doubles[:20]}"),
        ("no reviewer holds two claims at the end (database)", not two_held, f"{two_held}"),
    ]


def run(args: argparse.Namespace, procs: Processes, stop: threading.Event) -> int:
    url = database_url("NEXT_DATABASE_URL", DEFAULT_URL)
    base = f"http://127.0.0.1:{args.port}"
    recreate_database(url)
    redis_flush(REDIS_DB)
    env = child_environment(url, redis_db=REDIS_DB, var=VAR)
    procs.env = env
    django_setup(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    admin_changelist.fill(args.claims)
    reviewers, _ = create_accounts(args.reviewers)
    start_web(procs, port=args.port, workers=3, threads=4)
    wait_for_web(base, procs)
    recorder, ledger = Recorder(), NextLedger()
    sessions = {name: login(base, name, recorder) for name in reviewers}
    print(f"{len(sessions)} reviewers logged in; {args.seconds:.0f} s, think {args.think} s...")
    threads = [
        threading.Thread(
            target=reviewer_loop,
            args=(base, name, session, recorder, ledger, stop, args),
            daemon=True,
        )
        for name, session in sessions.items()
    ]
    load = os.getloadavg()
    web = procs.running["gunicorn"].pid
    cpu = cpu_seconds_tree(web)
    elapsed = run_for(threads, seconds=args.seconds, procs=procs, stop=stop, recorder=recorder)
    cpu = cpu_seconds_tree(web) - cpu
    load_after = os.getloadavg()
    return report(args, recorder, ledger, reviewers, elapsed, [load, load_after], cpu)


def report(
    args: argparse.Namespace,
    recorder: Recorder,
    ledger: NextLedger,
    reviewers: list[str],
    elapsed: float,
    loads: list[tuple[float, float, float]],
    web_cpu: float,
) -> int:
    total = sum(len(v) for v in recorder.samples.values())
    cpu_ms = round(web_cpu / max(1, total) * 1000, 1)
    print(f"\n{args.reviewers} reviewers, {elapsed:.1f} s, think {args.think} s: {total} requests, "
          f"{total / elapsed:.1f}/s; load {loads[0][0]:.2f} -> {loads[1][0]:.2f}; "
          f"gunicorn used {web_cpu:.1f} CPU s, {cpu_ms} ms per request\n")  # fmt: skip
    print(f"{'endpoint':34} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    endpoints: dict[str, Any] = defaultdict(dict)
    for endpoint, values in recorder.samples.items():
        figures = {
            "count": len(values),
            **{f"p{p}_ms": round(percentile(values, p) * 1000, 1) for p in (50, 95, 99)},
            "max_ms": round(max(values) * 1000, 1),
        }
        endpoints[endpoint] = figures
        print(f"{endpoint:34} {len(values):6d} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f} "
              f"{figures['p99_ms']:8.1f} {figures['max_ms']:8.1f}")  # fmt: skip
    results = checks(recorder, ledger, reviewers)
    print()
    for name, ok, detail in results:
        print(f"{'PASS' if ok else 'FAIL'}  {name}" + ("" if ok else f": {detail}"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("next_claim-quick.json" if args.quick else "next_claim.json")
    out.write_text(
        json.dumps(
            {
                "benchmark": "next_claim",
                "reviewers": args.reviewers,
                "seconds": round(elapsed, 1),
                "think_s": args.think,
                "claims": args.claims,
                "cpu": os.cpu_count(),
                "load": [[round(x, 2) for x in load] for load in loads],
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "endpoints": endpoints,
                "web_cpu_ms_per_request": cpu_ms,
                "checks": [{"name": n, "ok": ok} for n, ok, _ in results],
                "target": "next claim p95 < 50 ms, zero double assignments",
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0 if all(ok for _, ok, _ in results) else 1


def main() -> int:
    args = parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    procs = Processes({}, var=VAR)
    stop = threading.Event()
    with interrupted_as_exit():
        try:
            return run(args, procs, stop)
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            return 130
        finally:
            stop.set()
            procs.stop()
            redis_flush(REDIS_DB)


if __name__ == "__main__":
    sys.exit(main())
