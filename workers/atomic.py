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
"""

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

# ClaimReview recommends a claimReviewed of fewer than 75 characters.
MAX_CLAIM_CHARS = 75
# A clause of fewer word tokens than this ("and it is") is not a claim on its own.
MIN_CLAIM_WORDS = 3

REPORTING_LEMMAS = frozenset(
    {
        "say", "tell", "announce", "report", "claim", "state", "confirm", "deny", "add",
        "post", "write", "describe", "estimate", "warn", "insist", "argue", "reveal", "admit",
        "tweet", "note", "explain", "suggest", "acknowledge", "stress", "assert",
    }
)  # fmt: skip
# A named speaker makes the frame itself checkable: did Blinken say it?
SPEAKER_ENTITY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
FACT_ENTITY_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"}
)
DISCOURSE_ADVERBS = frozenset(
    {
        "however", "meanwhile", "moreover", "furthermore", "nevertheless", "nonetheless",
        "additionally", "also", "indeed", "instead", "besides", "still", "thus", "therefore",
        "hence", "overall", "then",
    }
)  # fmt: skip
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
QUOTE_MARKS = frozenset({'"', "“", "”", "‘", "’", "«", "»", "'", "`", "``", "''"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
OBJECT_DEPS = frozenset({"dobj", "attr", "oprd"})
AUX_DEPS = frozenset({"aux", "auxpass", "neg"})
CLAUSE_POS = frozenset({"VERB", "AUX"})
WH_WORDS = frozenset({"who", "which", "that", "whom"})
WH_TAGS = frozenset({"WP", "WDT"})
DEMONSTRATIVES = frozenset({"that", "this", "it"})
BE_FORMS = frozenset({"be", "is", "was", "are", "were", "’s", "'s", "’re", "'re", "’m", "'m"})
# Punctuation that sets off an apposition or a relative clause.
SETTING_OFF = frozenset({",", "—", "–", "-", "(", ")"})
NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "%"})
NO_SPACE_AFTER = frozenset({"(", "$", "-"})


@dataclass(frozen=True)
class AtomicClaim:
    text: str
    start: int
    end: int


def split_atomic(span: Span) -> list[AtomicClaim]:
    """Cut one sentence into its atomic claims, in reading order; never empty for a worded span."""
    doc = span.doc
    body = set(range(span.start, span.end)) - _leading_discourse(span)
    claims: list[AtomicClaim] = []
    for each_claim, consumed in _each_claims(span):
        claims.append(each_claim)
        body -= consumed
    head, _ = _unwrap(span.root)
    tokens = body if head.i == span.root.i else _clause_tokens(head, body)
    _clause_claims(doc, head, tokens, claims)
    claims = _dedupe(c for c in claims if c.text)
    if not claims:
        whole = _render(doc, body)
        if whole is not None:
            claims = [whole]
    return sorted(claims, key=lambda c: (c.start, c.end))


def claim_head(span: Span) -> tuple[Token, bool]:
    """The head of the sentence's main claim, and whether that claim is an attribution.

    A frame that is only sourcing (", officials told CNN") is looked through; a frame that is
    itself the checkable fact ("Blinken told CNN that ...") is kept, and the claim is its verb.
    """
    head, keep_frame = _unwrap(span.root)
    return head, keep_frame and reporting_content(head) is not None


def reporting_content(verb: Token) -> Token | None:
    """The clause a reporting verb reports ("said [that X happened]"), if it is one."""
    if verb.lemma_.lower() not in REPORTING_LEMMAS:
        return None
    for child in verb.children:
        if child.dep_ == "ccomp":
            return child
    return None


def _unwrap(head: Token) -> tuple[Token, bool]:
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
        t.ent_type_ in FACT_ENTITY_LABELS or t.like_num for t in _tokens(content.doc, content)
    )


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
        subject = _subtree(own) & tokens
    for clause in _coordinated_clauses(head):
        clause_tokens = tokens & _subtree(clause)
        tokens -= clause_tokens | _connector_before(doc, clause, tokens)
        stranded = _stranded_subject(doc, clause, tokens)
        if stranded:
            tokens -= stranded | _connector_before(doc, doc[min(stranded)], tokens)
        clause_head, _ = _unwrap(clause)
        if clause_head.i != clause.i:
            clause_tokens = _clause_tokens(clause_head, clause_tokens)
        shared: set[int] | None = None
        if stranded:
            shared = stranded
            clause_tokens |= stranded
        elif subject_of(clause_head) is None and subject:
            shared = subject
            clause_tokens |= subject | _shared_auxiliaries(head, clause_head)
        _clause_claims(doc, clause_head, clause_tokens, claims, shared)
    tokens -= _extract_participles(doc, head, tokens, claims)
    removed, optional = _extract_asides(doc, head, tokens, claims)
    tokens -= removed
    tokens -= _extract_relative_clauses(doc, tokens, claims)
    tokens -= _extract_appositions(doc, tokens, claims)
    if _split_object_list(doc, head, tokens, claims):
        return
    claim = _render_claim(doc, tokens, optional=optional)
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
    found = []
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


def _shared_auxiliaries(head: Token, clause: Token) -> set[int]:
    """ "will address X and demonstrate Y": the conjunct in the same verb form shares "will"."""
    if clause.tag_ != head.tag_ or any(c.dep_ in AUX_DEPS for c in clause.children):
        return set()
    return {c.i for c in head.children if c.dep_ in AUX_DEPS and c.i < head.i}


def _extract_participles(
    doc: Doc, head: Token, tokens: set[int], claims: list[AtomicClaim]
) -> set[int]:
    """ "Batteries require crews, requiring dozens of personnel" -> "Batteries require dozens ...".

    Only after a present-tense verb, whose finite form follows from the lemma; a past-tense
    participle clause stays in its sentence rather than guess an irregular form.
    """
    subject = subject_of(head)
    if subject is None or head.tag_ not in ("VBP", "VBZ") or head.lemma_ == "be":
        return set()
    removed: set[int] = set()
    for child in head.children:
        if (
            child.dep_ != "advcl"
            or child.tag_ != "VBG"
            or child.i < head.i
            or child.lemma_ == "be"
            or subject_of(child) is not None
            or any(c.dep_ in ("mark", "aux") for c in child.children)
            or doc[child.left_edge.i - 1].text != ","
            or not any(c.dep_ == "dobj" for c in child.children)
        ):
            continue
        clause = _subtree(child) & tokens
        finite = child.lemma_ if head.tag_ == "VBP" else _third_person(child.lemma_)
        claim = _render_claim(doc, (_subtree(subject) & tokens) | clause, {child.i: finite})
        if claim is not None:
            claims.append(claim)
            removed |= clause | {child.left_edge.i - 1}
    return removed


def _third_person(lemma: str) -> str:
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if lemma.endswith("y") and lemma[-2:-1] not in ("a", "e", "i", "o", "u"):
        return lemma[:-1] + "ies"
    return lemma + "s"


def _extract_asides(
    doc: Doc, head: Token, tokens: set[int], claims: list[AtomicClaim]
) -> tuple[set[int], set[int]]:
    """A noun phrase set off after a clause: "takes several months, a process the US will ...".

    Right after a name it is a misparsed apposition ("Bakhmut, now the epicenter of the
    fighting") and becomes its own claim. Otherwise it comments on the clause and is returned
    as optional: the clause keeps it unless the claim gets too long.
    Returns ``(removed, optional)`` token sets.
    """
    removed: set[int] = set()
    optional: set[int] = set()
    for child in head.children:
        comma = child.left_edge.i - 1
        if (
            child.dep_ not in ("npadvmod", "dep", "appos")
            or child.i < head.i
            or (child.pos_ in CLAUSE_POS and child.lemma_ != "be" and subject_of(child) is None)
            or doc[comma].text != ","
            or comma not in tokens
        ):
            continue
        aside = _subtree(child) & tokens
        if not any(doc[i].pos_ in ("NOUN", "PROPN") for i in aside):
            continue
        name = doc[comma - 1]
        if (
            name.pos_ == "PROPN"
            and name.ent_type_ in FACT_ENTITY_LABELS
            and doc[child.left_edge.i].pos_ in ("DET", "ADV")
        ):
            noun = _render(doc, set(range(name.left_edge.i, name.i + 1)) & tokens)
            # "Bakhmut, now[’s] the epicenter": a stray copula the parser made the head.
            stray = {child.i} if child.pos_ in CLAUSE_POS and child.lower_ in BE_FORMS else set()
            description = _render(doc, aside - stray)
            if noun is not None and description is not None:
                claims.append(
                    AtomicClaim(
                        text=_capitalise(f"{noun.text} is {description.text}"),
                        start=noun.start,
                        end=description.end,
                    )
                )
                removed |= aside | {comma}
                continue
        optional |= aside | {comma}
    return removed, optional


def _extract_relative_clauses(doc: Doc, tokens: set[int], claims: list[AtomicClaim]) -> set[int]:
    """ "Zelensky, who is visiting X" -> "Zelensky is visiting X"; returns the tokens used up."""
    removed: set[int] = set()
    for i in sorted(tokens):
        relcl = doc[i]
        if relcl.dep_ != "relcl" or relcl.i in removed or relcl.head.pos_ == "PRON":
            continue
        wh = [
            c
            for c in relcl.children
            if c.dep_ in SUBJECT_DEPS and c.lower_ in WH_WORDS and c.i < relcl.i
        ]
        antecedent = relcl.head
        if not wh or antecedent.i not in tokens:
            continue
        clause = _subtree(relcl) & tokens
        noun = set(range(antecedent.left_edge.i, antecedent.i + 1)) & tokens
        claim = _render_claim(doc, (noun | clause) - {wh[0].i})
        if claim is None:
            continue
        claims.append(claim)
        removed |= clause | _setting_off(doc, relcl, tokens)
    return removed


def _extract_appositions(doc: Doc, tokens: set[int], claims: list[AtomicClaim]) -> set[int]:
    """ "Bill Taylor, the former US ambassador" -> "Bill Taylor is the former US ambassador"."""
    removed: set[int] = set()
    for i in sorted(tokens):
        appos = doc[i]
        name = appos.head
        if (
            appos.dep_ != "appos"
            or appos.pos_ != "NOUN"
            or name.pos_ != "PROPN"
            or name.i not in tokens
            or name.i > appos.i
            or doc[appos.left_edge.i - 1].text not in SETTING_OFF
        ):
            continue
        noun = _render(doc, set(range(name.left_edge.i, appos.left_edge.i)) & tokens)
        description = _render(doc, _subtree(appos) & tokens)
        if noun is None or description is None:
            continue
        copula = "are" if name.tag_ in ("NNS", "NNPS") else "is"
        claims.append(
            AtomicClaim(
                text=_capitalise(f"{noun.text} {copula} {description.text}"),
                start=noun.start,
                end=description.end,
            )
        )
        removed |= _subtree(appos) | _setting_off(doc, appos, tokens)
    return removed


def _each_claims(span: Span) -> Iterable[tuple[AtomicClaim, set[int]]]:
    """ "up to eight launchers, each with four ready to fire missiles" -> the launchers claim.

    Built from a noun with a ``nummod`` that is followed, after a comma, by "each with N X".
    Yields the claim and the tokens of the "each" phrase, which no other claim should repeat.
    """
    doc = span.doc
    for each in span:
        if each.lower_ != "each" or each.i + 1 >= span.end or doc[each.i + 1].lower_ != "with":
            continue
        before = doc[each.i - 1] if each.i > span.start else None
        noun = doc[before.i - 1] if before is not None and before.text == "," else before
        if noun is None or noun.pos_ not in ("NOUN", "PROPN") or noun.i < span.start:
            continue
        if not any(c.dep_ == "nummod" for c in noun.children):
            continue
        end = max(doc[each.i + 1].right_edge.i, each.right_edge.i) + 1
        phrase = doc[each.i + 2 : min(end, span.end)]
        numbers = [t for t in phrase if t.like_num]
        if not numbers:
            continue
        counted = [t for t in phrase if t.i > numbers[-1].i and t.pos_ in ("NOUN", "PROPN")]
        number = doc[numbers[0].i : numbers[-1].i + 1].text
        unit = f" {counted[-1].text}" if counted else ""
        start = _first_word(doc, noun.left_edge.i, noun.i)
        item = doc[start : noun.i + 1]
        yield (
            AtomicClaim(
                text=f"{item.text}, {number}{unit} each",
                start=item.start_char,
                end=phrase.end_char,
            ),
            set(range(noun.i + 1, phrase.end)),
        )


def _split_object_list(doc: Doc, head: Token, tokens: set[int], claims: list[AtomicClaim]) -> bool:
    """Cut "contains A, B, C and eight launchers" into the quantities and the rest of the list.

    Only a list holding a quantity is cut: "sent missiles to Saudi Arabia and Iraq" is one fact.
    The items are found from commas and the last conjunction, because the small model often
    chains list items through the wrong heads. Returns whether claims were emitted.
    """
    objects = [c for c in head.children if c.dep_ in OBJECT_DEPS and c.i in tokens]
    if not objects:
        return False
    region = sorted(_subtree(objects[0]) & tokens)
    items, conjunction = _list_items(doc, region)
    counted = [item for item in items if any(_is_count(doc[i]) for i in item)]
    if len(items) < 2 or not counted:
        return False
    region_set = set(region)
    prefix = _render(doc, {i for i in tokens - region_set if i < region[0]})
    suffix = _render(doc, {i for i in tokens - region_set if i > region[-1]})
    claimed = [(c.start, c.end) for c in claims]
    plain = [item for item in items if item not in counted]
    rendered_plain = [r for r in (_render(doc, set(item)) for item in plain) if r is not None]
    if rendered_plain:
        listed = [r.text for r in rendered_plain]
        joined = (
            listed[0]
            if len(listed) == 1
            else f"{', '.join(listed[:-1])} {conjunction} {listed[-1]}"
        )
        claims.append(
            _framed(prefix, joined, rendered_plain[0].start, rendered_plain[-1].end, suffix)
        )
    for item in counted:
        rendered = _render(doc, set(item))
        if rendered is None or any(s <= rendered.start and rendered.end <= e for s, e in claimed):
            continue  # an "each" claim already states this item
        claims.append(_framed(prefix, rendered.text, rendered.start, rendered.end, suffix))
    return True


def _list_items(doc: Doc, region: list[int]) -> tuple[list[list[int]], str]:
    """Split an object phrase at its commas, and its last chunk at its conjunction."""
    chunks: list[list[int]] = [[]]
    for i in region:
        if doc[i].text == ",":
            chunks.append([])
        else:
            chunks[-1].append(i)
    conjunction = "and"
    last = chunks.pop()
    for position, i in enumerate(last):
        if doc[i].dep_ == "cc" and doc[i].pos_ == "CCONJ":
            conjunction = doc[i].lower_
            chunks.extend([last[:position], last[position + 1 :]])
            break
    else:
        chunks.append(last)
    return [chunk for chunk in chunks if chunk], conjunction


def _framed(
    prefix: AtomicClaim | None, middle: str, start: int, end: int, suffix: AtomicClaim | None
) -> AtomicClaim:
    parts = [p for p in (prefix.text if prefix else "", middle, suffix.text if suffix else "") if p]
    return AtomicClaim(
        text=_capitalise(" ".join(parts)),
        start=prefix.start if prefix else start,
        end=suffix.end if suffix else end,
    )


def _is_count(token: Token) -> bool:
    return token.like_num and token.dep_ in ("nummod", "quantmod", "compound", "pobj", "dobj")


def _render_claim(
    doc: Doc,
    tokens: set[int],
    words: dict[int, str] | None = None,
    optional: set[int] | None = None,
) -> AtomicClaim | None:
    """Render a clause as a claim; an over-long one loses its asides and purpose clauses."""
    claim = _render(doc, tokens, words)
    if claim is None or _word_count(doc, tokens) < MIN_CLAIM_WORDS:
        return None
    if len(claim.text) > MAX_CLAIM_CHARS:
        dispensable = set(optional or ())
        for i in tokens:
            if _is_purpose(doc[i]) and doc[i].head.i in tokens:
                dispensable |= _subtree(doc[i])
        core = tokens - dispensable
        shorter = _render(doc, core, words) if dispensable else None
        if shorter is not None and _word_count(doc, core) >= MIN_CLAIM_WORDS:
            claim = shorter
    return AtomicClaim(text=_capitalise(claim.text), start=claim.start, end=claim.end)


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
        and any(c.dep_ in ("dobj", "nsubjpass", "auxpass") for c in clause.head.children)
    )


def _render(doc: Doc, tokens: set[int], words: dict[int, str] | None = None) -> AtomicClaim | None:
    """Join tokens in order, dropping quote marks and stray edge or doubled punctuation.

    ``words`` replaces the text of some tokens (a participle put into the finite form).
    """
    kept: list[Token] = []
    for i in sorted(tokens):
        token = doc[i]
        if token.is_space or token.text in QUOTE_MARKS:
            continue
        if token.is_punct and (not kept or (kept[-1].is_punct and kept[-1].text != ")")):
            continue
        kept.append(token)
    while kept and (kept[-1].is_punct and kept[-1].text != ")" or kept[-1].dep_ == "cc"):
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
    return AtomicClaim(text="".join(parts), start=kept[0].idx, end=kept[-1].idx + len(kept[-1]))


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
        if token.pos_ == "CCONJ" or (
            token.lower_ in DISCOURSE_ADVERBS
            and token.dep_ == "advmod"
            and token.head.dep_ == "ROOT"
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


def _subtree(token: Token) -> set[int]:
    return set(range(token.left_edge.i, token.right_edge.i + 1))


def _tokens(doc: Doc, token: Token) -> Span:
    return doc[token.left_edge.i : token.right_edge.i + 1]


def subject_of(verb: Token) -> Token | None:
    """The grammatical subject of a verb, active or passive."""
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
    return None


def _clause_tokens(head: Token, scope: set[int]) -> set[int]:
    """A clause lifted out of its frame, without its "that" or the cleft's "what"."""
    dropped = {
        c.i
        for c in head.children
        if (c.dep_ == "mark" and c.lower_ == "that") or (c.tag_ in WH_TAGS and c.i < head.i)
    }
    return (scope & _subtree(head)) - dropped


def _connector_before(doc: Doc, clause: Token, tokens: set[int]) -> set[int]:
    """The ", and" / ", but" between a clause and the one it is coordinated with."""
    connector = set()
    i = clause.left_edge.i - 1
    while i in tokens and (doc[i].is_punct or doc[i].dep_ == "cc"):
        connector.add(i)
        i -= 1
    return connector


def _setting_off(doc: Doc, token: Token, tokens: set[int]) -> set[int]:
    """The commas or dashes around an inserted phrase."""
    marks = set()
    left, right = token.left_edge.i - 1, token.right_edge.i + 1
    if left in tokens and doc[left].text in SETTING_OFF:
        marks.add(left)
    if right in tokens and doc[right].text in SETTING_OFF and doc[right].text != "(":
        marks.add(right)
    return marks


def _first_word(doc: Doc, start: int, end: int) -> int:
    """Skip a leading determiner ("a", "the") of a noun phrase."""
    return start + 1 if start < end and doc[start].dep_ == "det" else start


def _word_count(doc: Doc, tokens: set[int]) -> int:
    return sum(1 for i in tokens if not doc[i].is_punct and not doc[i].is_space)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _dedupe(claims: Iterable[AtomicClaim]) -> list[AtomicClaim]:
    seen: set[str] = set()
    unique = []
    for claim in claims:
        key = claim.text.lower()
        if key not in seen:
            seen.add(key)
            unique.append(claim)
    return unique
