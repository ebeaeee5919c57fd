"""The neural model's training command, end to end on a tiny set: fine-tune a few steps, export to
ONNX, quantise, calibrate, and read the artifact back with the worker's scorer.

Needs PyTorch and the base model's package (the train extra): left out with a message elsewhere,
run in CI (``.ci/run`` installs the CPU build)."""

import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from workers.extraction.neural import NeuralScorer
from workers.training import train_neural
from workers.training.minibert import BertEncoder, Classifier

CLAIMS = [
    "Unemployment fell to {n} percent last year.",
    "We cut taxes for {n} million families.",
    "The deficit grew by {n} billion dollars in 2019.",
    "Crime went down {n} percent in our city.",
]
CHATTER = [
    "Thank you all for coming tonight, number {n}.",
    "I love this country and its {n} people.",
    "Good evening, everyone, and welcome to debate {n}.",
    "Let me finish, please, I have {n} seconds.",
]
HELD_OUT_FROM = 28000


def _dataset(path: Path) -> None:
    """40 sentences: 30 older (ids below the held-out cut) and 10 newer, both labels in each."""
    sentences = []
    for i in range(40):
        template = (CLAIMS if i % 2 == 0 else CHATTER)[(i // 2) % 4]
        sentence_id = i if i < 30 else HELD_OUT_FROM + i
        sentences.append(
            {
                "text": template.format(n=i + 2),
                "checkworthy": i % 2 == 0,
                "sentence_id": str(sentence_id),
            }
        )
    path.write_text(json.dumps({"id": "d", "sentences": sentences}) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("train_neural")
    data, out, work = root / "train.jsonl", root / "artifact", root / "work"
    _dataset(data)
    train_neural.main(
        [
            "--train", str(data), "--out", str(out), "--work", str(work),
            "--batch-size", "8", "--max-length", "16", "--stop-at-step", "2", "--threads", "1",
        ]
    )  # fmt: skip
    return {"out": out, "work": work, "data": data}


def test_the_artifact_it_writes_loads_in_the_worker_and_gives_probabilities(trained) -> None:
    scorer = NeuralScorer.load(trained["out"])
    scores = scorer.score([CLAIMS[0].format(n=3), CHATTER[0].format(n=3), "", "word " * 100])
    assert len(scores) == 4
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert 0.0 < scorer.threshold < 1.0


def test_the_metadata_records_the_cut_and_the_held_out_fold(trained) -> None:
    meta = json.loads((trained["out"] / "model.json").read_text())
    assert meta["format"] == "factcheck-checkworthiness-neural/1"
    assert meta["max_length"] == 16
    assert meta["training"]["stopped_at_step"] == 2
    assert meta["training"]["fitted_on"] == f"train sentence_id < {HELD_OUT_FROM} (30 sentences)"
    assert meta["figures"]["int8"]["held_out_newer_train"]["sentences"] == 10
    assert meta["base_license"] == "Apache-2.0"
    assert (trained["out"] / "tokenizer.json").is_file()


def test_the_onnx_export_computes_what_the_torch_model_computes(trained) -> None:
    model = Classifier(BertEncoder.from_pretrained(train_neural.base_model_dir()))
    model.load_state_dict(torch.load(trained["work"] / "classifier.pt"))
    model.eval()
    texts = [CLAIMS[1].format(n=7), CHATTER[2].format(n=1), "Yes."]
    tokenizer = train_neural.load_tokenizer(train_neural.base_model_dir(), 16)
    with torch.no_grad():
        expected = model(*train_neural.encode(tokenizer, texts)).numpy()
    fp32 = NeuralScorer(
        train_neural.ort_session(trained["work"] / "model-fp32.onnx", 1),
        tokenizer,
        calibration=(1.0, 0.0),
        threshold=0.5,
    )
    assert np.allclose(fp32.logits(texts), expected, atol=1e-4)


def test_training_changes_the_upper_layers_and_keeps_the_frozen_ones(trained) -> None:
    fresh = Classifier(BertEncoder.from_pretrained(train_neural.base_model_dir()))
    state = torch.load(trained["work"] / "classifier.pt")
    top = "bert.encoder.layer.5.output.dense.weight"
    frozen = "bert.encoder.layer.0.output.dense.weight"
    assert not torch.equal(state[top], fresh.state_dict()[top])
    assert torch.equal(state[frozen], fresh.state_dict()[frozen])  # the lowest layers stay put


def test_length_batches_cover_every_sentence_once() -> None:
    lengths = [random.Random(1).randint(3, 60) for _ in range(101)]
    batches = train_neural.batches_by_length(lengths, 8, random.Random(0))
    assert sorted(i for b in batches for i in b) == list(range(101))
    assert all(len(b) <= 8 for b in batches)


def test_a_rerun_with_the_same_recipe_reuses_the_weights_and_another_recipe_retrains(
    trained, capsys
) -> None:
    # Last in the module: the second run trains again and overwrites the fixture's weights.
    common = ["--train", str(trained["data"]), "--work", str(trained["work"]), "--threads", "1"]
    same = ["--batch-size", "8", "--max-length", "16", "--stop-at-step", "2"]
    train_neural.main([*common, *same, "--out", str(trained["out"].parent / "again")])
    assert "reusing" in capsys.readouterr().out
    again = json.loads((trained["out"].parent / "again" / "model.json").read_text())
    assert again["training"]["stopped_at_step"] == 2  # recorded even when nothing was trained

    other = ["--batch-size", "8", "--max-length", "16", "--stop-at-step", "1"]
    train_neural.main([*common, *other, "--out", str(trained["out"].parent / "other")])
    assert "reusing" not in capsys.readouterr().out
