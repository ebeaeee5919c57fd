"""The parts of a clause that become claims of their own.

Each ``extract_*`` function appends the claims it finds to ``claims`` and returns the tokens it
used up, which the clause itself then leaves out:

* a participle clause after a present-tense verb ("..., requiring dozens of personnel");
* a noun phrase set off after the clause (an aside, or a misparsed apposition on a name);
* a relative clause on a noun ("Zelensky, who is visiting ...");
* an apposition on a name ("Bill Taylor, the former US ambassador");
* "<number> <noun>, each with N X" (``each_claims``);
* an object list holding quantities, cut into its items (``split_object_list``).
"""

from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from workers.extraction.form import LIST_INTRODUCERS
from workers.extraction.heads import CLAUSE_POS, SUBJECT_DEPS, subject_of, subtree
from workers.extraction.render import AtomicClaim, capitalise, render, render_claim
from workers.extraction.vocabulary import BE_FORMS, CHECKABLE_ENTITY_LABELS

OBJECT_DEPS = frozenset({"dobj", "attr", "oprd"})
WH_WORDS = frozenset({"who", "which", "that", "whom"})
# "Koch brothers among others, who ...": the antecedent does not say who.
VAGUE_ANTECEDENTS = frozenset({"other", "others", "one", "some", "those", "kind", "sort", "type"})
# ", $27 a piece": a rate on the item before, not an item of its own.
RATE_ENDINGS = (("a", "piece"), ("apiece",), ("each",), ("a", "head"))
# Punctuation that sets off an apposition or a relative clause.
SETTING_OFF = frozenset({",", "—", "–", "-", "(", ")"})
# Marks that set off an interjection rather than a description: "the Fund — nice name — which".
INTERJECTING = frozenset({"—", "–", "-", "--", "("})
# ", which is what the law requires", ", which means ...": "which" stands for the whole clause
# before it, not for the noun the parser hangs it on.
SENTENTIAL_VERBS = frozenset({"be", "mean"})
TIME_LABELS = frozenset({"DATE", "TIME"})
FREE_RELATIVES = frozenset({"what", "why", "how", "where", "when"})
BARE_NOUN_DEPS = frozenset({"det", "amod", "compound", "poss", "cc", "conj", "punct"})
# "a dramatic increase", "a 122% rise": the size of a change, said of the clause.
CHANGE_NOUNS = frozenset(
    {"increase", "decrease", "rise", "drop", "fall", "jump", "gain", "loss", "cut", "surge",
     "decline", "hike", "reduction", "growth", "spike", "plunge"}
)  # fmt: skip


def extract_participles(
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
        clause = subtree(child) & tokens
        finite = child.lemma_ if head.tag_ == "VBP" else _third_person(child.lemma_)
        claim = render_claim(doc, (subtree(subject) & tokens) | clause, {child.i: finite})
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


def extract_asides(
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
        aside = subtree(child) & tokens
        if not any(doc[i].pos_ in ("NOUN", "PROPN") for i in aside):
            continue
        name = doc[comma - 1]
        if (
            child.ent_type_ not in TIME_LABELS  # ", even today": when, not what the name is
            and name.pos_ == "PROPN"
            and name.ent_type_ in CHECKABLE_ENTITY_LABELS
            and doc[child.left_edge.i].pos_ in ("DET", "ADV")
        ):
            noun = render(doc, set(range(name.left_edge.i, name.i + 1)) & tokens)
            # "Bakhmut, now[’s] the epicenter": a stray copula the parser made the head.
            stray = {child.i} if child.pos_ in CLAUSE_POS and child.lower_ in BE_FORMS else set()
            description = render(doc, aside - stray)
            if noun is not None and description is not None:
                claims.append(
                    AtomicClaim(
                        text=capitalise(f"{noun.text} is {description.text}"),
                        start=noun.start,
                        end=description.end,
                    )
                )
                removed |= aside | {comma}
                continue
        optional |= aside | {comma}
    return removed, optional


def extract_relative_clauses(doc: Doc, tokens: set[int], claims: list[AtomicClaim]) -> set[int]:
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
        if is_interjection(doc, antecedent):
            antecedent = antecedent.head  # "the Fund — nice name — which calls": the Fund calls
        if not wh or antecedent.i not in tokens or antecedent.lemma_.lower() in VAGUE_ANTECEDENTS:
            continue
        if _sentential(relcl, wh[0]):
            continue
        # "the team that wiped out bin Laden", "people that contracted COVID": a restrictive
        # clause says which ones are meant, and the rest means nothing without it. Only a clause
        # set off by a comma or a dash ("Zelensky — who is visiting") is a claim of its own.
        if doc[wh[0].i - 1].text not in SETTING_OFF:
            continue
        clause = subtree(relcl) & tokens
        noun = set(range(antecedent.left_edge.i, antecedent.i + 1)) & tokens
        claim = render_claim(doc, (noun | clause) - {wh[0].i})
        if claim is None:
            continue
        claims.append(claim)
        removed |= clause | _setting_off(doc, relcl, tokens)
    return removed


def extract_appositions(doc: Doc, tokens: set[int], claims: list[AtomicClaim]) -> set[int]:
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
        if _about_the_clause(appos) or _two_things(appos, name):
            continue
        if is_interjection(doc, appos):
            # A comment dropped in between dashes is the speaker's aside, not a fact about the
            # name; the clause reads on without it.
            removed |= (subtree(appos) & tokens) | _setting_off(doc, appos, tokens)
            continue
        named = [t for t in doc[name.left_edge.i : appos.left_edge.i - 1] if t.i in tokens]
        if any(t.text == "," or t.dep_ == "cc" for t in named) or _in_parallel_phrases(name):
            # "Paul Krugman, Barney Frank, a lot of experts": the description is of a list (or
            # of the noun before it), and "X, Y is Z" is not what was said.
            continue
        noun = render(doc, set(range(name.left_edge.i, appos.left_edge.i)) & tokens)
        description = render(doc, subtree(appos) & tokens)
        if noun is None or description is None:
            continue
        copula = "are" if name.tag_ in ("NNS", "NNPS") else "is"
        claims.append(
            AtomicClaim(
                text=capitalise(f"{noun.text} {copula} {description.text}"),
                start=noun.start,
                end=description.end,
            )
        )
        removed |= subtree(appos) | _setting_off(doc, appos, tokens)
    return removed


def _about_the_clause(appos: Token) -> bool:
    """ "brought into the United States — a dramatic increase", "while he was Governor - 122%
    increase -": a change or a share comments on what the clause says, never on the name."""
    return (
        appos.lemma_.lower() in CHANGE_NOUNS
        # "— 64 percent of House Democrats —" says what a group is; a bare "122%" does not.
        or (appos.text in ("%", "percent") and not any(c.lower_ == "of" for c in appos.children))
        or any(t.lemma_.lower() in CHANGE_NOUNS for t in appos.rights)
    )


def _two_things(appos: Token, name: Token) -> bool:
    """ "Both parties in Washington, the president and the Congress, ...": a bare list of two
    determined nouns is not what one singular name is (it describes the plural noun before).
    A description with more to it ("an alliance forged through ... and a Cold War") is one
    thing whatever the parser coordinated inside it."""
    if name.tag_ == "NNPS" or any(c.dep_ not in BARE_NOUN_DEPS for c in appos.children):
        return False
    return any(
        c.dep_ == "conj" and any(d.dep_ == "det" for d in c.children) for c in appos.children
    )


def _in_parallel_phrases(name: Token) -> bool:
    """ "on Medicare, on Social Security, a patient's bill of rights": the name is an item of a
    list of like prepositional phrases, and what follows it is the next item."""
    preposition = name.head
    if name.dep_ != "pobj" or doc_word_before(preposition) != ",":
        return False
    return any(
        t.lower_ == preposition.lower_ and t.dep_ == "prep" and t.i < preposition.i
        for t in preposition.sent
    )


def doc_word_before(token: Token) -> str:
    return token.doc[token.i - 1].text if token.i > 0 else ""


def is_interjection(doc: Doc, noun: Token) -> bool:
    """ "— nice name —": an apposition with no determiner, number or name of its own, set off by a
    dash or a bracket. A description ("the former ambassador") has a determiner or more words."""
    return (
        noun.dep_ == "appos"
        and noun.tag_ == "NN"
        and doc[noun.left_edge.i - 1].text in INTERJECTING
        and all(c.dep_ == "amod" or c.i > noun.i for c in noun.children)
    )


def _sentential(relcl: Token, wh: Token) -> bool:
    """ ", which is what the law requires": the clause is about everything said before it, or
    may be (", which is a total violation" closing the sentence)."""
    if wh.lower_ != "which" or relcl.lemma_ not in SENTENTIAL_VERBS:
        return False
    following = [t for t in relcl.subtree if t.i > relcl.i and not t.is_punct]
    if relcl.lemma_ == "mean" or (following and following[0].lower_ in FREE_RELATIVES):
        return True
    # ", which was another one of her disasters" closing the sentence: about the noun or about
    # everything said before it (the parser cannot tell), so it stays with its clause.
    rest = [t for t in relcl.doc[relcl.right_edge.i + 1 : relcl.sent.end] if not t.is_punct]
    return not rest


def each_claims(span: Span) -> Iterable[tuple[AtomicClaim, set[int]]]:
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


def split_object_list(doc: Doc, head: Token, tokens: set[int], claims: list[AtomicClaim]) -> bool:
    """Cut "contains A, B, C and eight launchers" into the quantities and the rest of the list.

    Only a list holding a quantity is cut: "sent missiles to Saudi Arabia and Iraq" is one fact.
    The items are found from commas and the last conjunction, because the small model often
    chains list items through the wrong heads. Returns whether claims were emitted.
    """
    objects = [c for c in head.children if c.dep_ in OBJECT_DEPS and c.i in tokens]
    if not objects:
        return False
    region = sorted(subtree(objects[0]) & tokens)
    items, conjunction = _list_items(doc, region)
    counted = [item for item in items if any(_is_count(doc[i]) for i in item)]
    if len(items) < 2 or not counted:
        return False
    region_set = set(region)
    prefix = render(doc, {i for i in tokens - region_set if i < region[0]})
    suffix = render(doc, {i for i in tokens - region_set if i > region[-1]})
    claimed = [(c.start, c.end) for c in claims]
    plain = [item for item in items if item not in counted]
    rendered_plain = [r for r in (render(doc, set(item)) for item in plain) if r is not None]
    if rendered_plain:
        listed = [r.text for r in rendered_plain]
        joined = (
            listed[0]
            if len(listed) == 1
            else f"{', '.join(listed[:-1])} {conjunction} {listed[-1]}"
        )
        claims.append(_framed(doc, prefix, joined, rendered_plain, suffix))
    for item in counted:
        rendered = render(doc, set(item))
        if rendered is None or any(s <= rendered.start and rendered.end <= e for s, e in claimed):
            continue  # an "each" claim already states this item
        claims.append(_framed(doc, prefix, rendered.text, [rendered], suffix))
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
        if doc[i].dep_ == "cc" and doc[i].pos_ == "CCONJ" and not _inside_a_number(doc[i]):
            conjunction = doc[i].lower_
            chunks.extend([last[:position], last[position + 1 :]])
            break
    else:
        chunks.append(last)
    # ", including 1,200 social homes" (a part of the item before, which "including" needs to
    # make sense), ", $27 a piece" (a rate on it), ", which is what ..." (a clause on it, or
    # on the whole sentence) and ", from my list of 20 judges" (a phrase on it) belong to the
    # item before.
    merged: list[list[int]] = []
    for chunk in (c for c in chunks if c):
        words = tuple(doc[i].lower_ for i in chunk)
        if merged and (
            words[0] in LIST_INTRODUCERS
            or words[0] in WH_WORDS
            or doc[chunk[0]].dep_ == "prep"
            or any(words[-len(e) :] == e for e in RATE_ENDINGS)
        ):
            merged[-1] = merged[-1] + chunk
        else:
            merged.append(chunk)
    return merged, conjunction


def _inside_a_number(conjunction: Token) -> bool:
    """ "one hundred and sixty-three thousand", "seven-and-a-half", "20 or 21 months", "between
    20% and 30%": the conjunction joins the parts of one number or the ends of one range, and
    an item cut at it says another number ("we've had sixty-three thousand jobs")."""
    if conjunction.head.like_num or conjunction.head.tag_ == "CD":
        return True
    return any(t.lower_ == "between" and t.dep_ == "prep" for t in conjunction.ancestors)


def _framed(
    doc: Doc,
    prefix: AtomicClaim | None,
    middle: str,
    items: list[AtomicClaim],
    suffix: AtomicClaim | None,
) -> AtomicClaim:
    parts = [p for p in (prefix.text if prefix else "", middle, suffix.text if suffix else "") if p]
    tokens = set().union(*(c.tokens for c in (prefix, *items, suffix) if c is not None))
    whole = render(doc, tokens, check=True)
    return AtomicClaim(
        text=capitalise(" ".join(parts)),
        start=prefix.start if prefix else items[0].start,
        end=suffix.end if suffix else items[-1].end,
        tokens=frozenset(tokens),
        problem=whole.problem if whole is not None else "empty",
    )


def _is_count(token: Token) -> bool:
    return token.like_num and token.dep_ in ("nummod", "quantmod", "compound", "pobj", "dobj")


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
