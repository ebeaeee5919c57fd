"""Metrics for the check-worthiness scorer, shared by training and evaluation.

Pure Python over plain sequences: no numpy, no scikit-learn, so an evaluation command can use them
wherever the scorer runs. Labels are booleans (check-worthy or not), scores are floats in 0..1.
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def read_jsonl_documents(path: str | Path) -> list[dict[str, Any]]:
    """One dict per non-blank line: a (pseudo-)document with its ``sentences``."""
    with Path(path).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def document_sentences(documents: Sequence[dict[str, Any]]) -> tuple[list[str], list[bool]]:
    """Texts and labels of every sentence, in file order."""
    texts = [sentence["text"] for document in documents for sentence in document["sentences"]]
    labels = [
        bool(sentence["checkworthy"])
        for document in documents
        for sentence in document["sentences"]
    ]
    return texts, labels


def f1_at_threshold(labels: Sequence[bool], scores: Sequence[float], threshold: float) -> float:
    """F1 of the positive class when every score >= threshold is called check-worthy."""
    _check_lengths(labels, scores)
    true_positives = sum(1 for y, s in zip(labels, scores, strict=True) if y and s >= threshold)
    predicted = sum(1 for s in scores if s >= threshold)
    actual = sum(1 for y in labels if y)
    if predicted + actual == 0:
        return 0.0
    return 2 * true_positives / (predicted + actual)


def best_f1_threshold(labels: Sequence[bool], scores: Sequence[float]) -> tuple[float, float]:
    """The threshold (one of the scores) with the highest positive-class F1, and that F1.

    On a tie the higher threshold wins: fewer sentences flagged for the same F1.
    """
    _check_lengths(labels, scores)
    actual = sum(1 for y in labels if y)
    best_threshold, best_f1 = 1.0, 0.0
    true_positives = predicted = 0
    for score, group in _ranked_groups(labels, scores):
        true_positives += sum(group)
        predicted += len(group)
        f1 = 2 * true_positives / (predicted + actual) if actual else 0.0
        if f1 > best_f1:
            best_threshold, best_f1 = score, f1
    return best_threshold, best_f1


def average_precision(labels: Sequence[bool], scores: Sequence[float]) -> float:
    """Area under the precision-recall steps, ties grouped (the same as scikit-learn's)."""
    _check_lengths(labels, scores)
    actual = sum(1 for y in labels if y)
    if actual == 0:
        return 0.0
    total = 0.0
    true_positives = predicted = 0
    for _, group in _ranked_groups(labels, scores):
        hits = sum(group)
        true_positives += hits
        predicted += len(group)
        total += (hits / actual) * (true_positives / predicted)
    return total


def mean_average_precision(documents: Sequence[tuple[Sequence[bool], Sequence[float]]]) -> float:
    """Mean of ``average_precision`` over the documents given as (labels, scores) pairs, each
    ranked on its own; documents without a check-worthy sentence are left out (CheckThat! 2019's
    MAP over whole transcripts)."""
    ranked = [average_precision(labels, scores) for labels, scores in documents if any(labels)]
    return sum(ranked) / len(ranked) if ranked else 0.0


def precision_at_k(labels: Sequence[bool], scores: Sequence[float], k: int = 10) -> float:
    """Share of check-worthy sentences among the k best scored (all of them if fewer than k)."""
    _check_lengths(labels, scores)
    if not labels:
        return 0.0
    # sorted() is stable, so equal scores keep document order: the result never depends on luck.
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return sum(1 for i in ranked if labels[i]) / len(ranked)


def mean_precision_at_k(
    documents: Sequence[tuple[Sequence[bool], Sequence[float]]], k: int = 10
) -> float:
    """Mean of ``precision_at_k`` over documents given as (labels, scores) pairs."""
    if not documents:
        return 0.0
    return sum(precision_at_k(labels, scores, k) for labels, scores in documents) / len(documents)


def _ranked_groups(
    labels: Sequence[bool], scores: Sequence[float]
) -> list[tuple[float, list[bool]]]:
    """Labels grouped by equal score, highest score first."""
    groups: dict[float, list[bool]] = {}
    for label, score in zip(labels, scores, strict=True):
        groups.setdefault(score, []).append(bool(label))
    return sorted(groups.items(), key=lambda item: -item[0])


def _check_lengths(labels: Sequence[bool], scores: Sequence[float]) -> None:
    if len(labels) != len(scores):
        raise ValueError(f"{len(labels)} labels but {len(scores)} scores")
