"""``manage.py evaluate_matching --archive PATH --data PATH``: MAP@5, recall@1, recall@5, latency.

``--through-database`` ranks through the configured database with the production code
(``selectors.archive_match``), after importing the archive into it as fact-checks (as
``import_factchecks`` would; ones already there are skipped): PostgreSQL's ``ts_rank`` and
stemmer instead of the in-memory SQLite FTS5 twin, with the ranker's weights for that database
when ``ranker.json`` has them (``train_matcher --through-database``)."""

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from claims import selectors, services
from claims.matching.encoder import SentenceEncoder, sentence_encoder
from claims.matching.formats import parse_factchecks
from claims.matching.memory import MemoryArchive, average_precision
from claims.matching.ranking import Ranker, ranker


class Command(BaseCommand):
    help = (
        "Rank an archive (verified_claims.jsonl format) for each query of a claim-matching file "
        "(train/dev.jsonl format) with the matcher, and print the lab's measures and the latency."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--archive", type=Path, required=True)
        parser.add_argument("--data", type=Path, required=True, nargs="+")
        parser.add_argument("--ranker", help="a ranker.json other than the committed one")
        parser.add_argument(
            "--through-database",
            action="store_true",
            help="import the archive into the configured database and rank with it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for path in (options["archive"], *options["data"]):
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
        encoder = sentence_encoder()
        try:
            weights = ranker(options["ranker"])
            if options["through_database"]:
                rank, size = _database_ranking(options["archive"], encoder, weights)
            else:
                archive = MemoryArchive.from_jsonl(options["archive"], encoder)
                size = len(archive.ids)

                def rank(text: str, vector: np.ndarray) -> list[str]:
                    return archive.rank(text, vector, weights)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"cannot read the archive or ranker: {exc}") from None
        where = "in memory"
        fitted_on = "in-memory (SQLite FTS5) candidates"
        if options["through_database"]:
            where = f"through the database ({connection.vendor})"
            if weights.for_backend(connection.vendor) is not weights:
                fitted_on = f"{connection.vendor} candidates"
        self.stdout.write(f"archive {options['archive']}: {size:,} claims, ranked {where}")
        self.stdout.write(f"ranker weights fitted on {fitted_on}")
        self.stdout.write(f"{'file':<24} {'queries':>7} {'MAP@5':>6} {'R@1':>6} {'R@5':>6} "
                          f"{'p50 ms':>7} {'p95 ms':>7}")  # fmt: skip
        for path in options["data"]:
            queries = _queries(path)
            aps, r1, r5, latencies = [], [], [], []
            for query in queries:
                relevant = {str(m) for m in query["matches"]}
                started = time.perf_counter()
                vector = encoder.encode([query["text"]])[0]
                ranked = rank(query["text"], vector)
                latencies.append((time.perf_counter() - started) * 1000)
                aps.append(average_precision(ranked, relevant))
                r1.append(bool(ranked[:1]) and ranked[0] in relevant)
                r5.append(bool(relevant & set(ranked[:5])))
            p50, p95 = np.percentile(latencies, [50, 95]) if latencies else (0.0, 0.0)
            self.stdout.write(
                f"{path.name:<24} {len(queries):>7} {np.mean(aps):>6.3f} {np.mean(r1):>6.3f} "
                f"{np.mean(r5):>6.3f} {p50:>7.1f} {p95:>7.1f}"
            )


def _database_ranking(
    path: Path, encoder: SentenceEncoder, weights: Ranker
) -> tuple[Callable[[str, np.ndarray], list[str]], int]:
    """Import the archive as fact-checks (idempotent), then rank with ``selectors.archive_match``;
    returns the ranking function (archive ids, best first) and the archive's size."""
    records, errors = parse_factchecks(path.read_text(encoding="utf-8"), default_outlet="")
    if errors:
        raise ValueError(f"{path}: {errors[0].where}: {errors[0].reason}")
    services.factchecks_import(records=records, encoder=encoder)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE claims_archiveentry")

    def rank(text: str, vector: np.ndarray) -> list[str]:
        results = selectors.archive_match(text=text, vector=vector, ranker=weights, limit=5)
        return [
            r.factcheck.source_key.removeprefix("verified_claims:")
            for r in results
            if r.factcheck is not None
        ]

    return rank, len(records)


def _queries(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row.get("text"), str) or not isinstance(row.get("matches"), list):
                raise ValueError("needs text and matches")
        except (ValueError, AttributeError) as exc:
            raise CommandError(f"{path}:{number}: not a claim-matching query ({exc})") from None
        rows.append(row)
    return rows
