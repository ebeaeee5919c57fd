"""The mechanical well-formedness check: of the claims the queue shows by default, how many start
or end with a connector, or lack a finite verb without being a quantity phrase.

A cheap stand-in for reading the claims (the hand-labelled sample in ``docs/wellformed/`` is the
real measure): it re-parses each claim on its own, as a reader meets it in the queue, and looks
only at its edges and its verbs. "Including 1,200 social homes" fails at its start, "the city has
built including" at its end, "Mr. Speaker, Mr. Vice President" for want of a verb; "up to eight
launchers, four missiles each" passes as a quantity phrase.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from workers.extraction import ClaimCandidate, Scorer, extract_claims
from workers.extraction.form import (
    FINITE_TAGS,
    RELATIVE_TAGS,
    is_quantity_phrase,
    starting_connector,
)
from workers.extraction.vocabulary import KIND_NOT_CHECKABLE
from workers.training import cw_metrics

# A claim that ends on one of these was cut before what the word introduces.
END_CONNECTORS = frozenset(
    {
        "and", "or", "but", "nor", "including", "such", "as", "like", "which", "who", "that",
        "of", "to", "for", "with", "by", "from", "in", "on", "at", "than", "the", "a", "an",
        "because", "while", "whereas", "if", "when", ",", ";", ":", "-", "—", "–",
    }
)  # fmt: skip
TRAILING_MARKS = ".!?\"'”’)"


def claim_form_problem(doc: Doc) -> str:
    """Why a claim (parsed on its own) is not well-formed by the mechanical rule; "" if it is.

    The claim is parsed alone, as a reader meets it. It fails when it starts with a connector,
    ends on one (a demonstrative "that", a particle, or a preposition left stranded by a
    relative clause in the claim itself, "what they are asking for", is fine), or has no finite
    verb without being a quantity phrase."""
    words = [t for t in doc if not t.is_space]
    while words and words[-1].text in TRAILING_MARKS:
        words.pop()
    if not words:
        return "empty"
    connector = starting_connector(words)
    if connector:
        return f"starts with “{connector}”"
    last = words[-1]
    if last.lower_ in END_CONNECTORS and not _fine_ending(last, words):
        return f"ends with “{last.text}”"
    if any(t.tag_ in FINITE_TAGS for t in words) or _subject_with_base_verb(doc):
        return ""
    if is_quantity_phrase(words):
        return ""
    return "no finite verb"


def _fine_ending(last: Token, words: list[Token]) -> bool:
    if last.lower_ == "that" and last.tag_ == "DT":
        return True  # "Senator Sanders voted for that"
    if last.pos_ != "ADP" and last.tag_ != "RP":
        return False
    if last.tag_ == "RP" or last.dep_ == "prt":
        return True  # "the federal government comes in"
    return any(t.tag_ in RELATIVE_TAGS or t.dep_ in ("relcl", "pcomp") for t in words[:-1])


def _subject_with_base_verb(doc: Doc) -> bool:
    """The small model tags some present-tense verbs VB after a subject ("they [VB] say")."""
    return any(
        t.tag_ == "VB" and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children) for t in doc
    )


@dataclass(frozen=True)
class FormReport:
    shown: int
    malformed: int
    examples: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.malformed / self.shown if self.shown else 0.0


def form_report(
    nlp: Language, claims: Sequence[ClaimCandidate], *, batch_size: int = 64
) -> FormReport:
    """Check every claim the queue shows by default (kind other than ``not_checkable``)."""
    shown = [c.text for c in claims if c.kind != KIND_NOT_CHECKABLE]
    examples = []
    for text, doc in zip(shown, nlp.pipe(shown, batch_size=batch_size), strict=True):
        problem = claim_form_problem(doc)
        if problem:
            examples.append((text, problem))
    return FormReport(shown=len(shown), malformed=len(examples), examples=examples)


def transcript_claims(nlp: Language, scorer: Scorer, path: Path) -> list[ClaimCandidate]:
    """Every claim the extractor makes from each document of a labelled JSONL set, the document
    given whole as an article of one sentence a line (so a transcript is read in order)."""
    claims: list[ClaimCandidate] = []
    for document in cw_metrics.read_jsonl_documents(path):
        text = "\n".join(s["text"] for s in document["sentences"])
        claims.extend(extract_claims(nlp, text, scorer=scorer))
    return claims
