"""``manage.py evaluate_matching --archive PATH --data PATH``: MAP@5, recall@1, recall@5, latency."""

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from claims.matching.encoder import sentence_encoder
from claims.matching.memory import MemoryArchive, average_precision
from claims.matching.ranking import ranker


class Command(BaseCommand):
    help = (
        "Rank an archive (verified_claims.jsonl format) for each query of a claim-matching file "
        "(train/dev.jsonl format) with the matcher, and print the lab's measures and the latency."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--archive", type=Path, required=True)
        parser.add_argument("--data", type=Path, required=True, nargs="+")
        parser.add_argument("--ranker", help="a ranker.json other than the committed one")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in (options["archive"], *options["data"]):
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
        encoder = sentence_encoder()
        try:
            archive = MemoryArchive.from_jsonl(options["archive"], encoder)
            weights = ranker(options["ranker"])
        except (ValueError, KeyError) as exc:
            raise CommandError(f"cannot read the archive or ranker: {exc}") from None
        self.stdout.write(f"archive {options['archive']}: {len(archive.ids):,} claims")
        self.stdout.write(f"{'file':<24} {'queries':>7} {'MAP@5':>6} {'R@1':>6} {'R@5':>6} "
                          f"{'p50 ms':>7} {'p95 ms':>7}")  # fmt: skip
        for path in options["data"]:
            queries = _queries(path)
            aps, r1, r5, latencies = [], [], [], []
            for query in queries:
                relevant = {str(m) for m in query["matches"]}
                started = time.perf_counter()
                vector = encoder.encode([query["text"]])[0]
                ranked = archive.rank(query["text"], vector, weights)
                latencies.append((time.perf_counter() - started) * 1000)
                aps.append(average_precision(ranked, relevant))
                r1.append(bool(ranked[:1]) and ranked[0] in relevant)
                r5.append(bool(relevant & set(ranked[:5])))
            p50, p95 = np.percentile(latencies, [50, 95]) if latencies else (0.0, 0.0)
            self.stdout.write(
                f"{path.name:<24} {len(queries):>7} {np.mean(aps):>6.3f} {np.mean(r1):>6.3f} "
                f"{np.mean(r5):>6.3f} {p50:>7.1f} {p95:>7.1f}"
            )


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
