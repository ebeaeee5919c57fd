"""Which lines need the entity recogniser, when the scorer does not read entities.

The recogniser (its own token-to-vector layer) costs about as much as the rest of spaCy's parse,
and most sentences of a transcript fall under the check-worthiness threshold. It runs on a line
(a ``Doc``) only when something that reaches a claim could read its entities, so that every claim
of a sentence that passes comes out exactly as if it had run everywhere:

* the line holds a sentence that passes (quantities, kinds, entities, claim scores);
* the line holds the sentence just before one that passes (pronoun referents and fuller speaker
  names are looked up there), or holds a quotation mark, or comes just before a line that does
  (a quotation's speaker is carried into the quoted sentences after it);
* the line could name the holder of a title ("President Volodymyr Zelensky"), which a later
  "the President said" resolves to: a capitalised word before a name.
"""

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

DEFERRABLE = ("ner",)
QUOTE_TAGS = frozenset({"``", "''"})
# ``attribution._TITLE_DEPS``: the dependencies a title has on the name it precedes.
TITLE_DEPS = frozenset({"compound", "nmod"})


def deferrable(nlp: Language) -> list[str]:
    """The components of ``nlp`` that may wait for the score (the entity recogniser)."""
    return [name for name in nlp.pipe_names if name in DEFERRABLE]


def entity_docs(spans: Sequence[Span], scores: Sequence[float], threshold: float) -> list[Doc]:
    """The Docs (lines) whose entities a claim can read, each once, in order."""
    needed: set[int] = set()
    for i, (span, score) in enumerate(zip(spans, scores, strict=True)):
        context = _quoted(span) or _may_name_a_title(span)
        if score >= threshold or context:
            needed.add(i)
        if i > 0 and (score >= threshold or _quoted(span)):
            needed.add(i - 1)
    docs: dict[int, Doc] = {}
    for i in sorted(needed):
        doc = spans[i].doc
        # A long line's sentences were copied into Docs of their own, entities and all.
        if not doc.has_annotation("ENT_IOB"):
            docs.setdefault(id(doc), doc)
    return list(docs.values())


def _quoted(span: Span) -> bool:
    return any(t.tag_ in QUOTE_TAGS for t in span)


def _may_name_a_title(span: Span) -> bool:
    return any(
        t.is_title and t.dep_ in TITLE_DEPS and t.i < t.head.i and t.head.pos_ == "PROPN"
        for t in span
    )
