"""End to end: articles through ``POST /api/v1/articles/``, split by one and then two Celery
workers on Redis and PostgreSQL, against the extractor alone; the worker's RSS as it goes.

    python bench/end_to_end.py [--articles 2000] [--runs alone,1,2] [--rss-every 100] [--quick]

The articles are real text: the CT19 debate and CT24 transcripts of the shared data cut into
pieces of 500-900 words (847 pieces, about 600,000 words), coming round again with names and
numbers changed past the last one so no article is a copy (the duplicate check would refuse it)
and few claims repeat. Without the shared data, copies of the sample article are used instead.
``--quick`` is the smoke size CI runs: 20 articles.

Three runs, each on the same texts, each printing words per second:

- ``alone``: the worker's own extract function (``workers.nlp.extract_article``, the configured
  scorer) on every body in this one process, after one warm-up call: the ceiling.
- ``1`` and ``2``: gunicorn (1 process, 2 threads) and that many
  ``celery -A factcheck worker --concurrency 1`` processes, ``DEBUG=false``, on the bench's own
  PostgreSQL database (``factcheck_e2e``, or E2E_DATABASE_URL; emptied before each run, never the
  one DATABASE_URL names) and Redis database 12 (``FLUSHDB`` only). Each worker first splits one
  short warm-up article, so its model is loaded before the clock starts. Then one client POSTs
  every article with a read-write token, one request after another, *while the workers run*, and
  the clock runs from the first POST until the last article's ``split_at``.

POSTing while the workers split is what a newsroom does, and it charges the web side's CPU (the
request, the duplicate check, the audit row, the message) to the run, on the same two cores: a
run that POSTed everything first and then started the workers would hide that cost. Each split
is followed by a "match" message on the ``matching`` queue, which nobody reads here
(``FACTCHECK_SPLIT_QUEUE=split``, workers started with ``-Q split``): embedding is the matching
bench's business, and this one compares splitting with splitting.

Ratios: run ``1`` against ``alone`` (target >= 0.9x: queue and database overhead under 10%) and
run ``2`` against run ``1`` (target >= 1.7x). During each worker run the RSS of each worker (the
Celery main process and its pool child, from /proc/<pid>/status) is read every ``--rss-every``
articles and printed as a curve (target: flat, under 700 MB), with the worker's PSS (the pages
the pool child shares with its parent counted once: VmRSS counts them in both). The pool child
is replaced every ``CELERY_WORKER_MAX_TASKS_PER_CHILD`` (2,000) tasks, as in production, which the
curve shows. PyTorch is refused in every process, as in the venv ``make run`` builds (spaCy's
thinc would import it where it is installed: about 200 MB more; ``--with-torch`` lets it).

``--runs`` picks runs (e.g. ``--runs 2`` alone): the others are kept from the last results file
when it holds the same articles. Writes ``bench/results/end_to_end[-quick].json``.
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _e2e_texts import article_bodies  # noqa: E402
from _load_setup import (  # noqa: E402
    Processes,
    child_environment,
    cpu_seconds_tree,
    create_accounts,
    database_url,
    django_setup,
    pss_mb,
    recreate_database,
    redis_flush,
    rss_tree_mb,
    start_web,
    wait_for_web,
)
from load_test import ingest_session, interrupted_as_exit  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_e2e"
REDIS_DB = 12
VAR = ROOT / "var" / "e2e"
RESULTS = ROOT / "bench" / "results"
QUICK_ARTICLES = 20
NO_TORCH = ROOT / "bench" / "_no_torch"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", default="alone,1,2", help="comma-separated: alone, 1, 2")
    parser.add_argument("--rss-every", type=int, default=100, help="articles between readings")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ARTICLES} articles")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--split-timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument("--with-torch", action="store_true", help="let spaCy's thinc load torch")
    parser.add_argument("--redis-db", type=int, default=REDIS_DB, help="emptied with FLUSHDB")
    parser.add_argument("--out", type=Path, help="results file (default bench/results/...)")
    args = parser.parse_args()
    if args.quick:
        args.articles = QUICK_ARTICLES
        args.rss_every = min(args.rss_every, 5)
    args.runs = [run.strip() for run in args.runs.split(",") if run.strip()]
    unknown = [run for run in args.runs if run not in ("alone", "1", "2")]
    if unknown or args.articles < 1 or args.rss_every < 1:
        parser.error(f"--runs takes alone, 1 and 2 (not {unknown}); --articles, --rss-every >= 1")
    return args


def words(bodies: list[str]) -> int:
    return sum(len(body.split()) for body in bodies)


# --- The extractor alone --------------------------------------------------------------------------


def run_alone(bodies: list[str]) -> dict[str, Any]:
    from claims.text import clean_text
    from workers.nlp import extract_article

    cleaned = [clean_text(body) for body in bodies]  # what the worker reads from the database
    extract_article(cleaned[0])  # loads the pipeline and the scorer
    load = os.getloadavg()
    started, started_cpu = time.perf_counter(), time.process_time()
    claims = sum(len(extract_article(body)[0]) for body in cleaned)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": {"this process": round(cpu, 1)},
        "words_per_cpu_s": round(words(cleaned) / cpu),
        "words_per_s": round(words(cleaned) / seconds),
        "claims": claims,
        "load_before": [round(x, 2) for x in load],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }


# --- Through the API and the workers --------------------------------------------------------------


def empty_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Everything that points at an article goes too (claims, audit rows, verdicts).
        cursor.execute("TRUNCATE claims_article RESTART IDENTITY CASCADE")


def post(session: Any, base: str, title: str, body: str) -> int:
    response = session.post(
        f"{base}/api/v1/articles/", json={"title": title, "body": body, "source": "E2E bench"},
        timeout=60,
    )  # fmt: skip
    if response.status_code != 201:
        raise RuntimeError(f"POST {title!r}: HTTP {response.status_code} {response.text[:300]}")
    return int(response.json()["id"])


def done_count(exclude: list[int]) -> tuple[int, int]:
    """(articles split, articles failed), leaving out the warm-up ones."""
    from claims.models import Article

    rows = Article.objects.exclude(pk__in=exclude)
    return (
        rows.filter(status=Article.Status.SPLIT).count(),
        rows.filter(status=Article.Status.FAILED).count(),
    )


def rss_reading(done: int, procs: Processes) -> dict[str, Any]:
    reading: dict[str, Any] = {"articles": done}
    for name, proc in procs.running.items():
        if name.startswith("worker"):
            tree = rss_tree_mb(proc.pid)
            reading[name] = {
                "main_mb": round(tree.pop(proc.pid, 0.0)),
                "pool_mb": round(sum(tree.values())),
                "pss_mb": round(pss_mb(proc.pid) + sum(pss_mb(child) for child in tree)),
            }
    return reading


def run_workers(
    count: int, bodies: list[str], key: str, args: argparse.Namespace, procs: Processes
) -> dict[str, Any]:
    from django.db.models import Max

    from claims.models import Article

    empty_tables()
    redis_flush(args.redis_db)
    base = f"http://127.0.0.1:{args.port}"
    start_web(procs, port=args.port, workers=1, threads=2)
    for i in range(1, count + 1):
        procs.start(
            f"worker{i}",
            [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q", "split",
             "--concurrency", "1", "--loglevel", "WARNING", "--hostname", f"e2e{i}@%h",
             "--without-mingle", "--without-gossip"],
        )  # fmt: skip
    wait_for_web(base, procs)
    session = ingest_session(key)
    warm = [post(session, base, f"Warm-up {i}", bodies[i][:3000]) for i in range(count)]
    wait_until(lambda: sum(done_count([])) >= count, procs, timeout=300, what="warm-up")

    failures: list[str] = []
    posted: list[int] = []

    def post_all() -> None:
        try:
            for i, body in enumerate(bodies):
                posted.append(post(session, base, f"E2E article {i}", body))
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(repr(exc))

    load = os.getloadavg()
    cpu = {name: cpu_seconds_tree(proc.pid) for name, proc in procs.running.items()}
    started_at = time.time()
    poster = threading.Thread(target=post_all, daemon=True)
    poster.start()
    curve = [rss_reading(0, procs)]
    print(f"  {rss_line(curve[-1])}", flush=True)
    deadline = time.monotonic() + args.split_timeout
    while True:
        procs.check()
        split, failed = done_count(warm)
        while split + failed >= curve[-1]["articles"] + args.rss_every:
            curve.append(rss_reading(curve[-1]["articles"] + args.rss_every, procs))
            print(f"  {rss_line(curve[-1])}", flush=True)
        if failures:
            raise RuntimeError(f"ingest stopped: {failures[0]}")
        if split + failed == len(bodies) or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    poster.join(timeout=60)
    cpu = {name: round(cpu_seconds_tree(procs.running[name].pid) - cpu[name], 1) for name in cpu}
    if split + failed < len(bodies):
        raise RuntimeError(f"only {split + failed} of {len(bodies)} articles done in time")
    rows = Article.objects.filter(pk__in=posted)
    last = rows.aggregate(last=Max("split_at"))["last"]
    seconds = last.timestamp() - started_at
    return {
        "workers": count,
        "seconds": round(seconds, 1),
        "words_per_s": round(words(bodies) / seconds),
        "split": split,
        "failed": failed,
        "claims": claim_count(posted),
        "load_before": [round(x, 2) for x in load],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        # CPU seconds of gunicorn and of each worker (pool children included): what the words
        # cost whatever else the machine was doing.
        "cpu_seconds": cpu,
        "words_per_cpu_s": round(words(bodies) / max(0.1, sum(cpu.values()))),
        "rss": curve,
    }


def claim_count(article_ids: list[int]) -> int:
    from claims.models import Claim

    return Claim.objects.filter(article_id__in=article_ids).count()


def wait_until(ready: Any, procs: Processes, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        procs.check()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not done within {timeout:.0f} s")
        time.sleep(0.25)


def rss_line(reading: dict[str, Any]) -> str:
    parts = [
        f"{name} RSS main {r['main_mb']} + pool {r['pool_mb']} MB, PSS {r['pss_mb']} MB"
        for name, r in reading.items()
        if name != "articles"
    ]
    return f"after {reading['articles']:5d} articles: " + "; ".join(parts)


# --- Main -----------------------------------------------------------------------------------------


def results_path(quick: bool) -> Path:
    return RESULTS / ("end_to_end-quick.json" if quick else "end_to_end.json")


def previous_runs(path: Path, articles: int, total_words: int) -> dict[str, Any]:
    """The runs of the last results file, when it measured the same texts."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if data.get("articles") != articles or data.get("words") != total_words:
        return {}
    return dict(data.get("runs", {}))


def ratio(runs: dict[str, Any], top: str, bottom: str, key: str = "words_per_s") -> float | None:
    if key in runs.get(top, {}) and key in runs.get(bottom, {}):
        return round(runs[top][key] / runs[bottom][key], 2)
    return None


def summary(runs: dict[str, Any], articles: int, total_words: int) -> dict[str, float | None]:
    print(f"\n== End to end: {articles:,} articles, {total_words:,} words")
    names = {"alone": "extractor alone, one process", "1": "API + 1 worker", "2": "API + 2 workers"}
    for run, name in names.items():
        if run in runs:
            r = runs[run]
            per_cpu = r.get("words_per_cpu_s", 0)
            print(f"{name:32} {r['words_per_s']:>7,} words/s  {r['seconds']:>7.1f} s  "
                  f"{per_cpu:>7,} words per CPU s  "
                  f"load {r['load_before'][0]:.2f} -> {r['load_after'][0]:.2f}")  # fmt: skip
    ratios = {
        "1_vs_alone": ratio(runs, "1", "alone"),
        "1_vs_alone_cpu": ratio(runs, "1", "alone", key="words_per_cpu_s"),
        "2_vs_1": ratio(runs, "2", "1"),
    }
    print(f"1 worker / extractor alone: {ratios['1_vs_alone']}x wall clock, "
          f"{ratios['1_vs_alone_cpu']}x per CPU second (target >= 0.9x)")  # fmt: skip
    print(f"2 workers / 1 worker:       {ratios['2_vs_1']}x (target >= 1.7x)")
    for run in ("1", "2"):
        if run in runs:
            readings = [v for r in runs[run]["rss"] for k, v in r.items() if k != "articles"]
            pool = max((v["pool_mb"] for v in readings), default=0)
            pss = max((v["pss_mb"] for v in readings), default=0)
            print(f"worker, run {run}: pool child RSS peak {pool} MB, worker PSS peak {pss} MB "
                  "(target < 700 MB, flat)")  # fmt: skip
    return ratios


def measure(
    args: argparse.Namespace, url: str, env: dict[str, str], bodies: list[str], runs: dict[str, Any]
) -> None:
    """The runs ``args.runs`` asks for, into ``runs``, on a database made afresh."""
    recreate_database(url)
    django_setup(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # DEBUG=false serves hashed static files, as production does (into git-ignored staticfiles/).
    call_command("collectstatic", verbosity=0, interactive=False)
    _, key = create_accounts(0)
    for run in args.runs:
        print(f"\n-- run {run}", flush=True)
        if run == "alone":
            runs[run] = run_alone(bodies)
        else:
            procs = Processes(env, var=Path(env["FACTCHECK_VAR_DIR"]))
            try:
                runs[run] = run_workers(int(run), bodies, key, args, procs)
            finally:
                procs.stop()
                redis_flush(args.redis_db)
        print(f"  {runs[run]['words_per_s']:,} words/s in {runs[run]['seconds']} s", flush=True)


def main() -> int:
    args = parse_args()
    url = database_url("E2E_DATABASE_URL", DEFAULT_URL)
    source, bodies = article_bodies(args.articles)
    total_words = words(bodies)
    print(f"{len(bodies):,} articles, {total_words:,} words: {source}", flush=True)
    var = VAR / str(args.port)  # logs; two runs on other ports and databases may run at once
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **child_environment(url, redis_db=args.redis_db, var=var),
        "FACTCHECK_SPLIT_QUEUE": "split",
        "FACTCHECK_API_RATE": "1000000/min",
    }
    if not args.with_torch:
        # As the venv `make run` builds, which has no torch (see bench/_no_torch/).
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NO_TORCH), env.get("PYTHONPATH")]))
        sys.path.insert(0, str(NO_TORCH))
        import sitecustomize  # noqa: F401 - refuses torch in this process too
    path = args.out or results_path(args.quick)
    runs = previous_runs(path, args.articles, total_words)
    with interrupted_as_exit():
        try:
            measure(args, url, env, bodies, runs)
        except KeyboardInterrupt:
            print("\nInterrupted.", file=sys.stderr)
            return 130
    ratios = summary(runs, args.articles, total_words)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "benchmark": "end_to_end",
                "articles": args.articles,
                "words": total_words,
                "texts": source,
                "cpu": os.cpu_count(),
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "runs": runs,
                "ratios": ratios,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
