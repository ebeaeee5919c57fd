"""Learn the matcher's re-ranking weights on train.jsonl and choose the regularisation on dev.jsonl.

    python -m workers.training.train_matcher --data ../shared/data/claim-matching
    python -m workers.training.train_matcher --data ../shared/data/claim-matching --through-database

Writes ``claims/matching/artifact/ranker.json`` (weights in ``claims.matching.ranking.FEATURES``
order) with the dev figures it was chosen by. Logistic regression on (query, candidate) pairs,
positives the annotated matches among the lexical candidates.

By default the candidates come from the in-memory archive (SQLite FTS5 BM25), and the top-level
weights are written. ``--through-database`` takes them from the configured database's own
full-text search with the production selector (``selectors.archive_candidate_features``; import
the archive first, e.g. with ``evaluate_matching --through-database``) and writes the weights
under ``"backends"`` for that database's vendor, keeping the rest of the file.
"""

import argparse
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from claims.matching.encoder import DEFAULT_ARTIFACT_PATH, sentence_encoder
from claims.matching.memory import MemoryArchive, average_precision
from claims.matching.ranking import FEATURES, Ranker

C_VALUES = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass(frozen=True)
class Candidates:
    ids: list[str]  # archive ids (verified_claims.jsonl), in the lexical order
    rows: np.ndarray  # one row of FEATURES per id
    relevant: set[str]


# (query text, its embedding) -> (candidate archive ids in lexical order, their feature rows)
Source = Callable[[str, np.ndarray], tuple[list[str], np.ndarray]]


def _queries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def gather(queries: Sequence[dict], vectors: np.ndarray, source: Source) -> list[Candidates]:
    """Each query's candidates and features from ``source``, with its annotated matches."""
    found = []
    for query, vector in zip(queries, vectors, strict=True):
        ids, rows = source(query["text"], vector)
        found.append(Candidates(ids, rows, {str(m) for m in query["matches"]}))
    return found


def map_at_5(ranker: Ranker, queries: Sequence[Candidates]) -> float:
    """MAP@5 of ranking each query's candidates by ``ranker`` (ties kept in lexical order, as the
    selector and the in-memory archive break them)."""
    scores = []
    for q in queries:
        order = np.argsort(-ranker.score(q.rows), kind="stable")[:5]
        scores.append(average_precision([q.ids[i] for i in order], q.relevant))
    return float(np.mean(scores)) if scores else 0.0


def fit(
    train: Sequence[Candidates], dev: Sequence[Candidates], *, report: Callable[[str], None] = print
) -> tuple[float, float, Ranker]:
    """(dev MAP@5, C, ranker) of the regularisation that does best on ``dev``."""
    features = np.concatenate([q.rows for q in train])
    labels = np.array([i in q.relevant for q in train for i in q.ids])
    best: tuple[float, float, Ranker] | None = None
    for c in C_VALUES:
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        model.fit(features, labels)
        ranker = Ranker(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))
        score = map_at_5(ranker, dev)
        report(f"C={c}: dev MAP@5 {score:.4f}")
        if best is None or score > best[0]:
            best = (score, c, ranker)
    assert best is not None
    return best


def write(out: Path, ranker: Ranker, *, c: float, score: float, backend: str | None) -> None:
    """Write the weights to ``out``: top-level (in memory, SQLite) or under ``backends``."""
    fitted: dict[str, Any] = {
        "weights": [round(w, 5) for w in ranker.weights],
        "bias": round(ranker.bias, 5),
        "chosen_on": {"file": "dev.jsonl", "C": c, "map_at_5": round(score, 4)},
    }
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if backend is None:
        data = {"features": list(FEATURES), **fitted, "backends": data.get("backends", {})}
    else:
        if "weights" not in data:
            raise SystemExit(f"{out}: fit the in-memory weights first (without --through-database)")
        data.setdefault("backends", {})[backend] = {**fitted, "fitted_on": f"{backend} candidates"}
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _memory_source(data: Path, encoder: Any) -> Source:
    archive = MemoryArchive.from_jsonl(data / "verified_claims.jsonl", encoder)

    def source(text: str, vector: np.ndarray) -> tuple[list[str], np.ndarray]:
        found = archive.candidates(text, vector)
        return found.ids, found.rows

    return source


def _database_source() -> tuple[Source, str]:
    """Candidates through the configured database (Django set up here), and its vendor."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.db import connection

    from claims import selectors
    from claims.models import ArchiveEntry

    prefix = "verified_claims:"
    archive_id = {
        pk: key.removeprefix(prefix)
        for pk, key in ArchiveEntry.objects.filter(
            factcheck__source_key__startswith=prefix
        ).values_list("pk", "factcheck__source_key")
    }
    if not archive_id:
        raise SystemExit(
            "the database holds no imported verified_claims.jsonl: run "
            "`manage.py evaluate_matching --through-database` (or import_factchecks) first"
        )

    def source(text: str, vector: np.ndarray) -> tuple[list[str], np.ndarray]:
        found, rows = selectors.archive_candidate_features(text=text, vector=vector)
        return [archive_id.get(f[0], f"entry:{f[0]}") for f in found], rows

    return source, connection.vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DEFAULT_ARTIFACT_PATH / "ranker.json")
    parser.add_argument(
        "--through-database",
        action="store_true",
        help="fit on the configured database's candidates; write them under backends.<vendor>",
    )
    args = parser.parse_args()
    encoder = sentence_encoder()
    backend: str | None = None
    if args.through_database:
        source, backend = _database_source()
    else:
        source = _memory_source(args.data, encoder)
    train, dev = _queries(args.data / "train.jsonl"), _queries(args.data / "dev.jsonl")
    score, c, ranker = fit(
        gather(train, encoder.encode([q["text"] for q in train]), source),
        gather(dev, encoder.encode([q["text"] for q in dev]), source),
    )
    write(args.out, ranker, c=c, score=score, backend=backend)
    where = f"backends.{backend}" if backend else "in memory"
    print(f"wrote {args.out} ({where}: C={c}, dev MAP@5 {score:.4f})")


if __name__ == "__main__":
    main()
