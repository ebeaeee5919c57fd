"""The head of a sentence's claim: which verb carries the fact, once the framing is looked through.

Shared by ``atomic`` (where to cut) and ``kinds`` (what sort of claim it is). A reporting frame
that only cites a source (", officials told CNN") is looked through; one that is itself the
checkable fact ("Blinken told CNN that ...") is kept.
"""

from spacy.tokens import Doc, Span, Token

from workers.extraction.vocabulary import (
    BE_FORMS,
    CHECKABLE_ENTITY_LABELS,
    REPORTING_VERBS,
    SPEAKER_ENTITY_LABELS,
)

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
CLAUSE_POS = frozenset({"VERB", "AUX"})
WH_TAGS = frozenset({"WP", "WDT"})
DEMONSTRATIVES = frozenset({"that", "this", "it"})


def claim_head(span: Span) -> tuple[Token, bool]:
    """The head of the sentence's main claim, and whether that claim is an attribution.

    A frame that is only sourcing (", officials told CNN") is looked through; a frame that is
    itself the checkable fact ("Blinken told CNN that ...") is kept, and the claim is its verb.
    """
    head, keep_frame = unwrap(span.root)
    return head, keep_frame and reporting_content(head) is not None


def reporting_content(verb: Token) -> Token | None:
    """The clause a reporting verb reports ("said [that X happened]"), if it is one."""
    if verb.lemma_.lower() not in REPORTING_VERBS:
        return None
    for child in verb.children:
        if child.dep_ == "ccomp":
            return child
    return None


def unwrap(head: Token) -> tuple[Token, bool]:
    """Follow a pseudo-cleft and drop a sourcing-only frame: ``(claim head, frame kept?)``."""
    if head.lower_ in BE_FORMS or head.lemma_ == "be":
        # "That's what the officials said": the claim is the reporting verb's.
        subject = subject_of(head)
        clefted = [c for c in head.children if c.dep_ == "ccomp" and reporting_content(c)]
        if subject is not None and subject.lower_ in DEMONSTRATIVES and clefted:
            head = clefted[0]
    content = reporting_content(head)
    if content is None:
        return head, True
    if content.i < head.i or not _frame_carries_fact(head, content):
        return content, False
    return head, True


def _frame_carries_fact(verb: Token, content: Token) -> bool:
    """Keep "X said that Y" whole when X is named, or Y cannot stand without the frame."""
    speaker = subject_of(verb)
    if speaker is not None and speaker.ent_type_ in SPEAKER_ENTITY_LABELS:
        return True
    subject = subject_of(content)
    if subject is None or subject.pos_ == "PRON":
        return True
    return not any(
        t.ent_type_ in CHECKABLE_ENTITY_LABELS or t.like_num for t in _tokens(content.doc, content)
    )


def subject_of(verb: Token) -> Token | None:
    """The grammatical subject of a verb, active or passive."""
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    return None


def lift_clause(head: Token, scope: set[int]) -> set[int]:
    """A clause lifted out of its frame, without its "that" or the cleft's "what"."""
    dropped = {
        c.i
        for c in head.children
        if (c.dep_ == "mark" and c.lower_ == "that") or (c.tag_ in WH_TAGS and c.i < head.i)
    }
    return (scope & subtree(head)) - dropped


def subtree(token: Token) -> set[int]:
    return set(range(token.left_edge.i, token.right_edge.i + 1))


def _tokens(doc: Doc, token: Token) -> Span:
    return doc[token.left_edge.i : token.right_edge.i + 1]
