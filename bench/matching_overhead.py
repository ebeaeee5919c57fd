"""CPU that embedding and matching add to a split (target: at most 25% of the split's CPU).

    python bench/matching_overhead.py [--quick] [--archive-size N] [--articles N]

Fills a database of its own (``factcheck_match_overhead`` on postgres://postgres@127.0.0.1:5432
unless BENCH_DATABASE_URL says otherwise) with an archive of fact-checks from
``verified_claims.jsonl`` (all 10,389; ``--quick`` 500), then for each article (the sample article
in the repository, then pseudo-articles of 30 sentences of ``ct24_task1_en_dev.jsonl``) runs the
split (``services.article_extract_claims`` with the worker's extractor, spaCy and the
check-worthiness scorer) and then the match task's service (``services.article_match_claims``:
embed the claims, store them in the archive, rank the archive for each). CPU is counted in this
process (``time.process_time``: onnxruntime runs on one thread) plus the PostgreSQL backend's own
CPU (``/proc/<pid>/stat`` of ``pg_backend_pid()``, on this machine), so the database's work counts
on both sides. Without ``../shared/data`` it exits 0 saying it skipped (the archive is the data set).
"""

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import admin_changelist  # noqa: E402
from admin_changelist import drop_database, ensure_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_match_overhead"
SHARED = Path(os.environ.get("FACTCHECK_SHARED_DATA", ROOT.parent / "shared" / "data"))
ARCHIVE = SHARED / "claim-matching" / "verified_claims.jsonl"
SENTENCES = SHARED / "checkworthiness" / "ct24_task1_en_dev.jsonl"
SAMPLE = ROOT / "claims" / "sample" / "patriot-article.txt"
RESULTS = ROOT / "bench" / "results"
PER_ARTICLE = 30


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 archive entries, 3 articles")
    parser.add_argument("--archive-size", type=int, help="fact-checks imported (default: all)")
    parser.add_argument("--articles", type=int, default=20, help="articles split and matched")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="compare the matches stored at split time with those 100 candidates would give",
    )
    args = parser.parse_args()
    if args.quick:
        args.archive_size, args.articles = args.archive_size or 500, min(args.articles, 3)
    return args


def bodies(count: int) -> list[str]:
    """The sample article, then pseudo-articles of consecutive debate sentences."""
    from workers.training.cw_metrics import document_sentences, read_jsonl_documents

    out = [SAMPLE.read_text(encoding="utf-8")]
    texts, _ = document_sentences(read_jsonl_documents(SENTENCES))
    for start in range(0, len(texts), PER_ARTICLE):
        if len(out) >= count:
            break
        out.append(" ".join(texts[start : start + PER_ARTICLE]))
    return out[:count]


class TimedEncoder:
    """The encoder, counting the CPU seconds spent in ``encode`` (the embedding's share)."""

    def __init__(self, encoder: Any) -> None:
        self.encoder, self.version, self.cpu_s = encoder, encoder.version, 0.0

    def encode(self, texts: Sequence[str]) -> Any:
        started = time.process_time()
        try:
            return self.encoder.encode(texts)
        finally:
            self.cpu_s += time.process_time() - started


def split_agreement(texts: list[str], vectors: Any, excluded: list[frozenset[int]]) -> list[int]:
    """[pairs the split stores, pairs 100 candidates would give, pairs in both, texts whose ranked
    matches are identical]: the split reads ``SPLIT_CANDIDATES`` lexical candidates per text."""
    from django.conf import settings

    from claims import selectors
    from claims.matching.ranking import ranker
    from claims.selectors.matching import CANDIDATES
    from claims.services.matching import SPLIT_CANDIDATES

    def kept(limit: int) -> list[list[int]]:
        found = selectors.archive_candidate_features_many(texts=texts, vectors=vectors, limit=limit)
        results = selectors.archive_match_many(
            candidates=found,
            ranker=ranker(),
            limit=settings.FACTCHECK_MATCH_SUGGESTIONS,
            exclude_claim_ids=excluded,
            min_similarity=settings.FACTCHECK_MATCH_SUGGEST_SIMILARITY,
        )
        return [[r.entry.pk for r in rs] for rs in results]

    split, full = kept(SPLIT_CANDIDATES), kept(CANDIDATES)
    pairs = [{(n, e) for n, es in enumerate(side) for e in es} for side in (split, full)]
    same = sum(a == b for a, b in zip(split, full, strict=True))
    return [len(pairs[0]), len(pairs[1]), len(pairs[0] & pairs[1]), same]


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a PostgreSQL backend on this machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    args = parse_args()
    if not ARCHIVE.exists() or not SENTENCES.exists():
        print(f"skipped: the archive and articles come from {SHARED}, which is absent")
        return 0
    admin_changelist.DEFAULT_URL = DEFAULT_URL
    url = admin_changelist.database_url()
    ensure_database(url, fresh=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims import services
    from claims.matching.encoder import sentence_encoder
    from claims.matching.formats import parse_factchecks
    from claims.matching.ranking import ranker, unpack_vectors
    from claims.models import Article, Claim
    from claims.selectors.matching import CANDIDATES
    from claims.text import content_hash
    from workers.nlp import extract_article, get_nlp, get_scorer

    call_command("migrate", verbosity=0)
    lines = ARCHIVE.read_text(encoding="utf-8").splitlines()[: args.archive_size]
    records, _ = parse_factchecks("\n".join(lines) + "\n", default_outlet="Snopes")
    started = time.perf_counter()
    onnx, weights = sentence_encoder(), ranker()
    encoder = TimedEncoder(onnx)
    services.factchecks_import(records=records, encoder=encoder)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_archiveentry")
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    print(f"archive: {len(records):,} fact-checks ({time.perf_counter() - started:.0f} s)")
    get_nlp(), get_scorer()  # loaded once per worker process, not part of a split

    def cpu() -> float:
        return time.process_time() + backend_cpu(pid)

    split_s = match_s = embed_s = 0.0
    claims = words = 0
    agreement = [0, 0, 0, 0]
    articles = bodies(args.articles)
    # The first one (the sample article once more) warms up: spaCy and onnxruntime allocate.
    for number, body in enumerate([articles[0] + " Warm-up.", *articles]):
        article = Article.objects.create(
            title=f"Bench {number}", body=body, source="bench", content_hash=content_hash(body)
        )
        t0 = cpu()
        outcome = services.article_extract_claims(article_id=article.pk, extractor=extract_article)
        t1, embedded = cpu(), encoder.cpu_s
        services.article_match_claims(article_id=article.pk, encoder=encoder, ranker=weights)
        t2 = cpu()
        if number == 0:
            continue
        split_s, match_s = split_s + t1 - t0, match_s + t2 - t1
        embed_s += encoder.cpu_s - embedded
        claims, words = claims + outcome.claims, words + len(body.split())
        if args.agreement:  # after the timing: the same claims, the same archive
            claim_rows = list(
                Claim.objects.filter(article=article)
                .order_by("position")
                .values_list("pk", "text", "archive_entry__vector__embedding")
            )
            article_claims = frozenset(pk for pk, *_ in claim_rows)
            # The claims in the archive: those not checkable are left out until judged.
            rows = [row for row in claim_rows if row[2] is not None]
            vectors, _ = unpack_vectors([bytes(blob) for *_, blob in rows])
            found = split_agreement([t for _, t, _ in rows], vectors, [article_claims] * len(rows))
            agreement = [a + b for a, b in zip(agreement, found, strict=True)]
    share = match_s / split_s if split_s else 0.0
    counts = [0, 0, 0, 0]
    if args.agreement:
        tweets = [
            json.loads(line)["text"]
            for name in ("dev.jsonl", "train.jsonl")
            for line in (ARCHIVE.parent / name).read_text(encoding="utf-8").splitlines()
        ]
        for start in range(0, len(tweets), PER_ARTICLE):
            batch = tweets[start : start + PER_ARTICLE]
            found = split_agreement(batch, onnx.encode(batch), [frozenset()] * len(batch))
            counts = [a + b for a, b in zip(counts, found, strict=True)]
        for what, (split, full, both, same), n in (
            ("claims", agreement, claims),
            ("dev+train tweets", counts, len(tweets)),
        ):
            print(
                f"  stored matches, split's candidates vs {CANDIDATES}, {what}: "
                f"{split} vs {full} pairs, {both} in both (recall {both / max(full, 1):.1%}); "
                f"the same ranked list for {same} of {n}"
            )
    print(
        f"{len(articles)} articles, {words:,} words, {claims} claims; archive {len(records):,}\n"
        f"  split (spaCy, scorer, claims stored)   {split_s:7.2f} CPU s\n"
        f"  embed + match (archive, ranking, rows) {match_s:7.2f} CPU s"
        f" (of which the embedding {embed_s:.2f})\n"
        f"  matching adds {share:.1%} to the split's CPU (target: at most 25%)"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "matching_overhead-quick.json" if args.quick else "matching_overhead.json"
    (RESULTS / name).write_text(
        json.dumps(
            {
                "articles": len(articles),
                "words": words,
                "claims": claims,
                "archive": len(records),
                "split_cpu_s": round(split_s, 3),
                "match_cpu_s": round(match_s, 3),
                "embed_cpu_s": round(embed_s, 3),
                "share": round(share, 4),
                # [pairs stored at split time, pairs with 100 candidates, in both, same lists]
                "agreement_claims": agreement if args.agreement else None,
                "agreement_tweets": counts if args.agreement else None,
                "load_average": os.getloadavg(),
                "measured_at": time.strftime("%Y-%m-%d %H:%M"),
            },
            indent=2,
        )  # fmt: skip
        + "\n"
    )
    if args.drop:
        drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
