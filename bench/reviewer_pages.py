"""The reviewer's pages, the API lists and the exports at a million claims in PostgreSQL.

    python bench/reviewer_pages.py [--claims 1000000] [--repeats 15] [--quick] [--only NAME]

Uses the database ``bench/admin_changelist.py`` fills (``factcheck_bench``, or BENCH_DATABASE_URL),
filling it first when it does not hold ``--claims`` claims. Django's test client, ``DEBUG=false``,
one request at a time: the median and 95th percentile per page, the queries per request, and for
the exports rows per second and how much the process grew while streaming (flat memory: a few MB
whatever the row count). ``--quick`` is the smoke size CI runs: 20,000 claims in a database of its
own, 3 repeats. Writes ``bench/results/reviewer_pages[-quick].json`` (``reviewer_pages-partial``
with ``--only``).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

RESULTS = ROOT / "bench" / "results"
QUICK_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench_quick"

# (name, target p95 in ms or rows/s for exports, how it is asked for)
TARGETS: dict[str, str] = {
    "queue / (reviewer, default filters)": "p95 < 100 ms",
    "queue, page 500": "p95 < 100 ms",
    "queue, page 500 by the pager's link (keyset)": "p95 < 100 ms",
    "queue ?q=inflation": "p95 < 150 ms",
    "queue ?status=new&kind=quantity": "p95 < 100 ms",
    "stats (editor)": "p95 < 300 ms",
    "my work": "p95 < 100 ms",
    "my work, page 50 by the pager's link (keyset)": "p95 < 100 ms",
    "claim page": "keep (~22 ms)",
    "next claim": "keep (~9 ms)",
    "GET /api/v1/claims/": "keep (~22 ms)",
    "GET /api/v1/verdicts/?updated_since&page_size=500": "p95 < 100 ms",
    "NDJSON export": ">= 25,000 rows/s",
    "CSV export": ">= 25,000 rows/s",
    "ClaimReview NDJSON export": ">= 25,000 rows/s",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15, help="timed requests per page")
    parser.add_argument("--quick", action="store_true", help="smoke size: 20,000 claims, 3 repeats")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument("--label", default="", help="saved with the results (e.g. before/after)")
    parser.add_argument(
        "--out",
        default="",
        help="file name under bench/results/ (default reviewer_pages[-quick].json; with --only "
        "reviewer_pages-partial[-quick].json, so a partial run never replaces the full table)",
    )
    return parser.parse_args()


def setup(args: argparse.Namespace) -> str:
    if args.quick:
        args.claims, args.repeats = 20_000, 3
        os.environ.setdefault("BENCH_DATABASE_URL", QUICK_URL)
    import admin_changelist

    url = admin_changelist.database_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("FACTCHECK_VAR_DIR", tempfile.mkdtemp(prefix="factcheck-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # As in production, but plain HTTP on the test client and no throttling of the bench itself.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["FACTCHECK_API_RATE"] = "1000000/min"
    os.environ["FACTCHECK_API_EXPORT_RATE"] = "1000000/min"
    created = admin_changelist.ensure_database(url, fresh=False)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from claims.models import Claim

    setup_test_environment()
    call_command("migrate", verbosity=0)
    # DEBUG=false serves hashed static files, as production does (into git-ignored staticfiles/).
    call_command("collectstatic", interactive=False, verbosity=0)
    # pg_class.reltuples is the planner's estimate: the exact count only when it looks off.
    have = Claim.objects.count() if created or args.quick else _estimate("claims_claim")
    if created or abs(have - args.claims) > args.claims // 100:
        print(f"filling {urlsplit(url).path.lstrip('/')} ({have:,} claims there now)")
        admin_changelist.fill(args.claims)
    # The web process's own start (factcheck/wsgi.py): its garbage collector set as in production.
    import factcheck.wsgi  # noqa: F401

    return url


def _estimate(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def users() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    model = get_user_model()
    reviewer = model.objects.get(username="reviewer03")
    editor, _ = model.objects.get_or_create(username="bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    return reviewer, editor


def timed(client: Any, method: str, url: str, repeats: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = getattr(client, method)
    response = call(url)  # warm-up: caches, connection
    times: list[float] = []
    cpu: list[float] = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = call(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code not in (200, 302):
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "cpu_ms": round(statistics.median(cpu), 1),
        "queries": len(ctx.captured_queries),
    }


def _rss_mb() -> float:
    """The process's resident memory now (peak RSS would keep an earlier page's high-water mark)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def export(client: Any, url: str) -> dict[str, Any]:
    """Stream one export to the end, counting lines; the process's peak RSS growth meanwhile."""
    before = peak = _rss_mb()
    started, started_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    lines = 0
    size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
        if lines % 1000 < 5:  # now and then: reading /proc costs more than a row
            peak = max(peak, _rss_mb())
    seconds = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    grown = max(peak, _rss_mb()) - before
    rows = lines - 1 if url.endswith(".csv") else lines
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        # Rows per second of this process's CPU (the web side: reading, serialising): what a
        # machine shared with other work still shows of the code's own speed.
        "rows_per_cpu_s": round(rows / cpu),
        "mb": round(size / 1e6, 1),
        "rss_growth_mb": round(grown, 1),
    }


def deep_link(queryset: Any, page: int, per_page: int) -> str:
    """The query string of the pager's "Next" link that leads to page ``page`` (or to the last
    page, when fewer rows than that match: at the quick size)."""
    from claims.selectors.paging import cursor_encode, queryset_count_bounded, queryset_ordering

    available = queryset_count_bounded(queryset=queryset, cap=(page - 1) * per_page)
    if available <= (page - 1) * per_page:
        page = max(2, -(-available // per_page))
    if available <= per_page:
        raise SystemExit(f"deep_link: {available} rows, no second page to link to")
    row = queryset[(page - 1) * per_page - 1]
    return f"page={page}&after={cursor_encode(row=row, ordering=queryset_ordering(queryset))}"


def cases(reviewer: Any, editor: Any) -> list[tuple[str, Any, str, str]]:
    """(name, user, method, url)"""
    from django.conf import settings

    from claims import selectors
    from claims.models import Claim, Verdict

    claim = Claim.objects.filter(status="new").order_by("-priority", "-score", "id").first()
    assert claim is not None, "the bench database has no open claim"
    count = Verdict.objects.count()
    since = (
        Verdict.objects.order_by("-updated_at", "-id")
        .values_list("updated_at", flat=True)[min(count - 1, 5000)]
        .isoformat()
        .replace("+00:00", "Z")
    )
    queue = selectors.claim_queue(filters=selectors.QueueFilters())
    # The fill gives verdicts to some reviewers only (not reviewer03): a deep page of my work
    # needs one who has them.
    judge = Verdict.objects.order_by("-id").select_related("reviewer").first()
    assert judge is not None, "the bench database has no verdict"
    return [
        ("queue / (reviewer, default filters)", reviewer, "get", "/"),
        ("queue, page 500", reviewer, "get", "/?page=500"),
        (
            "queue, page 500 by the pager's link (keyset)",
            reviewer,
            "get",
            "/?" + deep_link(queue, 500, settings.FACTCHECK_QUEUE_PAGE_SIZE),
        ),
        ("queue ?q=inflation", reviewer, "get", "/?q=inflation"),
        ("queue ?status=new&kind=quantity", reviewer, "get", "/?status=new&kind=quantity"),
        ("stats (editor)", editor, "get", "/stats/"),
        ("my work", reviewer, "get", "/my-work/"),
        (
            "my work, page 50 by the pager's link (keyset)",
            judge.reviewer,
            "get",
            "/my-work/?" + deep_link(selectors.verdict_list(reviewer=judge.reviewer), 50, 50),
        ),
        ("claim page", reviewer, "get", f"/claims/{claim.pk}/"),
        ("next claim", reviewer, "post", "/claims/next/"),
        ("GET /api/v1/claims/", reviewer, "get", "/api/v1/claims/"),
        (
            "GET /api/v1/verdicts/?updated_since&page_size=500",
            reviewer,
            "get",
            f"/api/v1/verdicts/?updated_since={since}&page_size=500",
        ),
        ("NDJSON export", reviewer, "export", "/api/v1/export/verdicts.ndjson"),
        ("CSV export", reviewer, "export", "/api/v1/export/verdicts.csv"),
        ("ClaimReview NDJSON export", reviewer, "export", "/api/v1/export/claimreview.ndjson"),
    ]


def row_text(name: str, result: dict[str, Any]) -> str:
    if "rows_per_s" in result:
        figure = (
            f"{result['rows_per_s']:>9,} rows/s ({result['rows_per_cpu_s']:,}/CPU s, "
            f"{result['rows']:,} rows, +{result['rss_growth_mb']} MB)"
        )
    else:
        figure = (
            f"{result['p50_ms']:7.1f} ms p50 {result['p95_ms']:7.1f} ms p95 {result['queries']:3d} q"
            f" {result['cpu_ms']:5.1f} ms CPU"
        )
    return f"{name:52} {figure:60} {TARGETS.get(name, '')}"


def results_name(*, only: str, quick: bool) -> str:
    """Where a run's results go: the full table (which run_all.py reads) only from a full run."""
    return f"reviewer_pages{'-partial' if only else ''}{'-quick' if quick else ''}.json"


def main() -> None:
    args = parse_args()
    url = setup(args)
    from django.test import Client

    from claims.models import Verdict

    reviewer, editor = users()
    clients: dict[int, Any] = {}
    results: list[dict[str, Any]] = []
    print(f"\n{'page':52} {'measured (CPU: this process, median)':60} target")
    for name, user, method, path in cases(reviewer, editor):
        if args.only not in name:
            continue
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        client = clients[user.pk]
        result = (
            export(client, path)
            if method == "export"
            else timed(client, method, path, args.repeats)
        )
        result = {"name": name, "url": path, "target": TARGETS.get(name, ""), **result}
        results.append(result)
        print(row_text(name, result), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / (args.out or results_name(only=args.only, quick=args.quick))
    out.write_text(
        json.dumps(
            {
                "benchmark": "reviewer_pages",
                "label": args.label,
                "database": urlsplit(url).path.lstrip("/"),
                "claims": _estimate("claims_claim"),
                "verdicts": Verdict.objects.count(),
                "repeats": args.repeats,
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "cpu": os.cpu_count(),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
