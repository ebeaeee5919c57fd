"""What the load test records while it runs, the checks it makes of the database afterwards, and the
report it prints. Used by bench/load_test.py; not a bench of its own."""

import argparse
import json
import math
import os
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from _load_setup import Processes, wait_for_split

RESULTS = Path(__file__).resolve().parent / "results"

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


@dataclass
class ServerCpu:
    """CPU seconds gunicorn (master and workers) used while the clients ran, and the machine's
    load average (1, 5, 15 minutes) before and after."""

    seconds: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def run_for(
    threads: list[threading.Thread],
    *,
    seconds: float,
    procs: Processes,
    stop: threading.Event,
    recorder: Recorder,
) -> float:
    """Start the simulated users, record for ``seconds`` (stopping early if a server process
    dies), stop them; the seconds they ran."""
    recorder.recording = True
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - started < seconds:
        procs.check()
        time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    recorder.recording = False
    return time.monotonic() - started


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


def hold_overlaps(holds: dict[int, list[tuple[str, float, float]]]) -> list[int]:
    """Claims that two reviewers held at once, from the times the client saw: held from the
    answer that handed the claim over until the request giving it back was sent. The server
    leased it before the first and released it after the second, so an overlap here is one on
    the server too."""
    overlapping = []
    for claim_id, spans in holds.items():
        active: list[tuple[float, str]] = []  # (held until, by whom), of spans begun earlier
        for who, start, end in sorted(spans, key=lambda span: span[1]):
            active = [(until, other) for until, other in active if until > start]
            if any(other != who for _, other in active):
                overlapping.append(claim_id)
                break
            active.append((end, who))
    return overlapping


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
    overlaps = hold_overlaps(ledger.holds)
    saved = sum(seen.values())
    return [
        (f"every verdict the client saw saved is stored ({saved})", not lost, f"lost: {lost}"),
        ("no verdict stored twice or unseen", not extra, f"extra: {extra}"),
        ("no claim has two current verdicts", not two_current, f"claims: {two_current}"),
        ("no claim judged by two reviewers", not two_judges, f"claims: {two_judges[:20]}"),
        ("no claim held by two reviewers at once", not overlaps, f"claims: {overlaps[:20]}"),
    ]


def report(
    args: argparse.Namespace,
    recorder: Recorder,
    ledger: Ledger,
    pre: Ledger,
    reviewers: list[str],
    procs: Processes,
    elapsed: float,
    server: ServerCpu,
) -> int:
    total = sum(len(v) for v in recorder.samples.values())
    cpu_ms = server.seconds * 1000 / max(total, 1)
    print(
        f"\n{args.reviewers} reviewers + 1 ingester, {elapsed:.1f} s: {total} requests, "
        f"{total / elapsed:.1f} requests/s\n"
        f"web CPU: {server.seconds:.1f} CPU s in gunicorn, {cpu_ms:.1f} ms per request; load "
        f"average {server.load_before[0]:.2f} before, {server.load_after[0]:.2f} after\n"
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
    write_results(args, recorder, elapsed, server, checks)
    return 0 if all(ok for _, ok, _ in checks) else 1


def write_results(
    args: argparse.Namespace,
    recorder: Recorder,
    elapsed: float,
    server: ServerCpu,
    checks: list[tuple[str, bool, str]],
) -> None:
    total = sum(len(v) for v in recorder.samples.values())
    endpoints = {
        endpoint: {
            "count": len(values),
            "p50_ms": round(percentile(values, 50) * 1000),
            "p95_ms": round(percentile(values, 95) * 1000),
            "p99_ms": round(percentile(values, 99) * 1000),
            "statuses": dict(recorder.statuses[endpoint]),
        }
        for endpoint, values in recorder.samples.items()
    }
    result = {
        "benchmark": "load_test",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu": os.cpu_count(),
        "reviewers": args.reviewers,
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "web_cpu_s": round(server.seconds, 2),
        "web_cpu_ms_per_request": round(server.seconds * 1000 / max(total, 1), 2),
        "load_average_before": server.load_before,
        "load_average_after": server.load_after,
        "endpoints": endpoints,
        "checks": {name: ok for name, ok, _ in checks},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "load_test.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out}")
