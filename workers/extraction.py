"""Claim extraction: article text in, ``ClaimCandidate`` objects out.

Pure functions over a spaCy ``Language`` passed in by the caller: no ORM, no Celery, no settings,
so tests can hand in any pipeline and the worker hands in the one it loaded once per process.

1. The article is cut into blocks at line breaks (a line break ends a sentence even without a full
   stop), and spaCy cuts each block into sentences, parsed once in batches.
2. The trained check-worthiness model scores every sentence; those under its threshold (chosen
   on held-out data) give no claims.
3. Each check-worthy sentence is split into atomic claims (``workers.atomic``), each with its own
   evidence span, kind, quantities and entities; the speaker comes from the sentence and the
   ones before it (``workers.attribution``).
4. Claims that restate an earlier one in the same article point at it (``workers.duplicates``).

Every offset is into the original text: ``text[c.start:c.end]`` is exactly the evidence of ``c``.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from spacy.language import Language
from spacy.tokens import Span

from workers.atomic import split_atomic
from workers.attribution import Attribution, attribute_sentences
from workers.duplicates import claim_fingerprint, find_duplicate_pairs
from workers.kinds import classify_kind
from workers.quantities import find_quantities
from workers.vocabulary import KIND_NOT_CHECKABLE, KIND_QUANTITY

EXTRACTOR_VERSION = "atomic-2"

# Fewer word tokens than this is a heading or a fragment, not a claim.
MIN_SENTENCE_WORDS = 4


class ExtractionInputError(ValueError):
    """The text cannot be split: empty, or more than the pipeline accepts. Never worth a retry."""


class Scorer(Protocol):
    """Check-worthiness of parsed sentences (``workers.checkworthiness.CheckworthinessModel``)."""

    threshold: float

    def score_spans(self, spans: Sequence[Span]) -> list[float]: ...


@dataclass(frozen=True)
class ClaimCandidate:
    text: str
    sentence: str
    start: int
    end: int
    kind: str
    score: float
    entities: list[dict[str, Any]] = field(default_factory=list)
    quantities: list[dict[str, Any]] = field(default_factory=list)
    speaker: str = ""
    speaker_via: str = ""
    fingerprint: str = ""
    # Index, in the same result list, of the earlier candidate this one restates.
    duplicate_of: int | None = None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    span: Span

    @property
    def offset(self) -> int:
        """Add to an offset into ``span.doc.text`` to get one into the article."""
        return self.start - self.span.start_char


def iter_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, line)`` for each non-blank line, trimmed, with its offset in ``text``."""
    offset = 0
    for raw_line in text.splitlines(keepends=True):
        stripped = raw_line.strip()
        if stripped:
            yield offset + raw_line.index(stripped[0]), stripped
        offset += len(raw_line)


def split_sentences(nlp: Language, text: str, *, batch_size: int = 16) -> list[Sentence]:
    """Cut ``text`` into sentences; a line break always ends one."""
    if not text or not text.strip():
        raise ExtractionInputError("the article has no text to split")
    blocks = list(iter_blocks(text))
    longest = max(len(block) for _, block in blocks)
    if longest > nlp.max_length:
        raise ExtractionInputError(
            f"a paragraph of {longest:,} characters is longer than the "
            f"{nlp.max_length:,} the language pipeline accepts"
        )
    sentences: list[Sentence] = []
    docs = nlp.pipe((block for _, block in blocks), batch_size=batch_size)
    for (offset, _), doc in zip(blocks, docs, strict=True):
        for sent in doc.sents:
            span = _trim(sent)
            if span is not None:
                sentences.append(
                    Sentence(start=offset + span.start_char, end=offset + span.end_char, span=span)
                )
    return sentences


def _trim(sent: Span) -> Span | None:
    """Drop whitespace tokens from the span's edges; None when nothing else is left."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return None
    return sent.doc[tokens[0].i : tokens[-1].i + 1]


def extract_claims(
    nlp: Language, text: str, *, scorer: Scorer | None = None, batch_size: int = 16
) -> list[ClaimCandidate]:
    """The claims worth checking in ``text``, in reading order, restatements linked."""
    if scorer is None:
        from workers.checkworthiness import load_default_model

        scorer = load_default_model()
    sentences = [
        s
        for s in split_sentences(nlp, text, batch_size=batch_size)
        if sum(1 for t in s.span if t.is_alpha or t.like_num) >= MIN_SENTENCE_WORDS
    ]
    spans = [s.span for s in sentences]
    scores = scorer.score_spans(spans)
    # Attribution reads the sentences in order: a quote's speaker may be named in the one before.
    attributions = attribute_sentences(spans)

    candidates: list[ClaimCandidate] = []
    for sentence, score, attribution in zip(sentences, scores, attributions, strict=True):
        if score >= scorer.threshold:
            candidates.extend(_sentence_claims(sentence, text, score, attribution))
    return _link_duplicates(candidates)


def _sentence_claims(
    sentence: Sentence, text: str, score: float, attribution: Attribution
) -> list[ClaimCandidate]:
    span = sentence.span
    doc = span.doc
    base = sentence.offset
    sentence_kind = classify_kind(span)
    quantities = find_quantities(span)
    sentence_text = text[sentence.start : sentence.end]
    claims = []
    for atomic in split_atomic(span):
        inside = [q for q in quantities if atomic.start <= q.start and q.end <= atomic.end]
        sub = doc.char_span(atomic.start, atomic.end, alignment_mode="expand")
        kind = sentence_kind
        if sub is not None and sentence_kind != KIND_NOT_CHECKABLE:
            kind = classify_kind(sub)
            if inside and kind != KIND_NOT_CHECKABLE:
                kind = KIND_QUANTITY
        ents = sub.ents if sub is not None else span.ents
        claims.append(
            ClaimCandidate(
                text=atomic.text,
                sentence=sentence_text,
                start=base + atomic.start,
                end=base + atomic.end,
                kind=kind,
                score=round(float(score), 4),
                entities=[
                    {
                        "text": e.text,
                        "label": e.label_,
                        "start": base + e.start_char,
                        "end": base + e.end_char,
                    }
                    for e in ents
                ],
                quantities=[
                    {**q.to_dict(), "start": base + q.start, "end": base + q.end} for q in inside
                ],
                speaker=attribution.speaker,
                speaker_via=attribution.via,
                fingerprint=claim_fingerprint(atomic.text),
            )
        )
    return claims


def _link_duplicates(candidates: list[ClaimCandidate]) -> list[ClaimCandidate]:
    first_seen: dict[int, int] = {}
    for earlier, later in find_duplicate_pairs([c.text for c in candidates]):
        # Point at the first statement, never at another restatement.
        first_seen.setdefault(later, first_seen.get(earlier, earlier))
    return [
        replace(c, duplicate_of=first_seen[i]) if i in first_seen else c
        for i, c in enumerate(candidates)
    ]
