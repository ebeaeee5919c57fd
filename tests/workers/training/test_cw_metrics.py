"""Metric helpers for the check-worthiness scorer, checked against values worked out by hand."""

import json
from pathlib import Path

import pytest

from workers.training import cw_metrics

LABELS = [True, False, True, False, False]
SCORES = [0.9, 0.8, 0.7, 0.2, 0.1]


def test_it_reads_one_document_per_jsonl_line_and_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    documents = [
        {"id": "a", "sentences": [{"text": "One.", "checkworthy": True, "sentence_id": 1}]},
        {"id": "b", "sentences": [{"text": "Two.", "checkworthy": False, "sentence_id": 2}]},
    ]
    path.write_text("\n".join(json.dumps(d) for d in documents) + "\n\n", encoding="utf-8")
    assert cw_metrics.read_jsonl_documents(path) == documents
    assert cw_metrics.document_sentences(documents) == (["One.", "Two."], [True, False])


def test_f1_counts_scores_equal_to_the_threshold_as_positive() -> None:
    # Flagged: 0.9, 0.8, 0.7 -> 2 true positives of 3 flagged and 2 actual: F1 = 4 / 5.
    assert cw_metrics.f1_at_threshold(LABELS, SCORES, 0.7) == pytest.approx(0.8)


def test_f1_is_zero_when_nothing_is_flagged_or_nothing_is_positive() -> None:
    assert cw_metrics.f1_at_threshold(LABELS, SCORES, 0.95) == 0.0
    assert cw_metrics.f1_at_threshold([False, False], [0.1, 0.2], 0.5) == 0.0


def test_best_threshold_is_the_score_that_maximises_f1() -> None:
    threshold, f1 = cw_metrics.best_f1_threshold(LABELS, SCORES)
    assert threshold == 0.7
    assert f1 == pytest.approx(0.8)


def test_average_precision_averages_precision_at_each_positive() -> None:
    # Positives at ranks 1 and 3: (1/1 + 2/3) / 2.
    assert cw_metrics.average_precision(LABELS, SCORES) == pytest.approx((1 + 2 / 3) / 2)


def test_average_precision_treats_tied_scores_as_one_step() -> None:
    # The tie cannot be ordered, so both share precision 1/2 at recall 1.
    assert cw_metrics.average_precision([True, False], [0.5, 0.5]) == pytest.approx(0.5)


def test_precision_at_k_uses_every_sentence_when_there_are_fewer_than_k() -> None:
    assert cw_metrics.precision_at_k(LABELS, SCORES, k=2) == pytest.approx(0.5)
    assert cw_metrics.precision_at_k(LABELS, SCORES, k=10) == pytest.approx(2 / 5)


def test_mean_precision_at_k_averages_over_documents() -> None:
    documents = [([True, False], [0.9, 0.1]), ([False, False], [0.9, 0.1])]
    assert cw_metrics.mean_precision_at_k(documents, k=1) == pytest.approx(0.5)
    assert cw_metrics.mean_precision_at_k([], k=10) == 0.0


def test_it_refuses_labels_and_scores_of_different_lengths() -> None:
    with pytest.raises(ValueError):
        cw_metrics.average_precision([True], [0.1, 0.2])
