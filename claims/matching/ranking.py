"""The re-ranker: a linear combination of the lexical score and the embedding similarities.

Pure numpy. The weights are learned on ``train.jsonl`` and chosen on ``dev.jsonl`` by
``workers.training.train_matcher`` and committed as ``artifact/ranker.json``: the top-level
weights for the in-memory archive and SQLite (FTS5 BM25), and under ``"backends"`` the weights
fitted on what another database's full-text search produces (PostgreSQL's ``ts_rank`` and
stemmer rank the candidates differently, so the lexical feature means something else there).
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from claims.matching.encoder import DEFAULT_ARTIFACT_PATH, DIMENSIONS

FEATURES = ("cos_text", "cos_title", "cos_best", "lexical")


def pack_vectors(text_vector: np.ndarray, title_vector: np.ndarray | None) -> bytes:
    """Stored form of an entry's embeddings: float16, the text's then the title's (or zeros)."""
    title = title_vector if title_vector is not None else np.zeros(DIMENSIONS, np.float32)
    return np.concatenate([text_vector, title]).astype(np.float16).tobytes()


def unpack_vectors(blobs: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(text vectors, title vectors) as float32 arrays of shape (n, 384)."""
    if not blobs:
        empty = np.zeros((0, DIMENSIONS), np.float32)
        return empty, empty
    both = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=np.float16)
    both = both.reshape(len(blobs), 2, DIMENSIONS).astype(np.float32)
    return both[:, 0], both[:, 1]


def features(
    query: np.ndarray, texts: np.ndarray, titles: np.ndarray, lexical: np.ndarray
) -> np.ndarray:
    """One row of ``FEATURES`` per candidate; the lexical score is scaled to the best candidate's."""
    cos_text = texts @ query
    cos_title = titles @ query
    top = float(lexical.max()) if len(lexical) else 0.0
    scaled = lexical / top if top > 0 else np.zeros_like(lexical)
    return np.stack([cos_text, cos_title, np.maximum(cos_text, cos_title), scaled], axis=1)


@dataclass(frozen=True)
class Ranker:
    weights: tuple[float, ...]
    bias: float = 0.0
    # (database vendor, its own weights), for the backends whose features differ from SQLite's.
    backends: tuple[tuple[str, "Ranker"], ...] = ()

    def for_backend(self, vendor: str) -> "Ranker":
        """The weights fitted on ``vendor``'s features (``connection.vendor``), else these."""
        return dict(self.backends).get(vendor, self)

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Higher is a likelier match; only the order matters."""
        if not len(rows):
            return np.zeros(0, np.float32)
        return rows @ np.asarray(self.weights, dtype=np.float32) + self.bias


@lru_cache(maxsize=2)
def ranker(path: str | None = None) -> Ranker:
    """The committed ranker (or one from ``path``), loaded once per process."""
    file = Path(path) if path else DEFAULT_ARTIFACT_PATH / "ranker.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"ranker features {data['features']} differ from {FEATURES}")
    backends = tuple(
        (str(vendor), _weights(fitted, f"{file}: backends.{vendor}"))
        for vendor, fitted in data.get("backends", {}).items()
    )
    top = _weights(data, str(file))
    return Ranker(top.weights, top.bias, backends)


def _weights(data: dict, where: str) -> Ranker:
    weights = tuple(float(w) for w in data["weights"])
    if len(weights) != len(FEATURES):
        raise ValueError(f"{where}: {len(weights)} weights for {len(FEATURES)} features")
    return Ranker(weights, float(data.get("bias", 0.0)))
