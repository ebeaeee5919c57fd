"""Response times of the admin's claim changelist with a million claims in PostgreSQL.

    python bench/admin_changelist.py [--claims 1000000] [--repeats 15] [--fresh] [--drop] [--explain]

Fills a separate database (``factcheck_bench`` on postgres://postgres@127.0.0.1:5432 unless
BENCH_DATABASE_URL says otherwise; never the one DATABASE_URL points at) with articles of 20 claims
each, made by generate_series in SQL, then requests the changelist with Django's test client as a
superuser: unfiltered, with each filter, with a search and deep in the pages. Prints the median and
95th percentile of the response time and the number of queries per request.

The database is kept and reused on the next run when it holds the requested number of claims;
``--fresh`` rebuilds it and ``--drop`` deletes it at the end.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench"
CLAIMS_PER_ARTICLE = 20
REVIEWERS = 20
OUTLETS = (
    "Daily Ledger", "Morning Post", "City Wire", "Harbour Times", "Valley News", "The Courier",
    "Evening Star", "Metro Daily", "Coast Herald", "National Review Desk", "Civic Radio",
    "Open Data Weekly",
)  # fmt: skip
WORDS = (
    "inflation", "unemployment", "council", "budget", "vaccine", "emissions", "housing", "crime",
    "tariffs", "pensions", "schools", "hospital", "election", "turnout", "wages", "energy",
)  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15, help="timed requests per case")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--explain", action="store_true", help="print the slowest query's plan")
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    parser.add_argument(
        "--proposed-indexes",
        action="store_true",
        help="first add the trigram search indexes (migration 0006 makes them; this is for a bench database filled before it)",
    )
    return parser.parse_args()


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if url == os.environ.get("DATABASE_URL"):
        sys.exit("BENCH_DATABASE_URL must name a database of its own; it fills it with test data.")
    return url


def server_url(url: str) -> tuple[str, str]:
    """The maintenance database's URL and the bench database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def ensure_database(url: str, *, fresh: bool) -> bool:
    """Create the bench database if missing (after dropping it with ``fresh``); True if created."""
    import psycopg

    admin_url, name = server_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin_url, name = server_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"dropped database {name}")


def fill(claims: int) -> None:
    """Articles, claims and verdicts in bulk SQL: about a minute for a million claims."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db import connection

    from claims.roles import roles_ensure

    roles_ensure(group_model=Group, permission_model=Permission)
    reviewers = Group.objects.get(name="Reviewer")
    user_model = get_user_model()
    for i in range(REVIEWERS):
        user, _ = user_model.objects.get_or_create(username=f"reviewer{i:02d}", is_staff=True)
        user.groups.add(reviewers)
    user_ids = list(user_model.objects.order_by("pk").values_list("pk", flat=True))
    articles = -(-claims // CLAIMS_PER_ARTICLE)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("TRUNCATE claims_auditevent, claims_verdictreview, claims_verdict, "
                       "claims_claim, claims_article RESTART IDENTITY CASCADE")  # fmt: skip
        # Articles over the last year, newest last; ids follow creation order as in production.
        cursor.execute(
            """
            INSERT INTO claims_article (title, url, source, author, published_on, body, language,
                content_hash, status, status_changed_at, failure_reason, attempts,
                extractor_version, split_at, created_at, updated_at, blind_review, feed_entry)
            SELECT 'Article ' || g || ': ' || (%(words)s::text[])[1 + g %% 16] || ' and '
                       || (%(words)s::text[])[1 + (g * 7) %% 16],
                   NULL, (%(outlets)s::text[])[1 + (g * 31) %% 12], 'Staff writer',
                   (now() - (%(n)s - g) * interval '10 minutes')::date,
                   'Body of article ' || g, 'en', md5(g::text) || md5('x' || g),
                   'split', now(), '', 1, 'bench', now(),
                   now() - (%(n)s - g) * interval '10 minutes',
                   now() - (%(n)s - g) * interval '10 minutes', false, ''
            FROM generate_series(1, %(n)s) AS g
            """,
            {"n": articles, "words": list(WORDS), "outlets": list(OUTLETS)},
        )
        # Claims: 70 % new, 5 % in review (leased), 10 % judged, 10 % dismissed, 5 % duplicate.
        cursor.execute(
            """
            INSERT INTO claims_claim (article_id, text, sentence, start, "end", position, kind,
                score, entities, quantities, speaker, speaker_via, fingerprint, status, priority,
                duplicate_of_id, assignee_id, lease_expires_at, created_at, updated_at)
            SELECT a.id,
                   'Claim ' || g || ': the ' || (%(words)s::text[])[1 + (g * 13) %% 16]
                       || ' figure rose by ' || (g %% 97) || ' percent, the minister said.',
                   'The sentence of claim ' || g || ' about '
                       || (%(words)s::text[])[1 + (g * 5) %% 16] || '.',
                   0, 10, (g - 1) %% %(per)s,
                   (ARRAY['quantity','comparison','event','attribution','not_checkable'])
                       [1 + (g * 17) %% 5],
                   ((g * 7919) %% 1000) / 1000.0, '[]', '[]', '', '', md5('c' || g),
                   s.status, CASE WHEN g %% 50 = 0 THEN 10 ELSE 0 END, NULL,
                   CASE WHEN s.status = 'in_review' OR g %% 40 = 0
                        THEN (%(users)s::bigint[])[1 + g %% %(nusers)s] END,
                   CASE WHEN s.status = 'in_review' THEN now() + interval '10 minutes' END,
                   a.created_at + ((g - 1) %% %(per)s) * interval '1 millisecond',
                   a.created_at
            FROM generate_series(1::bigint, %(claims)s::bigint) AS g
            JOIN claims_article a ON a.id = 1 + (g - 1) / %(per)s
            CROSS JOIN LATERAL (SELECT CASE
                WHEN (g * 37) %% 100 < 70 THEN 'new'
                WHEN (g * 37) %% 100 < 75 THEN 'in_review'
                WHEN (g * 37) %% 100 < 85 THEN 'verdict'
                WHEN (g * 37) %% 100 < 95 THEN 'dismissed'
                ELSE 'duplicate' END AS status) s
            """,
            {
                "claims": claims,
                "per": CLAIMS_PER_ARTICLE,
                "words": list(WORDS),
                "users": user_ids,
                "nusers": len(user_ids),
            },
        )
        cursor.execute(
            """
            INSERT INTO claims_verdict (claim_id, reviewer_id, rating, explanation, evidence_urls,
                is_current, published_at, created_at, updated_at, blind_review, correction)
            SELECT c.id, (%(users)s::bigint[])[1 + c.id %% %(nusers)s],
                   (ARRAY['true','mostly_true','mixed','mostly_false','false','misleading'])
                       [1 + c.id %% 6],
                   'Checked against the official statistics.', '[]', true, c.created_at,
                   c.created_at, c.created_at, false, '{}'
            FROM claims_claim c WHERE c.status = 'verdict'
            """,
            {"users": user_ids, "nusers": len(user_ids)},
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled {articles:,} articles and {claims:,} claims in "
        f"{time.perf_counter() - started:.0f} s"
    )


def cases() -> list[tuple[str, dict[str, str]]]:
    from django.contrib.auth import get_user_model

    from claims.models import Article

    reviewer = get_user_model().objects.get(username="reviewer03")
    article = Article.objects.order_by("pk").values_list("pk", flat=True)[0]
    newest = Article.objects.order_by("-created_at").values_list("created_at", flat=True)[0]
    return [
        ("unfiltered", {}),
        ("status = new", {"status__exact": "new"}),
        ("status = dismissed", {"status__exact": "dismissed"}),
        ("kind = comparison", {"kind__exact": "comparison"}),
        ("score band high", {"score": "high"}),
        ("has verdict", {"verdict": "yes"}),
        ("assignee = one reviewer", {"assignee": str(reviewer.pk)}),
        ("unassigned", {"assignee": "none"}),
        ("article source", {"source": OUTLETS[3]}),
        ("one article", {"article": str(article)}),
        ("date: one month", {"created_at__year": str(newest.year), "created_at__month": "1"}),
        ("status + kind + band", {"status__exact": "new", "kind__exact": "event", "score": "high"}),
        ("search 'inflation'", {"q": "inflation"}),
        ("search rare word", {"q": "zeppelin"}),
        ("search #id", {"q": "#123456"}),
        ("page 200", {"p": "200"}),
    ]


PROPOSED_INDEXES = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Django's icontains is UPPER(col) LIKE UPPER('%word%'): the index is on the same expression.
    "CREATE INDEX IF NOT EXISTS claim_text_trgm ON claims_claim "
    "USING gin (UPPER(text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS claim_sentence_trgm ON claims_claim "
    "USING gin (UPPER(sentence) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS article_title_trgm ON claims_article "
    "USING gin (UPPER(title) gin_trgm_ops)",
)


def add_proposed_indexes() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for statement in PROPOSED_INDEXES:
            cursor.execute(statement)
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("ANALYZE claims_article")
    print(f"proposed indexes in place ({time.perf_counter() - started:.0f} s)")


def measure(repeats: int, explain: bool, only: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user_model = get_user_model()
    boss = user_model.objects.filter(username="bench-admin").first()
    if boss is None:
        boss = user_model.objects.create_superuser("bench-admin", "bench@example.org", None)
    client = Client()
    client.force_login(boss)
    print(f"\n{'case':28} {'median':>8} {'p95':>8} {'queries':>7} {'rows':>5} {'shown count':>12}"
          f"  slowest query")  # fmt: skip
    for name, params in cases():
        if only not in name:
            continue
        url = "/admin/claims/claim/" + ("?" + urlencode(params) if params else "")
        client.get(url)  # warm-up: caches, connection
        times: list[float] = []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        cl = response.context["cl"]
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        print(
            f"{name:28} {statistics.median(times):7.0f}ms {p95:7.0f}ms "
            f"{len(ctx.captured_queries):7d} {len(cl.result_list):5d} {cl.result_count:12,d}"
            f"  {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:70]}"
        )
        if explain:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    args = parse_args()
    url = database_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("FACTCHECK_VAR_DIR", tempfile.mkdtemp(prefix="factcheck-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    created = ensure_database(url, fresh=args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from claims.models import Claim

    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS) and records templates
    call_command("migrate", verbosity=0)
    have = Claim.objects.count()
    if created or have != args.claims:
        print(f"filling {urlsplit(url).path.lstrip('/')} ({have:,} claims there now)")
        fill(args.claims)
    else:
        print(f"reusing {urlsplit(url).path.lstrip('/')} with {have:,} claims")
    try:
        if args.proposed_indexes:
            add_proposed_indexes()
        measure(args.repeats, args.explain, args.only)
    finally:
        if args.drop:
            drop_database(url)


if __name__ == "__main__":
    main()
