"""Learn the matcher's re-ranking weights on train.jsonl and choose the regularisation on dev.jsonl.

    python -m workers.training.train_matcher --data ../shared/data/claim-matching

Writes ``claims/matching/artifact/ranker.json`` (weights in ``claims.matching.ranking.FEATURES``
order) with the dev figures it was chosen by. Logistic regression on (query, candidate) pairs,
positives the annotated matches among the lexical candidates.
"""

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from claims.matching.encoder import DEFAULT_ARTIFACT_PATH, sentence_encoder
from claims.matching.memory import MemoryArchive, average_precision
from claims.matching.ranking import FEATURES, Ranker


def _queries(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DEFAULT_ARTIFACT_PATH / "ranker.json")
    args = parser.parse_args()
    encoder = sentence_encoder()
    archive = MemoryArchive.from_jsonl(args.data / "verified_claims.jsonl", encoder)
    train, dev = _queries(args.data / "train.jsonl"), _queries(args.data / "dev.jsonl")
    train_vectors = encoder.encode([q["text"] for q in train])
    dev_vectors = encoder.encode([q["text"] for q in dev])
    x: list[np.ndarray] = []
    y: list[bool] = []
    for query, vector in zip(train, train_vectors, strict=True):
        found = archive.candidates(query["text"], vector)
        x.append(found.rows)
        y.extend(i in set(query["matches"]) for i in found.ids)
    features, labels = np.concatenate(x), np.array(y)
    best: tuple[float, float, Ranker] | None = None
    for c in (0.03, 0.1, 0.3, 1.0, 3.0, 10.0):
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        model.fit(features, labels)
        ranker = Ranker(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))
        score = float(
            np.mean(
                [
                    average_precision(archive.rank(q["text"], v, ranker), set(q["matches"]))
                    for q, v in zip(dev, dev_vectors, strict=True)
                ]
            )
        )
        print(f"C={c}: dev MAP@5 {score:.4f}")
        if best is None or score > best[0]:
            best = (score, c, ranker)
    assert best is not None
    score, c, ranker = best
    args.out.write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(w, 5) for w in ranker.weights],
                "bias": round(ranker.bias, 5),
                "chosen_on": {"file": "dev.jsonl", "C": c, "map_at_5": round(score, 4)},
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out} (C={c}, dev MAP@5 {score:.4f})")


if __name__ == "__main__":
    main()
