"""Measuring the extractor: against hand labels for one article, against labelled sentence sets,
and for speed. Pure functions over a spaCy pipeline and a scorer; the command prints them."""

import re
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from workers.extraction import (
    MIN_SENTENCE_WORDS,
    ClaimCandidate,
    Scorer,
    extract_claims,
    iter_blocks,
    split_sentences,
)
from workers.extraction.vocabulary import KIND_NOT_CHECKABLE
from workers.training import cw_metrics

# A produced claim recalls a gold claim when their word-token F1 reaches this.
CLAIM_MATCH_F1 = 0.6
CANONICAL_CLAIM = "up to eight launchers, four missiles each"
_WORD = re.compile(r"[a-z0-9]+")


def token_f1(produced: str, expected: str) -> float:
    """F1 over lower-cased word tokens, counted with multiplicity."""
    a, b = Counter(_WORD.findall(produced.lower())), Counter(_WORD.findall(expected.lower()))
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class GoldReport:
    sentence_precision: float
    sentence_recall: float
    sentence_f1: float
    claims_recalled: int
    claims_total: int
    quantities_correct: int
    quantities_total: int
    duplicates_linked: int
    duplicates_total: int
    canonical_claim: bool
    claims_produced: int
    missed_quantities: list[str]


def evaluate_gold_article(
    nlp: Language, scorer: Scorer, text: str, gold: dict[str, Any]
) -> GoldReport:
    """Score the extractor on one hand-labelled article (the ``patriot-gold.json`` format).

    A sentence is check-worthy in the gold when it contains a ``checkworthy`` quote; the
    extractor calls it check-worthy when it yields at least one claim the queue shows by default
    (not of kind ``not_checkable``)."""
    claims = extract_claims(nlp, text, scorer=scorer)
    sentences = [text[s.start : s.end] for s in split_sentences(nlp, text)]
    predicted = {c.sentence for c in claims if c.kind != KIND_NOT_CHECKABLE}
    quotes = [item["quote"] for item in gold["checkworthy"]]
    positive = {s for s in sentences if any(q in s for q in quotes)}
    tp = len(predicted & positive)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(positive) if positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0

    recalled = total = 0
    for item in gold["checkworthy"]:
        own = [c.text for c in claims if item["quote"] in c.sentence]
        for expected in item.get("claims", []):
            total += 1
            recalled += any(token_f1(p, expected) >= CLAIM_MATCH_F1 for p in own)

    found = [q for c in claims for q in c.quantities]
    missed: list[str] = []
    for expected in gold.get("quantities", []):
        if not any(_same_quantity(q, expected) for q in found):
            missed.append(expected["text"])

    linked = 0
    for first, second in gold.get("duplicates", []):
        firsts = {i for i, c in enumerate(claims) if first in c.sentence}
        seconds = [c for c in claims if second in c.sentence]
        linked += bool(seconds) and all(c.duplicate_of in firsts for c in seconds)

    return GoldReport(
        sentence_precision=precision,
        sentence_recall=recall,
        sentence_f1=f1,
        claims_recalled=recalled,
        claims_total=total,
        quantities_correct=len(gold.get("quantities", [])) - len(missed),
        quantities_total=len(gold.get("quantities", [])),
        duplicates_linked=linked,
        duplicates_total=len(gold.get("duplicates", [])),
        canonical_claim=any(c.text == CANONICAL_CLAIM for c in claims),
        claims_produced=len(claims),
        missed_quantities=missed,
    )


def _same_quantity(found: dict[str, Any], expected: dict[str, Any]) -> bool:
    return (
        found["text"] == expected["text"]
        and found["value"] == expected["value"]
        and found["unit"] == expected["unit"]
        and found["qualifier"] == expected.get("qualifier", "")
    )


@dataclass(frozen=True)
class SentenceSetReport:
    name: str
    sentences: int
    checkworthy: int
    f1: float
    average_precision: float
    precision_at_10: float


def evaluate_sentence_set(
    nlp: Language, scorer: Scorer, path: Path, *, batch_size: int = 16
) -> SentenceSetReport:
    """The CheckThat! metrics on a labelled JSONL set: F1 of the check-worthy class at the
    scorer's own threshold, average precision, and mean precision@10 per document."""
    documents = cw_metrics.read_jsonl_documents(path)
    return evaluate_documents(nlp, scorer, path.name, documents, batch_size=batch_size)


def evaluate_documents(
    nlp: Language,
    scorer: Scorer,
    name: str,
    documents: Sequence[dict[str, Any]],
    *,
    batch_size: int = 16,
) -> SentenceSetReport:
    """``evaluate_sentence_set`` on documents already read (a fold of a file, say)."""
    texts, labels = cw_metrics.document_sentences(documents)
    # Each labelled line is one sentence, scored whole even if spaCy would cut it.
    spans = [doc[:] for doc in nlp.pipe(texts, batch_size=batch_size)]
    scores = scorer.score_spans(spans)
    per_document = []
    start = 0
    for document in documents:
        n = len(document["sentences"])
        per_document.append((labels[start : start + n], scores[start : start + n]))
        start += n
    return SentenceSetReport(
        name=name,
        sentences=len(texts),
        checkworthy=sum(labels),
        f1=cw_metrics.f1_at_threshold(labels, scores, scorer.threshold),
        average_precision=cw_metrics.average_precision(labels, scores),
        precision_at_10=cw_metrics.mean_precision_at_k(per_document, k=10),
    )


@dataclass(frozen=True)
class SpeedReport:
    words: int
    plain_words_per_second: float
    extractor_words_per_second: float

    @property
    def ratio(self) -> float:
        return self.extractor_words_per_second / self.plain_words_per_second


def _seconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure_speed(
    plain_nlp: Language,
    nlp: Language,
    scorer: Scorer,
    text: str,
    *,
    repeats: int = 5,
    batch_size: int = 16,
) -> SpeedReport:
    """Words per second of the whole extractor against plain ``nlp.pipe`` of the same paragraphs
    with the model's default components, both on one core, best of ``repeats``."""
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    words = sum(len(p.split()) for p in paragraphs)

    def plain() -> None:
        for _ in plain_nlp.pipe(paragraphs, batch_size=batch_size):
            pass

    def extractor() -> Sequence[ClaimCandidate]:
        return extract_claims(nlp, text, scorer=scorer, batch_size=batch_size)

    extractor()  # warm caches (vocabulary, lazy imports) before timing either
    # Alternate the two and keep each one's best, so a burst of load elsewhere on the machine
    # cannot favour whichever ran second.
    plain_seconds = extractor_seconds = float("inf")
    for _ in range(repeats):
        plain_seconds = min(plain_seconds, _seconds(plain))
        extractor_seconds = min(extractor_seconds, _seconds(extractor))
    return SpeedReport(
        words=words,
        plain_words_per_second=words / plain_seconds,
        extractor_words_per_second=words / extractor_seconds,
    )


# The CT24 train sentences from this id on (the newer debates) are the fold the neural model was
# calibrated and thresholded on but never fitted on (``workers.training.train_neural``).
HELD_OUT_FROM = 28000
# The speed view reads at most this many words of its file: enough for a stable figure.
SPEED_WORDS = 20_000


def speed_text(documents: Sequence[dict[str, Any]], *, words: int = SPEED_WORDS) -> str:
    """Real, varied text for the speed view: one paragraph per document, up to ``words`` words."""
    paragraphs, count = [], 0
    for document in documents:
        if count >= words:
            break
        paragraph = " ".join(s["text"] for s in document["sentences"])
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def is_train_file(documents: Sequence[dict[str, Any]]) -> bool:
    """A CT24 train file: pseudo-documents of the train split, of which only the newer fold is
    worth reporting (the rest is what the models were fitted on)."""
    return all(d.get("split") == "train" and d.get("pseudo_document") for d in documents)


def is_transcript_file(documents: Sequence[dict[str, Any]]) -> bool:
    """Whole transcripts (CT19): each document is one debate or speech, in order."""
    return bool(documents) and all(d.get("pseudo_document") is False for d in documents)


def held_out_fold(
    documents: Sequence[dict[str, Any]], *, start: int = HELD_OUT_FROM
) -> list[dict[str, Any]]:
    """The documents cut down to their sentences with ``sentence_id >= start``."""
    fold = []
    for document in documents:
        kept = [s for s in document["sentences"] if int(s["sentence_id"]) >= start]
        if kept:
            fold.append({**document, "sentences": kept})
    return fold


@dataclass(frozen=True)
class TranscriptReport:
    name: str
    transcripts: int
    sentences: int
    checkworthy: int
    f1: float
    average_precision: float
    mean_average_precision: float


def evaluate_transcripts(
    nlp: Language,
    scorer: Scorer,
    name: str,
    documents: Sequence[dict[str, Any]],
    *,
    batch_size: int = 16,
) -> TranscriptReport:
    """Each transcript through the pipeline's own sentence split and scoring, as an article of one
    labelled line per paragraph; every line is ranked by its best-scored sentence (0 when all of
    its sentences are too short to be scored), and AP is averaged over transcripts (MAP)."""
    per_document: list[tuple[list[bool], list[float]]] = []
    for document in documents:
        lines = [s["text"] for s in document["sentences"]]
        labels = [bool(s["checkworthy"]) for s in document["sentences"]]
        per_document.append((labels, _line_scores(nlp, scorer, lines, batch_size=batch_size)))
    labels = [y for ys, _ in per_document for y in ys]
    scores = [s for _, ss in per_document for s in ss]
    return TranscriptReport(
        name=name,
        transcripts=len(documents),
        sentences=len(labels),
        checkworthy=sum(labels),
        f1=cw_metrics.f1_at_threshold(labels, scores, scorer.threshold),
        average_precision=cw_metrics.average_precision(labels, scores),
        mean_average_precision=cw_metrics.mean_average_precision(per_document),
    )


def _line_scores(
    nlp: Language, scorer: Scorer, lines: Sequence[str], *, batch_size: int
) -> list[float]:
    """The pipeline's sentence scores (``extract_claims``: the same split, the same rule for
    sentences too short to score), each line taking its best sentence's."""
    # One line per paragraph, as the labels come; a blank line would shift the blocks.
    text = "\n".join(line.replace("\n", " ").strip() or "." for line in lines)
    starts = [offset for offset, _ in iter_blocks(text)]
    sentences = [
        s
        for s in split_sentences(nlp, text, batch_size=batch_size)
        if sum(1 for t in s.span if t.is_alpha or t.like_num) >= MIN_SENTENCE_WORDS
    ]
    best = [0.0] * len(lines)
    for sentence, score in zip(
        sentences, scorer.score_spans([s.span for s in sentences]), strict=True
    ):
        line = bisect_right(starts, sentence.start) - 1
        best[line] = max(best[line], score)
    return best
