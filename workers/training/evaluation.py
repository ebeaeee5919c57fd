"""Measuring the extractor: against hand labels for one article, against labelled sentence sets,
and for speed. Pure functions over a spaCy pipeline and a scorer; the command prints them."""

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from workers.extraction import ClaimCandidate, Scorer, extract_claims, split_sentences
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
        name=path.name,
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
