"""Fine-tune the matching encoder (all-MiniLM-L6-v2) on train.jsonl pairs and export it to ONNX int8.

    nice -n 19 python -m workers.training.train_sentence_encoder \\
        --data ../shared/data/claim-matching --out claims/matching/artifact [--cv 5] [--no-export]

Each query (a tweet) is pulled towards the archive claims it restates and pushed from the other
claims of its batch (multiple-negatives ranking loss: a softmax over the batch's scaled cosines)
and from a hard negative: a claim among the lexical candidates that the off-the-shelf matcher
ranked high but is not a match. ``--titles`` adds (query, fact-check title) pairs as well.

Every design is judged twice, and chosen by the worse of the two (800 tweets overfit easily):
fitted on all of train and measured on dev, and a ``--cv``-fold cross-validation on train (fitted
on k-1 folds, measured on the k-th). The measure is MAP@5 of the whole matcher (the same lexical
candidates as ``evaluate_matching``, re-ranked by a logistic regression of the ranking features
refitted on the fitting queries), with the int8 export of each model (as it would ship). Seeded;
``torch.set_num_threads`` makes a rerun repeatable on one machine.
"""

import argparse
import json
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from tokenizers import Tokenizer

from claims.matching.encoder import DEFAULT_ARTIFACT_PATH, SentenceEncoder, sentence_encoder
from claims.matching.memory import MemoryArchive, average_precision
from claims.matching.ranking import Ranker, features, ranker
from workers.training.export_sentence_encoder import base_model_dir, export, load
from workers.training.minibert import SentenceEmbedder

# Lexical candidates per query, computed once: they do not depend on the encoder.
Candidates = dict[str, tuple[np.ndarray, np.ndarray]]
NOT_IN_RECIPE = {"data", "out", "no_export", "no_dev", "threads", "cv", "weights"}


def _tensors(tokenizer: Tokenizer, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    encodings = tokenizer.encode_batch(list(texts))
    ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
    return ids, torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def hard_negatives(
    queries: Sequence[dict[str, Any]], archive: MemoryArchive, cands: Candidates, depth: int
) -> dict[str, list[int]]:
    """Per query, the archive rows the off-the-shelf matcher ranks in its top ``depth`` that are
    not matches (the committed encoder and ranker)."""
    encoder, weights = sentence_encoder(), ranker()
    vectors = encoder.encode([q["text"] for q in queries])
    found = {}
    for query, vector in zip(queries, vectors, strict=True):
        index, lexical = cands[query["id"]]
        rows = features(vector, archive.texts[index], archive.titles[index], lexical)
        ranked = index[np.argsort(-weights.score(rows), kind="stable")]
        matches = set(query["matches"])
        found[query["id"]] = [int(i) for i in ranked if archive.ids[i] not in matches][:depth]
    return found


def fine_tune(
    queries: Sequence[dict[str, Any]],
    archive: dict[str, tuple[str, str]],
    negatives: dict[str, list[int]] | None,
    archive_ids: list[str],
    *,
    args: argparse.Namespace,
) -> SentenceEmbedder:
    """Multiple-negatives ranking loss over (query, positive[, hard negative]) batches."""
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    model = load()
    tokenizer = _tokenizer(args.max_length)
    pairs = [(q, m, archive[m][0]) for q in queries for m in q["matches"] if m in archive]
    if args.titles:
        pairs += [(q, m, archive[m][1]) for q in queries for m in q["matches"] if archive[m][1]]
    model.bert.embeddings.requires_grad_(False)  # 30k x 384 rows that 800 tweets cannot move well
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    total = args.epochs * -(-len(pairs) // args.batch_size)
    warmup = max(1, total // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    started, step = time.perf_counter(), 0
    for epoch in range(args.epochs):
        rng.shuffle(pairs)
        model.train()
        for start in range(0, len(pairs), args.batch_size):
            batch = pairs[start : start + args.batch_size]
            docs = [text for _, _, text in batch]
            keys = [key for _, key, _ in batch]
            if negatives is not None:
                for query, _, _ in batch:
                    row = rng.choice(negatives[query["id"]] or [rng.randrange(len(archive_ids))])
                    docs.append(archive[archive_ids[row]][0])
                    keys.append(archive_ids[row])
            q = model(*_tensors(tokenizer, [query["text"] for query, _, _ in batch]))
            d = model(*_tensors(tokenizer, docs))
            scores = args.scale * q @ d.T
            # Another query's positive that is also a match of this query is not a negative.
            same = torch.tensor(
                [[k in query["matches"] for k in keys] for query, _, _ in batch], dtype=torch.bool
            )
            own = torch.zeros_like(same)
            own[range(len(batch)), range(len(batch))] = True
            scores = scores.masked_fill(same & ~own, -1e4)
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            step += 1
        rate = step * args.batch_size / (time.perf_counter() - started)
        print(
            f"  epoch {epoch + 1}: loss {float(loss.detach()):.3f} ({rate:.0f} pairs/s)", flush=True
        )
    return model.eval()


def _tokenizer(max_length: int) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def measure(
    encoder: Any,
    memory: MemoryArchive,
    texts: tuple[list[str], list[str]] | None,
    cands: Candidates,
    fit: Sequence[dict[str, Any]],
    test: Sequence[dict[str, Any]],
) -> dict[str, float]:
    """MAP@5, R@1, R@5 on ``test`` of the matcher with ``encoder``, its ranker fitted on ``fit``.
    The archive is embedded again with ``encoder`` unless ``texts`` is None."""
    if texts is not None:
        memory.embed(encoder, *texts)
    vectors = encoder.encode([q["text"] for q in [*fit, *test]])
    rows = []
    for query, vector in zip([*fit, *test], vectors, strict=True):
        index, lexical = cands[query["id"]]
        found = features(vector, memory.texts[index], memory.titles[index], lexical)
        rows.append((found, [memory.ids[i] for i in index]))
    x = np.concatenate([r for r, _ in rows[: len(fit)]])
    y = np.array(
        [i in set(q["matches"]) for q, (_, ids) in zip(fit, rows, strict=False) for i in ids]
    )
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(x, y)
    fitted = Ranker(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))
    aps, r1, r5 = [], [], []
    for query, (found, ids) in zip(test, rows[len(fit) :], strict=True):
        ranked = [ids[i] for i in np.argsort(-fitted.score(found), kind="stable")[:5]]
        relevant = set(query["matches"])
        aps.append(average_precision(ranked, relevant))
        r1.append(bool(ranked) and ranked[0] in relevant)
        r5.append(bool(relevant & set(ranked)))
    return {"map5": round(float(np.mean(aps)), 4), "r1": round(float(np.mean(r1)), 4),
            "r5": round(float(np.mean(r5)), 4)}  # fmt: skip


def int8_encoder(model: SentenceEmbedder, directory: Path, threads: int) -> SentenceEncoder:
    """The model as it ships (ONNX int8, onnxruntime): what every figure here is measured with;
    also three times faster than torch fp32 at embedding the archive."""
    export(model, directory)
    return SentenceEncoder(directory, threads=threads)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DEFAULT_ARTIFACT_PATH)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--scale", type=float, default=20.0, help="cosine multiplier in the loss")
    parser.add_argument("--max-length", type=int, default=96)
    parser.add_argument("--hard-negatives", type=int, default=5, help="0: in-batch negatives only")
    parser.add_argument("--titles", action="store_true", help="also pair queries with titles")
    parser.add_argument("--cv", type=int, default=0, help="also k-fold cross-validate on train")
    parser.add_argument("--no-dev", action="store_true", help="skip the dev view")
    parser.add_argument("--no-export", action="store_true", help="measure only")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--weights", type=Path, default=Path(".cache/train_sentence_encoder/encoder.pt")
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows = read_jsonl(args.data / "verified_claims.jsonl")
    texts = ([r["claim"] for r in rows], [r.get("title", "") for r in rows])
    archive = {str(r["id"]): (r["claim"], r.get("title", "")) for r in rows}
    memory = MemoryArchive([str(r["id"]) for r in rows], *texts, sentence_encoder())
    train, dev = read_jsonl(args.data / "train.jsonl"), read_jsonl(args.data / "dev.jsonl")
    cands: Candidates = {q["id"]: memory.lexical(q["text"]) for q in [*train, *dev]}
    depth = args.hard_negatives
    negatives = hard_negatives(train, memory, cands, depth) if depth else None
    report: dict[str, Any] = {"recipe": {k: str(v) for k, v in vars(args).items()}}
    work = Path(tempfile.mkdtemp(prefix="train_sentence_encoder-"))
    if not args.no_dev:
        report["base_dev"] = measure(sentence_encoder(), memory, None, cands, train, dev)
        print(f"off the shelf (int8), dev: {report['base_dev']}", flush=True)
    if args.cv:
        folds = [train[k :: args.cv] for k in range(args.cv)]
        views = []
        for k, test in enumerate(folds):
            fit = [q for j, f in enumerate(folds) if j != k for q in f]
            views.append(measure(sentence_encoder(), memory, None, cands, fit, test))
            print(f"fold {k + 1}/{args.cv}, off the shelf: {views[-1]}", flush=True)
        report["base_cv"] = {m: round(float(np.mean([v[m] for v in views])), 4) for m in views[0]}
        views = []
        for k, test in enumerate(folds):
            fit = [q for j, f in enumerate(folds) if j != k for q in f]
            model = fine_tune(fit, archive, negatives, memory.ids, args=args)
            encoder = int8_encoder(model, work, args.threads)
            views.append(measure(encoder, memory, texts, cands, fit, test))
            print(f"fold {k + 1}/{args.cv}, fine-tuned: {views[-1]}", flush=True)
        report["cv"] = {m: round(float(np.mean([v[m] for v in views])), 4) for m in views[0]}
        print(f"cross-validation on train: {report}", flush=True)
    if args.no_dev and args.no_export:
        print(json.dumps(report))
        return
    model = fine_tune(train, archive, negatives, memory.ids, args=args)
    # Exported once, where it goes (a scratch directory with --no-export), then measured.
    out = work if args.no_export else args.out
    encoder = int8_encoder(model, out, args.threads)
    if not args.no_dev:
        report["dev"] = measure(encoder, memory, texts, cands, train, dev)
        print(f"fine-tuned (int8), dev: {report['dev']}", flush=True)
    print(json.dumps(report), flush=True)
    if not args.no_export:
        recipe = {k: v for k, v in report["recipe"].items() if k not in NOT_IN_RECIPE}
        meta = json.loads((out / "model.json").read_text())
        meta["training"] = {"fitted_on": f"train.jsonl ({len(train)} queries)", **recipe,
                            "figures": {k: v for k, v in report.items() if k != "recipe"}}  # fmt: skip
        (out / "model.json").write_text(json.dumps(meta, indent=2) + "\n")
        # The fp32 weights, for ``export_sentence_encoder --weights`` (kept out of git: 90 MB).
        args.weights.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), args.weights)
        print(json.dumps(meta, indent=2))


if __name__ == "__main__":
    main()
