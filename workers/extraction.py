"""Claim extraction: article text in, ``ClaimCandidate`` objects out.

Pure functions over a spaCy ``Language`` passed in by the caller: no ORM, no Celery, no settings,
so tests can hand in any pipeline and the worker hands in the one it loaded once per process.

The article is cut into blocks at line breaks first (a line break ends a sentence even without a
full stop), then spaCy cuts each block into sentences. Every offset is into the original text, so
``text[c.start:c.end]`` is exactly the evidence span of candidate ``c``.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Span

EXTRACTOR_VERSION = "heuristic-1"

KIND_QUANTITY = "quantity"
KIND_COMPARISON = "comparison"
KIND_EVENT = "event"
KIND_ATTRIBUTION = "attribution"
KIND_NOT_CHECKABLE = "not_checkable"

# Entity labels that name something a fact-checker can look up.
CHECKABLE_ENTITY_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"}
)
NUMERIC_ENTITY_LABELS = frozenset(
    {"CARDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME", "ORDINAL"}
)
REPORTING_VERBS = frozenset(
    {
        "say", "tell", "announce", "report", "claim", "state", "confirm", "deny", "add",
        "post", "write", "describe", "estimate", "warn", "insist", "argue", "reveal", "admit",
    }
)  # fmt: skip
COMPARATIVE_TAGS = frozenset({"JJR", "JJS", "RBR", "RBS"})
# Fewer tokens than this is a heading or a fragment, not a claim.
MIN_CLAIM_TOKENS = 4


class ExtractionInputError(ValueError):
    """The text cannot be split: empty, or more than the pipeline accepts. Never worth a retry."""


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


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    span: Span


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
            if span is None:
                continue
            sentences.append(
                Sentence(start=offset + span.start_char, end=offset + span.end_char, span=span)
            )
    return sentences


def _trim(sent: Span) -> Span | None:
    """Drop leading and trailing whitespace and punctuation-only tokens from the span edges."""
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return None
    return sent.doc[tokens[0].i : tokens[-1].i + 1]


def extract_claims(nlp: Language, text: str, *, batch_size: int = 16) -> list[ClaimCandidate]:
    """Return one candidate per sentence that carries a checkable fact, in reading order."""
    candidates = []
    for sentence in split_sentences(nlp, text, batch_size=batch_size):
        candidate = _candidate_from_sentence(sentence, text)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def _candidate_from_sentence(sentence: Sentence, text: str) -> ClaimCandidate | None:
    span = sentence.span
    if sum(1 for t in span if not t.is_punct) < MIN_CLAIM_TOKENS:
        return None
    base = sentence.start - span.start_char
    entities = [
        {
            "text": ent.text,
            "label": ent.label_,
            "start": base + ent.start_char,
            "end": base + ent.end_char,
        }
        for ent in span.ents
    ]
    quantities = [
        {
            "text": ent.text,
            "label": ent.label_,
            "start": base + ent.start_char,
            "end": base + ent.end_char,
        }
        for ent in span.ents
        if ent.label_ in NUMERIC_ENTITY_LABELS - {"DATE", "TIME", "ORDINAL"}
    ]
    named = any(ent.label_ in CHECKABLE_ENTITY_LABELS for ent in span.ents)
    has_number = bool(quantities) or any(t.like_num for t in span)
    reporting = [t for t in span if t.pos_ == "VERB" and t.lemma_.lower() in REPORTING_VERBS]
    comparative = any(t.tag_ in COMPARATIVE_TAGS for t in span)
    if not (named or has_number or reporting):
        return None

    if has_number:
        kind = KIND_QUANTITY
    elif comparative:
        kind = KIND_COMPARISON
    elif reporting:
        kind = KIND_ATTRIBUTION
    else:
        kind = KIND_EVENT
    score = 0.2 + 0.3 * named + 0.3 * has_number + 0.1 * bool(reporting) + 0.1 * comparative
    sentence_text = text[sentence.start : sentence.end]
    return ClaimCandidate(
        text=sentence_text,
        sentence=sentence_text,
        start=sentence.start,
        end=sentence.end,
        kind=kind,
        score=round(min(score, 1.0), 3),
        entities=entities,
        quantities=quantities,
        speaker=_speaker(reporting),
    )


def _speaker(reporting_verbs: Sequence[Any]) -> str:
    """The grammatical subject of the first reporting verb: "three officials told CNN"."""
    for verb in reporting_verbs:
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.pos_ != "PRON":
                subtree = list(child.subtree)
                return verb.doc[subtree[0].i : subtree[-1].i + 1].text
    return ""
