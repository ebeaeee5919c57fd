"""Claim kinds: what sort of check a sentence needs, read off its parse.

``classify_kind`` returns one of the ``KIND_*`` values in ``vocabulary``.
``not_checkable`` marks what no evidence can settle (opinions, hopes, promises, speculation,
rhetoric, questions, first-person feelings) so the queue can hide it; the rest say which
evidence to look for: a number, a ranking, a reported statement, or an event.

The sentence's claim head comes from ``heads.claim_head``: a frame that only cites a
source (", officials told CNN") is looked through, so "X, officials said" is classified as X.
"""

from spacy.tokens import Span, Token

from workers.extraction.heads import claim_head, subject_of
from workers.extraction.vocabulary import (
    BE_FORMS,
    CHECKABLE_ENTITY_LABELS,
    COMPARATIVE_TAGS,
    KIND_ATTRIBUTION,
    KIND_COMPARISON,
    KIND_EVENT,
    KIND_NOT_CHECKABLE,
    KIND_QUANTITY,
)

FIRST_PERSON = frozenset({"i", "we"})
PRONOUN_SUBJECTS = frozenset({"i", "we", "you", "he", "she", "it", "they", "this", "that"})
# Heads that state a mind, not a fact: "we hope", "he needs", "I believe".
OPINION_LEMMAS = frozenset(
    {
        "hope", "believe", "think", "feel", "wish", "want", "need", "fear", "guess", "suppose",
        "doubt", "deserve", "hate", "love", "like", "trust", "pray", "expect", "consider",
    }
)  # fmt: skip
# First-person effort and commitment: "we're working to", "I promise".
COMMITMENT_LEMMAS = frozenset(
    {"work", "try", "strive", "aim", "promise", "pledge", "vow", "commit", "swear", "intend"}
)
SPECULATIVE_MODALS = frozenset({"could", "might", "may", "should", "must", "ought"})
FUTURE_MODALS = frozenset({"will", "shall", "’ll", "'ll", "wo", "would", "going"})
COUNT_ENTITY_LABELS = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY"})
DURATION_LEMMAS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
)
# Vague counts that still make a checkable amount when they count a duration: "several months".
VAGUE_COUNTS = frozenset({"several", "dozen", "dozens", "hundreds", "thousands", "millions"})


def classify_kind(span: Span) -> str:
    """The kind of the sentence's main claim: quantity, comparison, event, attribution, or not."""
    if span.text.rstrip(" \"'”’").endswith("?"):
        return KIND_NOT_CHECKABLE
    head, attributed = claim_head(span)
    if attributed:
        return KIND_ATTRIBUTION
    if _is_uncheckable(head) or not _has_anchor(span):
        return KIND_NOT_CHECKABLE
    if _has_quantity(span):
        return KIND_QUANTITY
    if any(t.tag_ in COMPARATIVE_TAGS for t in span):
        return KIND_COMPARISON
    return KIND_EVENT


def _is_uncheckable(head: Token) -> bool:
    """Opinion, hope, promise, speculation or a first-person state, from the head and subject."""
    subject = subject_of(head)
    auxiliaries = {c.lower_ for c in head.children if c.dep_ == "aux"}
    lemma = head.lemma_.lower()
    if auxiliaries & SPECULATIVE_MODALS:
        return True
    if subject is None or subject.lower_ not in PRONOUN_SUBJECTS:
        return False
    if lemma in OPINION_LEMMAS:
        return True
    if subject.lower_ not in FIRST_PERSON:
        return False
    return (
        lemma in COMMITMENT_LEMMAS
        or head.lower_ in BE_FORMS
        or lemma == "be"
        or bool(auxiliaries & FUTURE_MODALS)
    )


def _has_anchor(span: Span) -> bool:
    """Something a fact-checker can look up: a name, a number, or a date."""
    return any(
        t.pos_ in ("PROPN", "NUM") or t.like_num or t.ent_type_ in CHECKABLE_ENTITY_LABELS
        for t in span
    ) or any(ent.label_ in ("DATE", "TIME") for ent in span.ents)


def _has_quantity(span: Span) -> bool:
    for ent in span.ents:
        if ent.label_ in COUNT_ENTITY_LABELS and not _is_one_of(ent):
            return True
        if ent.label_ in ("DATE", "TIME") and _counts_a_duration(ent):
            return True
    return False


def _is_one_of(ent: Span) -> bool:
    """ "one of the most capable weapons" ranks; it does not count."""
    doc = ent.doc
    return ent.text.lower() == "one" and ent.end < len(doc) and doc[ent.end].lower_ == "of"


def _counts_a_duration(ent: Span) -> bool:
    """ "three hundred days ago", "a 10-month invasion", "several months"; not "2023"."""
    has_count = any(t.like_num or t.lower_ in VAGUE_COUNTS for t in ent)
    return has_count and any(t.lemma_.lower() in DURATION_LEMMAS for t in ent)
