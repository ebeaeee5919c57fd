"""An archive held in memory (SQLite FTS5 + numpy), for evaluating and training the matcher on
files in the claim-matching JSONL format with the same lexical query and re-ranker as the database.
"""

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from claims.matching.encoder import Encoder
from claims.matching.lexical import (
    fts5_candidates,
    fts5_query,
    rarest_terms,
    search_terms,
)
from claims.matching.ranking import Ranker, features

CANDIDATES = 100


@dataclass(frozen=True)
class Candidates:
    ids: list[str]
    rows: np.ndarray  # one row of ranking.FEATURES per id


class MemoryArchive:
    def __init__(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        titles: Sequence[str],
        encoder: Encoder,
    ) -> None:
        self.ids = list(ids)
        self._counts: dict[str, int] = {}
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE f USING fts5(text, title, tokenize='porter unicode61')"
        )
        self.db.executemany(
            "INSERT INTO f(rowid, text, title) VALUES (?, ?, ?)",
            [(i, text, title) for i, (text, title) in enumerate(zip(texts, titles, strict=True))],
        )
        self.embed(encoder, texts, titles)

    def embed(self, encoder: Encoder, texts: Sequence[str], titles: Sequence[str]) -> None:
        """(Re-)embed the entries: another encoder is tried on the same lexical index."""
        self.texts = encoder.encode(texts)
        self.titles = encoder.encode(titles)
        self.titles[[not t for t in titles]] = 0.0

    @classmethod
    def from_jsonl(cls, path: Path, encoder: Encoder) -> "MemoryArchive":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        return cls(
            [str(r["id"]) for r in rows],
            [r["claim"] for r in rows],
            [r.get("title", "") for r in rows],
            encoder,
        )

    def candidates(self, text: str, vector: np.ndarray, *, limit: int = CANDIDATES) -> Candidates:
        """The lexical top ``limit`` for ``text`` with their re-ranking features."""
        index, lexical = self.lexical(text, limit=limit)
        rows = features(vector, self.texts[index], self.titles[index], lexical)
        return Candidates([self.ids[i] for i in index], rows)

    def lexical(self, text: str, *, limit: int = CANDIDATES) -> tuple[np.ndarray, np.ndarray]:
        """(row indexes, lexical scores) of the lexical top ``limit``: no embedding involved."""
        terms = rarest_terms(search_terms(text), self._count, total=len(self.ids))
        found = (
            fts5_candidates(
                lambda sql, params: self.db.execute(sql, params).fetchall(),
                terms,
                table="f",
                limit=limit,
            )  # fmt: skip
            if terms
            else []
        )
        index = np.array([r[0] for r in found], dtype=np.int64)
        return index, np.array([r[1] for r in found], dtype=np.float32)

    def _count(self, term: str) -> int:
        """How many of the archive's entries contain ``term`` (stemmed as FTS5 stems it)."""
        if term not in self._counts:
            (count,) = self.db.execute(
                "SELECT count(*) FROM f WHERE f MATCH ?", (fts5_query([term]),)
            ).fetchone()
            self._counts[term] = int(count)
        return self._counts[term]

    def rank(self, text: str, vector: np.ndarray, ranker: Ranker, *, top: int = 5) -> list[str]:
        """The ``top`` archive ids for a query, best first."""
        found = self.candidates(text, vector)
        order = np.argsort(-ranker.score(found.rows), kind="stable")[:top]
        return [found.ids[i] for i in order]


def average_precision(ranked: Sequence[str], relevant: set[str], *, k: int = 5) -> float:
    """AP@k as the CheckThat! lab computes it: precision at each hit, over min(|relevant|, k)."""
    hits, total = 0, 0.0
    for position, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / position
    return total / min(len(relevant), k) if relevant else 0.0
