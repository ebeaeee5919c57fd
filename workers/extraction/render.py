"""Claim text from a set of tokens: in order, with the article's spacing, without stray marks.

A claim is always rendered from tokens of the sentence (a participle may be put into its finite
form); ``start``/``end`` are character offsets into ``span.doc.text`` of the first and last token.
"""

from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from workers.extraction.form import form_problem
from workers.extraction.heads import subject_of, subtree

# ClaimReview recommends a claimReviewed of fewer than 75 characters.
MAX_CLAIM_CHARS = 75
# A clause of fewer word tokens than this ("and it is") is not a claim on its own.
MIN_CLAIM_WORDS = 3
QUOTE_MARKS = frozenset({'"', "“", "”", "‘", "’", "«", "»", "'", "`", "``", "''", "\\"})
# "do everything we could [to reduce X]": the purpose is what the object stands for.
OPEN_OBJECTS = frozenset({"everything", "anything", "something", "all", "whatever", "what"})
NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "%"})
NO_SPACE_AFTER = frozenset({"(", "$", "-"})


@dataclass(frozen=True)
class AtomicClaim:
    text: str
    start: int
    end: int
    # The sentence tokens it is rendered from (empty for a claim built with an added copula).
    tokens: frozenset[int] = field(default=frozenset(), compare=False)
    # Why it is not a standalone clause (``form.form_problem``); "" when it is.
    problem: str = ""


def render(
    doc: Doc, tokens: set[int], words: dict[int, str] | None = None, *, check: bool = False
) -> AtomicClaim | None:
    """Join tokens in order, dropping quote marks and stray edge or doubled punctuation.

    ``words`` replaces the text of some tokens (a participle put into the finite form);
    ``check`` fills in ``problem`` (a claim, not a piece of one).
    """
    kept: list[Token] = []
    bracketed = False  # a transcriber's "[crosstalk]"
    for i in sorted(tokens):
        token = doc[i]
        if token.text in ("[", "]"):
            bracketed = token.text == "["
            continue
        if bracketed or token.is_space or token.text in QUOTE_MARKS:
            continue
        if token.is_punct and (not kept or (kept[-1].is_punct and kept[-1].text != ")")):
            continue
        kept.append(token)
    while kept and (kept[-1].is_punct and kept[-1].text not in (")", "%") or kept[-1].dep_ == "cc"):
        kept.pop()
    while kept and kept[0].dep_ == "cc" and kept[0].pos_ == "CCONJ":
        kept.pop(0)
    if not kept:
        return None
    words = words or {}
    parts = [words.get(kept[0].i, kept[0].text)]
    for previous, token in zip(kept, kept[1:], strict=False):
        adjacent = token.i == previous.i + 1
        if (
            token.text in NO_SPACE_BEFORE
            or token.text[:1] in ("’", "'")
            or previous.text in NO_SPACE_AFTER
        ):
            space = previous.whitespace_ if adjacent else ""
        else:
            space = previous.whitespace_ if adjacent else " "
        parts.append(space + words.get(token.i, token.text))
    return AtomicClaim(
        # A backslash glued to a word is an escaped quote mark left in the source.
        text="".join(parts).strip("\\"),
        start=kept[0].idx,
        end=kept[-1].idx + len(kept[-1]),
        tokens=frozenset(t.i for t in kept),
        problem=form_problem(kept, finite_words=bool(words)) if check else "",
    )


def render_claim(
    doc: Doc,
    tokens: set[int],
    words: dict[int, str] | None = None,
    optional: set[int] | None = None,
) -> AtomicClaim | None:
    """Render a clause as a claim; an over-long one loses its asides and purpose clauses."""
    claim = render(doc, tokens, words, check=True)
    if claim is None or _word_count(doc, tokens) < MIN_CLAIM_WORDS:
        return None
    if len(claim.text) > MAX_CLAIM_CHARS:
        dispensable = set(optional or ())
        last = max(i for i in tokens if not doc[i].is_punct)
        for i in tokens:
            if _is_purpose(doc[i]) and doc[i].head.i in tokens and doc[i].right_edge.i >= last:
                dispensable |= subtree(doc[i])
        core = tokens - dispensable
        shorter = render(doc, core, words, check=True) if dispensable else None
        if shorter is not None and _word_count(doc, core) >= MIN_CLAIM_WORDS:
            claim = shorter
    return replace(claim, text=capitalise(claim.text))


def _is_purpose(clause: Token) -> bool:
    """An infinitival clause of purpose: "sent weapons to Ukraine [to help counter ...]".

    Only after a verb that already has its object or is passive: in "working to make sure" or
    "will meet to discuss" the infinitive is what the verb is about, not an add-on.
    """
    first = clause.doc[clause.left_edge.i]
    return (
        clause.dep_ == "advcl"
        and first.lower_ == "to"
        and first.tag_ == "TO"
        and subject_of(clause) is None
        and any(
            c.dep_ in ("dobj", "nsubjpass", "auxpass") and c.lower_ not in OPEN_OBJECTS
            for c in clause.head.children
        )
    )


def _word_count(doc: Doc, tokens: set[int]) -> int:
    return sum(1 for i in tokens if not doc[i].is_punct and not doc[i].is_space)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text
