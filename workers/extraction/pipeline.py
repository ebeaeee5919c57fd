"""Claim extraction: article text in, ``ClaimCandidate`` objects out.

Pure functions over a spaCy ``Language`` and a check-worthiness scorer, both passed in by the
caller: no ORM, no Celery, no settings, so tests can hand in any pipeline and the worker hands in
the ones it loaded once per process (``workers.nlp``).

1. The article is cut into blocks at line breaks (a line break ends a sentence even without a full
   stop), and spaCy cuts each block into sentences, parsed once in batches (``sentences``).
2. The scorer rates every sentence; those under its threshold (chosen on held-out data) give no
   claims. Each claim then gets its own score, the sentence's moved by what the claim carries
   (``claim_score``), and one that falls under the threshold is not queued.
3. Each check-worthy sentence is split into atomic claims (``atomic``), each with its own
   evidence span, kind, quantities and entities; the speaker comes from the sentence and the
   ones before it (``attribution``). A small classifier (``form_model``) reads each claim's
   parse: a piece it doubts gives way to the whole sentence, and a claim nothing can replace
   stays hidden by default.
4. Claims that restate an earlier one in the same article point at it (``duplicates``).

Every offset is into the original text: ``text[c.start:c.end]`` is exactly the evidence of ``c``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from spacy.language import Language
from spacy.tokens import Span

from workers.extraction.atomic import split_atomic, whole_sentence
from workers.extraction.attribution import Attribution, attribute_sentences
from workers.extraction.claim_score import claim_features, claim_score
from workers.extraction.duplicates import MAX_COMPARISONS, claim_fingerprint, find_restatements
from workers.extraction.form_model import FormModel, default_form_model, screen_claims
from workers.extraction.kinds import classify_kind
from workers.extraction.lazy_parse import deferrable, entity_docs
from workers.extraction.quantities import find_quantities
from workers.extraction.referents import resolve_pronoun
from workers.extraction.sentences import (
    ExtractionInputError,
    Sentence,
    complete_parse,
    split_sentences,
)
from workers.extraction.vocabulary import KIND_NOT_CHECKABLE, KIND_QUANTITY

# Stored on each article; bumped whenever the same text can give different claims.
EXTRACTOR_VERSION = "atomic-8"

# Fewer word tokens than this is a heading or a fragment, not a claim.
MIN_SENTENCE_WORDS = 4


class Scorer(Protocol):
    """Check-worthiness of parsed sentences (``checkworthiness.CheckworthinessModel``)."""

    threshold: float
    # Optional: ``reads_entities = False`` (the neural scorer) lets the pipeline run the entity
    # recogniser only where a claim or its context needs it (``lazy_parse``).

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


def extract_claims(
    nlp: Language,
    text: str,
    *,
    scorer: Scorer,
    batch_size: int = 16,
    max_claims: int | None = None,
    max_comparisons: int = MAX_COMPARISONS,
    form_model: FormModel | None = None,
) -> list[ClaimCandidate]:
    """The claims worth checking in ``text``, in reading order, restatements linked.

    ``scorer`` is required: the worker passes the model it was configured with
    (``workers.nlp.get_scorer``), never a second one loaded here. More than ``max_claims``
    claims raises ``ExtractionInputError``; ``max_comparisons`` bounds the duplicate search
    per claim (``duplicates.find_restatements``); ``form_model`` decides which claims may be
    shown as they are (``form_model.screen_claims``; the committed one unless given)."""
    form_model = form_model or default_form_model()
    # A scorer that reads only the text lets the entity recogniser wait for the score.
    deferred = [] if getattr(scorer, "reads_entities", True) else deferrable(nlp)
    sentences = [
        s
        for s in split_sentences(nlp, text, batch_size=batch_size, deferred=deferred)
        if sum(1 for t in s.span if t.is_alpha or t.like_num) >= MIN_SENTENCE_WORDS
    ]
    spans = [s.span for s in sentences]
    scores = scorer.score_spans(spans)
    if deferred:
        complete_parse(
            nlp, entity_docs(spans, scores, scorer.threshold), deferred, batch_size=batch_size
        )
    # Attribution reads the sentences in order: a quote's speaker may be named in the one before.
    attributions = attribute_sentences(spans)

    candidates: list[ClaimCandidate] = []
    previous: Span | None = None
    for sentence, score, attribution in zip(sentences, scores, attributions, strict=True):
        if score >= scorer.threshold:
            claims = _sentence_claims(sentence, text, score, attribution, previous, form_model)
            # A claim stands on its own score: one the queue would show sinks out of it when it
            # alone is not worth checking. Hidden ones stay, for the desk's "show hidden" view.
            candidates.extend(
                c for c in claims if c.score >= scorer.threshold or c.kind == KIND_NOT_CHECKABLE
            )
            if max_claims is not None and len(candidates) > max_claims:
                raise ExtractionInputError(
                    f"the article gives more than {max_claims:,} claims, the most one article "
                    "may have; split it into smaller articles"
                )
        previous = sentence.span
    return _link_duplicates(candidates, max_comparisons)


def _sentence_claims(
    sentence: Sentence,
    text: str,
    score: float,
    attribution: Attribution,
    previous: Span | None,
    form_model: FormModel,
) -> list[ClaimCandidate]:
    span = sentence.span
    doc = span.doc
    base = sentence.offset
    sentence_kind = classify_kind(span)
    quantities = find_quantities(span)
    sentence_text = text[sentence.start : sentence.end]
    claims = []
    atomics = screen_claims(span, split_atomic(span), form_model, lambda: whole_sentence(span))
    for atomic in atomics:
        inside = [q for q in quantities if atomic.start <= q.start and q.end <= atomic.end]
        sub = doc.char_span(atomic.start, atomic.end, alignment_mode="expand")
        kind = sentence_kind
        if atomic.problem:
            kind = KIND_NOT_CHECKABLE  # the sentence is no clause: kept, hidden by default
        elif sub is not None and sentence_kind != KIND_NOT_CHECKABLE:
            kind = classify_kind(sub)
            if inside and kind != KIND_NOT_CHECKABLE:
                kind = KIND_QUANTITY
        ents = sub.ents if sub is not None else span.ents
        claim_text = atomic.text
        if sub is not None:
            claim_text = resolve_pronoun(claim_text, sub, span, previous, attribution.speaker)
        features = claim_features(
            sub if sub is not None else span,
            kind=kind,
            well_formed=not atomic.problem,
            text=claim_text,
        )
        claims.append(
            ClaimCandidate(
                text=claim_text,
                sentence=sentence_text,
                start=base + atomic.start,
                end=base + atomic.end,
                kind=kind,
                score=round(claim_score(float(score), features), 4),
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
                fingerprint=claim_fingerprint(claim_text),
            )
        )
    return claims


def _link_duplicates(
    candidates: list[ClaimCandidate], max_comparisons: int
) -> list[ClaimCandidate]:
    restates = find_restatements([c.text for c in candidates], max_comparisons=max_comparisons)
    return [
        c if first is None else replace(c, duplicate_of=first)
        for c, first in zip(candidates, restates, strict=True)
    ]
