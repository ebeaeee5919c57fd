"""``make bench``: every benchmark, one after the other, then one table of the figures.

    python bench/run_all.py [--quick] [--only NAME]

Each benchmark prints its own figures as it runs; at the end this prints the reviewer-pages table
(from ``bench/results/reviewer_pages[-quick].json``) and how each benchmark ended, and writes
``bench/results/run_all[-quick].json``. PostgreSQL and Redis on loopback are all it needs: the
benchmarks create and fill their own databases (``factcheck_bench``, ``factcheck_load``,
``factcheck_match_bench``, ``factcheck_match_overhead``, ``factcheck_e2e``, ``factcheck_next``;
``factcheck_bench_quick`` and ``factcheck_match_bench_quick`` with ``--quick``) and Redis
databases (9, 12, 13), and never touch the ones DATABASE_URL and CELERY_BROKER_URL name.

``--quick`` is the smoke size CI runs after the tests (a few minutes): 20,000 claims, a few
repeats, 20 articles end to end, 10 seconds of "next claim", no load test and no extraction
evaluation (those need the shared data sets). No timing is asserted anywhere: a benchmark fails
only when it cannot run.

The figures in the README come from the full run on the 2-core reference machine.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
SHARED = Path(os.environ.get("FACTCHECK_SHARED_DATA", REPO.parent / "shared" / "data"))
PYTHON = sys.executable
QUICK_BENCH_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench_quick"
QUICK_MATCH_URL = "postgres://postgres@127.0.0.1:5432/factcheck_match_bench_quick"


def extraction() -> list[str]:
    cw = SHARED / "checkworthiness"
    return [
        PYTHON, "manage.py", "evaluate_extraction",
        "--gold", str(SHARED / "patriot-gold.json"),
        "--data", str(cw / "ct24_task1_en_dev.jsonl"),
        "--data", str(cw / "ct24_task1_en_devtest.jsonl"),
        # Its held-out newer fold only, then the 19 whole transcripts ranked through the pipeline.
        "--data", str(cw / "ct24_task1_en_train.jsonl"),
        "--data", str(cw / "ct19_task1_debates_train.jsonl"),
    ]  # fmt: skip


def benches(quick: bool) -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, command, extra environment)"""
    dev = SHARED / "checkworthiness" / "ct24_task1_en_dev.jsonl"
    if quick:
        small = {"BENCH_DATABASE_URL": QUICK_BENCH_URL}
        found = [
            ("reviewer pages, API lists and exports (20,000 claims)",
             [PYTHON, "bench/reviewer_pages.py", "--quick"], small),
            ("admin changelist (20,000 claims)",
             [PYTHON, "bench/admin_changelist.py", "--claims", "20000", "--repeats", "2"], small),
        ]  # fmt: skip
        found += [
            ("end to end: 20 articles, extractor alone, 1 and 2 workers",
             [PYTHON, "bench/end_to_end.py", "--quick"], {}),
            ("next claim: 20 reviewers at once for 10 s",
             [PYTHON, "bench/next_claim.py", "--quick"], {}),
        ]  # fmt: skip
        if dev.exists():
            found.append(
                (
                    "check-worthiness scoring speed",
                    [PYTHON, "bench/checkworthiness_speed.py", str(dev), "--repeats", "1"],
                    {},
                )
            )
        # Both say they skipped (and exit 0) without the shared data sets.
        found += [
            ("claim matching latency (20,000 archive entries)",
             [PYTHON, "bench/matching_latency.py", "--quick"],
             {"BENCH_DATABASE_URL": QUICK_MATCH_URL}),
            ("CPU that matching adds to a split (500 archive entries, 3 articles)",
             [PYTHON, "bench/matching_overhead.py", "--quick"], {}),
        ]  # fmt: skip
        return found
    return [
        ("extraction quality and speed", extraction(), {}),
        (
            "check-worthiness scoring speed",
            [PYTHON, "bench/checkworthiness_speed.py", str(dev)],
            {},
        ),
        (
            "reviewer pages, API lists and exports at 1,000,000 claims (PostgreSQL)",
            [PYTHON, "bench/reviewer_pages.py"],
            {},
        ),
        ("agreement figures for the stats page", [PYTHON, "bench/agreement_speed.py"], {}),
        ("worker peak memory", [PYTHON, "bench/worker_rss.py"], {}),
        (
            "one sentence repeated to 198,000 characters",
            [PYTHON, "bench/repetitive_article.py"],
            {},
        ),
        (
            "claim matching latency at 1,000,000 archive entries (PostgreSQL)",
            [PYTHON, "bench/matching_latency.py"],
            {},
        ),
        (
            "CPU that matching adds to a split (10,389 archive entries, 20 articles)",
            [PYTHON, "bench/matching_overhead.py"],
            {},
        ),
        (
            "end to end: 2,000 articles through the API, extractor alone, 1 and 2 workers",
            [PYTHON, "bench/end_to_end.py"],
            {},
        ),
        (
            "next claim: 20 reviewers at once for 30 s (gunicorn, PostgreSQL)",
            [PYTHON, "bench/next_claim.py"],
            {},
        ),
        (
            "admin changelist at 1,000,000 claims (PostgreSQL)",
            [PYTHON, "bench/admin_changelist.py"],
            {},
        ),
        (
            "50 reviewers for 60 s: gunicorn, PostgreSQL, Redis, 2 workers",
            [PYTHON, "bench/load_test.py"],
            {},
        ),
    ]


def table(quick: bool) -> None:
    path = RESULTS / ("reviewer_pages-quick.json" if quick else "reviewer_pages.json")
    if not path.exists():
        return
    data = json.loads(path.read_text())
    print(f"\n== Reviewer pages at {data['claims']:,} claims, {data['verdicts']:,} verdicts "
          f"({data['repeats']} requests each, {data['measured_at']})")  # fmt: skip
    print(f"{'page':52} {'p50':>9} {'p95':>9} {'queries':>7}   target")
    for row in data["results"]:
        if "rows_per_s" in row:
            figure = f"{row['rows_per_s']:>9,} rows/s ({row['rows_per_cpu_s']:,} per CPU s), +{row['rss_growth_mb']} MB"
            print(f"{row['name']:52} {figure:29}   {row['target']}")
        else:
            print(
                f"{row['name']:52} {row['p50_ms']:7.1f}ms {row['p95_ms']:7.1f}ms "
                f"{row['queries']:7d}   {row['target']}"
            )


def scaling_table(quick: bool) -> None:
    """End to end and "next claim", from their results files."""
    suffix = "-quick" if quick else ""
    path = RESULTS / f"end_to_end{suffix}.json"
    if path.exists():
        data = json.loads(path.read_text())
        print(f"\n== End to end: {data['articles']:,} articles, {data['words']:,} words "
              f"({data['measured_at']})")  # fmt: skip
        for run, name in (
            ("alone", "extractor alone"),
            ("1", "API + 1 worker"),
            ("2", "API + 2 workers"),
        ):
            if run in data["runs"]:
                r = data["runs"][run]
                per_cpu = r.get("words_per_cpu_s", 0)
                print(f"{name:52} {r['words_per_s']:>9,} words/s ({per_cpu:,} per CPU s)  "
                      f"load {r['load_before'][0]:.2f}")  # fmt: skip
        ratios = data["ratios"]
        print(f"{'1 worker / extractor alone':52} {ratios['1_vs_alone']}x "
              f"({ratios.get('1_vs_alone_cpu')}x per CPU s)   target >= 0.9x")  # fmt: skip
        print(f"{'2 workers / 1 worker':52} {ratios['2_vs_1']}x   target >= 1.7x")
        for run in ("1", "2"):
            readings = [v for r in data["runs"].get(run, {}).get("rss", []) for k, v in r.items()
                        if k != "articles"]  # fmt: skip
            if readings:
                pss = [v["pss_mb"] for v in readings]
                print(
                    f"{'worker PSS, run ' + run:52} {min(pss)}-{max(pss)} MB   target < 700 MB, flat"
                )
    path = RESULTS / f"next_claim{suffix}.json"
    if path.exists():
        data = json.loads(path.read_text())
        figures = data["endpoints"].get("POST /claims/next/", {})
        ok = all(check["ok"] for check in data["checks"])
        print(f"\n== Next claim, {data['reviewers']} reviewers, {data['seconds']} s "
              f"({data['measured_at']}): p50 {figures.get('p50_ms')} ms, p95 {figures.get('p95_ms')} ms "
              f"(target < 50 ms); checks {'all passed' if ok else 'FAILED'}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke size, as CI runs it")
    parser.add_argument("--only", default="", help="run only the benchmarks whose name has this")
    args = parser.parse_args()
    outcomes = []
    for name, command, env in benches(args.quick):
        if args.only not in name:
            continue
        print(f"\n== {name}\n$ {' '.join(command)}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(command, cwd=REPO, env={**os.environ, **env})
        seconds = round(time.perf_counter() - started, 1)
        outcomes.append({"name": name, "exit_code": result.returncode, "seconds": seconds})
        if result.returncode:
            print(f"{name} failed with exit code {result.returncode}")
    table(args.quick)
    scaling_table(args.quick)
    print("\n== Benchmarks")
    for outcome in outcomes:
        state = "ok" if outcome["exit_code"] == 0 else f"FAILED ({outcome['exit_code']})"
        print(f"{outcome['name']:72} {state:12} {outcome['seconds']:8.1f} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("run_all-quick.json" if args.quick else "run_all.json")
    out.write_text(json.dumps({"quick": args.quick, "benchmarks": outcomes}, indent=2) + "\n")
    return 1 if any(o["exit_code"] for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
