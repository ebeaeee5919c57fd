"""A claim that opens on "he" or "she" gets the person's name instead, when the text says who.

"He needs longer-range weapons" cannot be checked without the sentence before it; "Zelensky
needs longer-range weapons" can. The referent is the nearest person named as a subject before the
pronoun in the same sentence, else the last one named as a subject in the previous sentence
(not "her son, Felix": a name in an object may be anyone's), else the sentence's speaker when the
pronoun is in what the speaker reports ("The President of Ukraine posted that he hopes ..."). Inside a direct quote the speaker is "I",
never "he", so there the speaker is no candidate. Only the claim's text changes: its evidence
span still points at the words the article wrote.
"""

from spacy.tokens import Span, Token

from workers.extraction.render import QUOTE_MARKS
from workers.extraction.vocabulary import REPORTING_VERBS

THIRD_PERSON = frozenset({"he", "she"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def resolve_pronoun(
    text: str, claim: Span, sentence: Span, previous: Span | None, speaker: str
) -> str:
    """``text`` with its opening "he"/"she" subject replaced by the referent, when one is found."""
    pronoun = _opening_pronoun(claim)
    if pronoun is None or text.split(maxsplit=1)[0].lower() != pronoun.lower_:
        return text
    # "He met Biden and he asked ...": the second "he" is the first one's person, not Biden.
    first = next(
        (t for t in sentence if t.lower_ in THIRD_PERSON and t.dep_ in SUBJECT_DEPS), pronoun
    )
    quoted = _inside_quote(sentence, first)
    excluded = speaker if quoted else ""
    named = _people(sentence, excluded, before=first.i, subjects_only=True)
    if named:
        referent = named[-1]
    elif previous is not None and (people := _people(previous, excluded, subjects_only=True)):
        referent = people[-1]
    elif speaker and not quoted and _reported_by(first):
        referent = speaker
    else:
        return text
    return referent + text[len(pronoun.text) :]


def _reported_by(pronoun: Token) -> bool:
    """The pronoun sits in what a reporting verb reports ("posted that he hopes"): only then
    may it be the speaker, who otherwise says "I"."""
    return any(a.lemma_.lower() in REPORTING_VERBS for a in pronoun.ancestors)


def _opening_pronoun(claim: Span) -> Token | None:
    for token in claim:
        if token.is_punct or token.text in QUOTE_MARKS:
            continue
        if token.lower_ in THIRD_PERSON and token.dep_ in SUBJECT_DEPS:
            return token
        return None
    return None


def _people(
    span: Span, excluded: str, *, before: int | None = None, subjects_only: bool = False
) -> list[str]:
    """People named in ``span`` (before token ``before``), optionally only those as subjects."""
    return [
        e.text
        for e in span.ents
        if e.label_ == "PERSON"
        and (before is None or e.end <= before)
        and (not subjects_only or e.root.dep_ in SUBJECT_DEPS)
        and not (excluded and (e.text in excluded or excluded in e.text))
    ]


def _inside_quote(sentence: Span, token: Token) -> bool:
    """An odd number of quote marks before the token in its sentence: it is quoted speech."""
    marks = sum(1 for t in sentence if t.i < token.i and t.text in ('"', "“", "”", "``", "''"))
    return marks % 2 == 1
