"""Atomic claims: a parsed sentence in, one short standalone claim per checkable fact out.

Pure functions over a spaCy ``Span`` (a sentence of a per-line ``Doc``); nothing is re-parsed and
no text is invented beyond a copula for appositions and list glue ("and", "each"). What a claim
says is always grounded in tokens of the sentence, and its ``start``/``end`` are character offsets
into ``span.doc.text`` of the sub-span those tokens come from.

The cuts, in order:

* leading discourse words ("However,", "In all,") and quote marks go;
* a reporting frame after its content (", the statement said") goes; a frame before its content
  stays only when it carries the fact ("Blinken told CNN that ...", "he hopes ...");
* coordinated clauses and comma-spliced clauses become separate claims, sharing the subject;
* a relative clause on a noun ("Zelensky, who is visiting ...") and an apposition on a name
  ("Bill Taylor, the former US ambassador") become claims of their own;
* a noun with a number followed by "each with N X" becomes "<number> <noun>, N X each";
* an object list holding quantities is cut into its quantity items and the rest of the list.

A claim over the ClaimReview length (``MAX_CLAIM_CHARS``) loses its purpose clauses ("to help
counter the invasion"), which a fact-checker cannot check anyway.

This module walks the clauses; ``heads`` finds the verb that carries a claim, ``clauses`` cuts
out the parts that become claims of their own, and ``render`` turns tokens back into text.
"""

from collections.abc import Iterable
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from workers.extraction.clauses import (
    each_claims,
    extract_appositions,
    extract_asides,
    extract_participles,
    extract_relative_clauses,
    split_object_list,
)
from workers.extraction.heads import (
    CLAUSE_POS,
    lift_clause,
    subject_of,
    subtree,
    unwrap,
)
from workers.extraction.render import (
    MAX_CLAIM_CHARS,
    QUOTE_MARKS,
    AtomicClaim,
    capitalise,
    render,
    render_claim,
)

__all__ = ["MAX_CLAIM_CHARS", "AtomicClaim", "split_atomic", "whole_sentence"]

AUX_DEPS = frozenset({"aux", "auxpass", "neg"})
DISCOURSE_ADVERBS = frozenset(
    {
        "however", "meanwhile", "moreover", "furthermore", "nevertheless", "nonetheless",
        "additionally", "also", "indeed", "instead", "besides", "still", "thus", "therefore",
        "hence", "overall", "then",
    }
)  # fmt: skip
CLAUSE_CONNECTIVES = frozenset({"yet", "so", "then"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself"})
# Alternatives are one claim: in "I either tied or beat Hillary" neither half is asserted.
ALTERNATIVES = frozenset({"or", "nor"})
DISCOURSE_PHRASES = (
    ("in", "all"),
    ("in", "addition"),
    ("in", "fact"),
    ("in", "short"),
    ("in", "turn"),
    ("of", "course"),
    ("for", "example"),
    ("for", "instance"),
    ("after", "all"),
    ("on", "the", "other", "hand"),
    ("at", "the", "same", "time"),
)


def split_atomic(span: Span) -> list[AtomicClaim]:
    """Cut one sentence into its atomic claims, in reading order; never empty for a worded span."""
    doc = span.doc
    body = set(range(span.start, span.end)) - _leading_salutation(span)
    body -= _leading_discourse(span)
    claims: list[AtomicClaim] = []
    for each_claim, consumed in each_claims(span):
        claims.append(each_claim)
        body -= consumed
    head, _ = unwrap(span.root)
    tokens = body if head.i == span.root.i else lift_clause(head, body)
    _clause_claims(doc, head, tokens, claims)
    claims = _dedupe(c for c in claims if c.text)
    # A piece that is no standalone clause is dropped; if no piece is, the sentence stays whole
    # (and, when it is no clause either, carries its ``problem`` so the queue hides it).
    claims = [c for c in claims if not c.problem]
    if not claims:
        whole = _whole(doc, body)
        if whole is not None:
            claims = [whole]
    return sorted(claims, key=lambda c: (c.start, c.end))


def whole_sentence(span: Span) -> AtomicClaim | None:
    """The sentence as one claim, without its salutation or leading discourse words, carrying
    its ``problem`` when it is no clause: what a piece falls back to."""
    body = set(range(span.start, span.end)) - _leading_salutation(span)
    return _whole(span.doc, body - _leading_discourse(span))


def _whole(doc: Doc, body: set[int]) -> AtomicClaim | None:
    whole = render(doc, body, check=True)
    return None if whole is None else replace(whole, text=capitalise(whole.text))


def _leading_salutation(span: Span) -> set[int]:
    """ "Mr. Speaker, Mr. Vice President, Members of Congress ...: tonight ...": the verbless
    address before a colon, when a clause follows it; "Mr. Trump, ... your plan ...": a name
    spoken to; "(inaudible)": a transcriber's note."""
    doc = span.doc
    if doc[span.start].text == "(":
        close = next((t.i for t in doc[span.start : span.start + 6] if t.text == ")"), None)
        if close is not None:
            return set(range(span.start, close + 1))
    vocative = _leading_vocative(span)
    if vocative:
        return vocative
    colon = next((t.i for t in span if t.text == ":"), None)
    if colon is None or colon == span.start:
        return set()
    before, after = span.doc[span.start : colon], span.doc[colon + 1 : span.end]
    if any(t.pos_ in CLAUSE_POS for t in before) or not any(t.pos_ in CLAUSE_POS for t in after):
        return set()
    if not any(t.pos_ == "PROPN" or t.ent_type_ for t in before):
        return set()
    return set(range(span.start, colon + 1))


def _clause_claims(
    doc: Doc,
    head: Token,
    tokens: set[int],
    claims: list[AtomicClaim],
    subject: set[int] | None = None,
) -> None:
    """Emit the claims of one clause, then recurse into the clauses coordinated with it.

    ``subject`` is the subject a subjectless conjunct shares with the clause before it; its
    tokens are already in ``tokens``.
    """
    tokens = set(tokens)
    own = subject_of(head)
    if own is not None:
        subject = subtree(own) & tokens
    for clause in _coordinated_clauses(head):
        clause_tokens = tokens & subtree(clause)
        tokens -= clause_tokens | _connector_before(doc, clause, tokens)
        stranded = _stranded_subject(doc, clause, tokens)
        if stranded:
            tokens -= stranded | _connector_before(doc, doc[min(stranded)], tokens)
        clause_tokens -= _clause_connective(doc, clause, clause_tokens)
        clause_head, _ = unwrap(clause)
        if clause_head.i != clause.i:
            clause_tokens = lift_clause(clause_head, clause_tokens)
        shared: set[int] | None = None
        if stranded:
            shared = stranded
            clause_tokens |= stranded
        elif subject_of(clause_head) is None and subject:
            shared = subject
            clause_tokens |= subject | _shared_auxiliaries(head, clause_head)
        _clause_claims(doc, clause_head, clause_tokens, claims, shared)
    tokens -= extract_participles(doc, head, tokens, claims)
    removed, optional = extract_asides(doc, head, tokens, claims)
    tokens -= removed
    tokens -= extract_relative_clauses(doc, tokens, claims)
    tokens -= extract_appositions(doc, tokens, claims)
    if split_object_list(doc, head, tokens, claims):
        return
    claim = render_claim(doc, tokens, optional=optional)
    if claim is not None:
        claims.append(claim)


def _stranded_subject(doc: Doc, clause: Token, tokens: set[int]) -> set[int]:
    """The subject the parser hung on the previous object: "delivered the tanks and Poland trained".

    A finite verb without a subject, right after a conjoined noun, takes that noun as subject.
    """
    before = clause.left_edge.i - 1
    if (
        subject_of(clause) is not None
        or clause.tag_ not in ("VBD", "VBZ", "VBP")
        or before not in tokens
        or doc[before].pos_ not in ("NOUN", "PROPN")
        or doc[before].dep_ != "conj"
        or doc[doc[before].left_edge.i - 1].dep_ != "cc"
    ):
        return set()
    return set(range(doc[before].left_edge.i, before + 1)) & tokens


def _coordinated_clauses(head: Token) -> list[Token]:
    """Verbs coordinated with ``head`` ("sent X and sent Y") or comma-spliced onto it."""
    found: list[Token] = []
    if any(
        c.dep_ == "preconj" or (c.dep_ == "cc" and c.lower_ in ALTERNATIVES) for c in head.children
    ):
        return found
    if _sets_up_contrast(head):
        return found
    for child in head.children:
        if (
            child.dep_ == "conj"
            and child.pos_ in CLAUSE_POS
            or (
                child.dep_ == "advcl"
                and child.i > head.i
                and subject_of(child) is not None
                and not any(c.dep_ == "mark" for c in child.children)
                and any(
                    c.dep_ == "punct" and head.i < c.i < child.left_edge.i for c in head.children
                )
            )
        ):
            found.append(child)
    return found


def _sets_up_contrast(head: Token) -> bool:
    """ "It's one thing to have debt and [another when] our roads are good": the first clause
    says nothing until the second, so the two stay one claim."""
    return any(
        c.dep_ == "attr"
        and c.lemma_ == "thing"
        and any(n.lower_ == "one" and n.dep_ == "nummod" for n in c.children)
        for c in head.children
    )


def _shared_auxiliaries(head: Token, clause: Token) -> set[int]:
    """ "will address X and demonstrate Y": the conjunct in the same verb form shares "will"."""
    if clause.tag_ != head.tag_ or any(c.dep_ in AUX_DEPS for c in clause.children):
        return set()
    return {c.i for c in head.children if c.dep_ in AUX_DEPS and c.i < head.i}


def _leading_discourse(span: Span) -> set[int]:
    """Token indices of sentence-initial connectives: "However,", "In all,", "But"."""
    doc = span.doc
    dropped: set[int] = set()
    i = span.start
    while i < span.end:
        token = doc[i]
        if token.is_punct or token.text in QUOTE_MARKS:
            i += 1
            continue
        words = tuple(t.lower_ for t in doc[i : min(i + 4, span.end)])
        phrase = next((p for p in DISCOURSE_PHRASES if words[: len(p)] == p), None)
        if (
            token.pos_ == "CCONJ"
            or _answers_why(token)
            or (
                token.lower_ in DISCOURSE_ADVERBS
                and token.dep_ == "advmod"
                and token.head.dep_ == "ROOT"
            )
        ):
            length = 1
        elif phrase is not None and i + len(phrase) < span.end and doc[i + len(phrase)].text == ",":
            length = len(phrase)
        else:
            break
        dropped |= set(range(i, i + length))
        i += length
        if i < span.end and doc[i].text == ",":
            dropped.add(i)
            i += 1
    return dropped


def _answers_why(token: Token) -> bool:
    """ "Because Roe v. Wade sets out ...": a sentence that answers a question opens with
    "because" on its own main verb; what it asserts is the rest."""
    return token.lower_ == "because" and token.dep_ == "mark" and token.head.dep_ == "ROOT"


def _clause_connective(doc: Doc, clause: Token, tokens: set[int]) -> set[int]:
    """The "yet" of "..., and yet we don't use them": it ties the clause to the one before."""
    if not tokens:
        return set()
    first = doc[min(tokens)]
    if first.lower_ in CLAUSE_CONNECTIVES and first.head.i == clause.i:
        return {first.i}
    return set()


def _connector_before(doc: Doc, clause: Token, tokens: set[int]) -> set[int]:
    """The ", and" / ", but" between a clause and the one it is coordinated with."""
    connector = set()
    i = clause.left_edge.i - 1
    while i in tokens and (doc[i].is_punct or doc[i].dep_ == "cc"):
        connector.add(i)
        i -= 1
    return connector


def _dedupe(claims: Iterable[AtomicClaim]) -> list[AtomicClaim]:
    seen: set[str] = set()
    unique = []
    for claim in claims:
        key = claim.text.lower()
        if key not in seen:
            seen.add(key)
            unique.append(claim)
    return unique


def _leading_vocative(span: Span) -> set[int]:
    """ "Secretary Clinton, as secretary of state, you ...": a name, a comma, and "you" later."""
    doc = span.doc
    i = span.start
    while i < span.end and doc[i].pos_ == "PROPN":
        i += 1
    if i == span.start or i >= span.end or doc[i].text != ",":
        return set()
    if not any(t.lower_ in SECOND_PERSON for t in doc[i + 1 : span.end]):
        return set()
    return set(range(span.start, i + 1))
