"""The matching encoder's fine-tuning, end to end on a tiny archive: hard negatives from the
lexical candidates, a few steps of the multiple-negatives loss, a cross-validation, the int8
export, and the artifact read back by ``claims.matching.encoder``.

Needs PyTorch and the base model's package (the train extra): left out with a message elsewhere,
run in CI."""

import json
from pathlib import Path

import numpy as np
import torch

from claims.matching.encoder import SentenceEncoder
from workers.training import train_sentence_encoder
from workers.training.export_sentence_encoder import load

TOPICS = [
    ("The city council approved {n} new bus lines.", "Council votes for {n} bus routes"),
    ("A vaccine contains {n} microchips.", "Do vaccines contain {n} microchips?"),
    ("The river flooded {n} villages in March.", "Did {n} villages flood?"),
    ("Taxes rose by {n} percent for families.", "Family taxes up {n}%?"),
]


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _data(directory: Path) -> None:
    archive, queries = [], []
    for n in range(3):
        for claim, title in TOPICS:
            archive.append({"id": str(len(archive)), "claim": claim.format(n=n + 2),
                            "title": title.format(n=n + 2)})  # fmt: skip
            queries.append({"id": f"q{len(queries)}", "text": f"wow {claim.format(n=n + 2)} #news",
                            "matches": [str(len(archive) - 1)]})  # fmt: skip
    _write(directory / "verified_claims.jsonl", archive)
    _write(directory / "train.jsonl", queries[:8])
    _write(directory / "dev.jsonl", queries[8:])


def test_it_fine_tunes_cross_validates_and_exports_an_artifact_the_matcher_loads(
    tmp_path: Path,
) -> None:
    _data(tmp_path)
    out = tmp_path / "artifact"
    train_sentence_encoder.main(
        ["--data", str(tmp_path), "--out", str(out), "--epochs", "1", "--batch-size", "4",
         "--hard-negatives", "2", "--cv", "2", "--weights", str(tmp_path / "encoder.pt")]
    )  # fmt: skip
    meta = json.loads((out / "model.json").read_text())
    figures = meta["training"]["figures"]
    assert set(figures) == {"base_dev", "base_cv", "cv", "dev"}
    assert all(0.0 <= figures[view]["map5"] <= 1.0 for view in figures)
    assert min(meta["int8_vs_fp32_cosine_on_probes"]) > 0.95
    encoder = SentenceEncoder(out)
    vectors = encoder.encode(["The city council approved 3 new bus lines.", "Taxes rose."])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # The saved weights are the fine-tuned ones: they differ from the base checkpoint's.
    tuned, base = torch.load(tmp_path / "encoder.pt"), load().state_dict()
    name = "bert.encoder.layer.5.output.dense.weight"
    assert not torch.equal(tuned[name], base[name])
