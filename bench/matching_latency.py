"""Match latency against an archive of a million claims in PostgreSQL ("has this been checked?").

    python bench/matching_latency.py [--entries 1000000] [--quick] [--fresh] [--drop] [--explain]

Fills a database of its own (``factcheck_match_bench`` on postgres://postgres@127.0.0.1:5432 unless
BENCH_DATABASE_URL says otherwise) with imported fact-checks and their archive entries: texts of
8-20 words drawn from the word frequencies of ``verified_claims.jsonl`` (so common words are as
common as in real claims), random unit embeddings, tsvectors and the GIN index. Then times each
query of ``dev.jsonl`` (tweets) through ``selectors.archive_match``: the full-text candidates and
the re-ranking, and separately the query's embedding (the ONNX session warm). Prints p50/p95/max
in milliseconds and writes ``bench/results/matching_latency[-quick].json``. ``--quick``: 20,000
entries, one pass. Without ``../shared/data`` it exits 0 saying it skipped (the words and queries
come from there).
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import admin_changelist  # noqa: E402
from admin_changelist import drop_database, ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_match_bench"
DATA = (
    Path(os.environ.get("FACTCHECK_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "claim-matching"
)
VOCABULARY = 5000
DISTINCT_VECTORS = 4096
RESULTS = ROOT / "bench" / "results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20,000 entries, one pass")
    parser.add_argument("--repeats", type=int, default=2, help="passes over the dev queries")
    parser.add_argument("--fresh", action="store_true", help="rebuild the database first")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--explain", action="store_true", help="print the slowest query's plan")
    args = parser.parse_args()
    if args.quick:
        args.entries, args.repeats = 20_000, 1
    return args


def vocabulary() -> tuple[list[str], list[float]]:
    counts: Counter[str] = Counter()
    for line in (DATA / "verified_claims.jsonl").read_text(encoding="utf-8").splitlines():
        counts.update(re.findall(r"[a-z0-9]+", json.loads(line)["claim"].lower()))
    words = counts.most_common(VOCABULARY)
    total = sum(c for _, c in words)
    return [w for w, _ in words], [c / total for _, c in words]


def fill(entries: int) -> None:
    """Fact-checks and archive entries in bulk: texts and vectors made here, COPY-ed in."""
    import numpy as np
    from django.db import connection

    from claims.matching.ranking import pack_vectors

    words, weights = vocabulary()
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((DISTINCT_VECTORS, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    blobs = [pack_vectors(v, None) for v in vectors]
    started = time.perf_counter()
    raw = connection.connection  # psycopg 3: COPY straight from Python
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE claims_claimmatch, claims_archivevector, claims_archiveentry, "
                       "claims_externalfactcheck RESTART IDENTITY CASCADE")  # fmt: skip
        cursor.execute("DROP INDEX IF EXISTS archive_entry_search")
    chunk = 100_000
    with raw.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        for start in range(0, entries, chunk):
            n = min(chunk, entries - start)
            lengths = rng.integers(8, 21, size=n)
            picks = rng.choice(len(words), size=int(lengths.sum()), p=weights)
            texts, offset = [], 0
            for length in lengths:
                texts.append(" ".join(words[i] for i in picks[offset : offset + length]))
                offset += length
            with cur.copy(
                "COPY claims_externalfactcheck (id, source_key, claim_reviewed, title, rating, "
                "outlet, url, imported_at) FROM STDIN"
            ) as copy:
                for k, text in enumerate(texts):
                    i = start + k + 1
                    copy.write_row((i, f"bench:{i}", text, "", "False", "Bench", "", "2026-01-01"))
            with cur.copy(
                "COPY claims_archiveentry (id, factcheck_id, text, title, encoder_version, "
                "created_at) FROM STDIN"
            ) as copy:
                for k, text in enumerate(texts):
                    i = start + k + 1
                    copy.write_row((i, i, text, "", "bench", "2026-01-01"))
            with cur.copy("COPY claims_archivevector (entry_id, embedding) FROM STDIN") as copy:
                for k in range(n):
                    i = start + k + 1
                    copy.write_row((i, blobs[i % DISTINCT_VECTORS]))
            raw.commit()
            print(f"  {start + n:,} entries ({time.perf_counter() - started:.0f} s)", flush=True)
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute(
            "UPDATE claims_archiveentry SET search = setweight(to_tsvector('english', text), 'A')"
        )
        raw.commit()
        print(f"  tsvectors ({time.perf_counter() - started:.0f} s)", flush=True)
        cur.execute(
            "CREATE INDEX archive_entry_search ON claims_archiveentry USING gin (search) "
            "WITH (fastupdate = off)"  # as migration 0013 leaves it
        )
        for table in ("claims_externalfactcheck", "claims_archiveentry"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {entries})")
        cur.execute("ANALYZE claims_archiveentry")
        cur.execute("ANALYZE claims_archivevector")
        raw.commit()
    print(f"filled {entries:,} entries in {time.perf_counter() - started:.0f} s")


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def percentiles(samples: list[float]) -> str:
    return (
        f"p50 {statistics.median(samples):6.1f}  p95 {p95(samples):6.1f}  max {max(samples):6.1f}"
    )


def main() -> None:
    args = parse_args()
    if not (DATA / "dev.jsonl").exists():
        print(f"skipped: the words and the queries come from {DATA}, which is absent")
        return
    # The admin bench's guard (never the DATABASE_URL database), with this bench's default.
    admin_changelist.DEFAULT_URL = DEFAULT_URL
    url = admin_changelist.database_url()
    ensure_database(url, fresh=args.fresh)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims import selectors
    from claims.matching.encoder import sentence_encoder
    from claims.matching.ranking import ranker
    from claims.models import ArchiveEntry

    call_command("migrate", verbosity=0)
    if ArchiveEntry.objects.count() != args.entries:
        print(f"filling {args.entries:,} archive entries…")
        connection.ensure_connection()
        connection.connection.autocommit = False
        fill(args.entries)
        connection.connection.autocommit = True
    encoder, weights = sentence_encoder(), ranker()
    queries = [json.loads(line)["text"] for line in (DATA / "dev.jsonl").read_text().splitlines()]
    embed_ms, match_ms, slowest = [], [], (0.0, "")
    for text in queries[:5]:  # warm the caches and the session
        selectors.archive_match(text=text, vector=encoder.encode([text])[0], ranker=weights)
    for _ in range(args.repeats):
        for text in queries:
            t0 = time.perf_counter()
            vector = encoder.encode([text])[0]
            t1 = time.perf_counter()
            selectors.archive_match(text=text, vector=vector, ranker=weights)
            t2 = time.perf_counter()
            embed_ms.append((t1 - t0) * 1000)
            match_ms.append((t2 - t1) * 1000)
            slowest = max(slowest, (match_ms[-1], text))
    total = [a + b for a, b in zip(embed_ms, match_ms, strict=True)]
    print(f"{ArchiveEntry.objects.count():,} archive entries, {len(match_ms)} queries (dev.jsonl)")
    print(f"  retrieval (full text + re-rank)  {percentiles(match_ms)}  ms")
    print(f"  query embedding                  {percentiles(embed_ms)}  ms")
    print(f"  total                            {percentiles(total)}  ms")
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {
        name: {"p50_ms": round(statistics.median(v), 1), "p95_ms": round(p95(v), 1)}
        for name, v in (("retrieval", match_ms), ("embedding", embed_ms), ("total", total))
    }
    (
        RESULTS / ("matching_latency-quick.json" if args.quick else "matching_latency.json")
    ).write_text(
        json.dumps(
            {
                "entries": args.entries,
                "queries": len(match_ms),
                **figures,
                "load_average": os.getloadavg(),
                "measured_at": time.strftime("%Y-%m-%d %H:%M"),
            },
            indent=2,
        )  # fmt: skip
        + "\n"
    )
    if args.explain:
        from claims.selectors import matching

        captured: list = []

        def capture(run, sql, params, many, context):  # type: ignore[no-untyped-def]
            if sql == matching._PG_CANDIDATES:
                captured.append(params)
            return run(sql, params, many, context)

        # The plan of the slowest query's candidates, with the lexemes it chose.
        with connection.execute_wrapper(capture):
            matching.archive_lexical_candidates(text=slowest[1])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + matching._PG_CANDIDATES, captured[-1])
            print("\n".join(row[0] for row in cursor.fetchall()))
    if args.drop:
        drop_database(url)


if __name__ == "__main__":
    main()
