"""Is a claim a clause a person could check on its own? Read off the sentence's own parse.

``form_problem`` looks at the tokens a claim is rendered from, in the parse of the whole sentence
(so nothing is re-parsed): a claim must not start with a connector ("Including 1,200 social
homes", "and ..."), must not end on a word whose complement was cut away ("the city has built
including", "sent to"), and needs a finite verb unless it is a quantity phrase tied to what it
counts ("up to eight launchers, four missiles each"). ``atomic`` drops a claim with a problem, or
falls back to the whole sentence; a sentence that is itself no clause stays hidden.

A preposition stranded by a relative or wh- clause ("what they're asking for") is English, not
a cut; one whose object is in the sentence but not in the claim is a cut, and one with no object
and no such clause is a speaker breaking off ("went to").
"""

from collections.abc import Sequence

from spacy.tokens import Token

from workers.extraction.vocabulary import REPORTING_VERBS

# A claim that starts with one of these hangs off something left behind.
START_CONNECTORS: tuple[tuple[str, ...], ...] = (
    ("and",), ("or",), ("but",), ("nor",), ("plus",), ("including",), ("such", "as"),
    ("as", "well", "as"), ("which",), ("whom",), ("whose",), ("than",), ("of",), ("whereas",),
    ("especially",), ("notably",), ("namely",), ("like",), ("yet",),
)  # fmt: skip
# Words that introduce a list item rather than a fact; stripped from the front of a list item.
LIST_INTRODUCERS = frozenset(
    {"including", "like", "especially", "notably", "namely", "particularly", "plus"}
)
# A claim that ends on one of these was cut before what the word introduces.
END_WORDS = frozenset(
    {"and", "or", "but", "nor", "yet", "including", "such", "which", "whose", "than", "because",
     "whereas", "while", "if", "the", "a", "an", "its", "their", "his", "her", "our", "my"}
)  # fmt: skip
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
NOT_THIRD_SINGULAR = frozenset({"i", "you", "we", "they"})
OBJECT_DEPS = frozenset({"pobj", "pcomp", "dobj"})
COUNT_ENTITY_LABELS = frozenset({"CARDINAL", "QUANTITY", "PERCENT", "MONEY"})
RELATIVE_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})
# A clause that opens with one of these says when, if or although something else holds.
SUBORDINATORS = frozenset(
    {"when", "whenever", "if", "unless", "although", "though", "while", "whereas", "once",
     "until", "since", "after", "before", "as"}
)  # fmt: skip


def form_problem(kept: Sequence[Token], finite_words: bool = False) -> str:
    """Why the claim rendered from ``kept`` (in order) is not a standalone clause; "" if it is.

    ``finite_words``: the caller put a participle into its finite form."""
    if not kept:
        return "empty"
    connector = starting_connector(kept)
    if connector:
        return f"starts with “{connector}”"
    if _dangles(kept[-1], {t.i for t in kept}):
        return f"ends with “{kept[-1].text}”"
    if finite_words:
        return ""
    if any(_is_finite(t) for t in kept):
        root = kept[0]
        while root.head.i != root.i:  # the sentence's root, without building ``Token.sent``
            root = root.head
        if root.pos_ in ("NOUN", "PROPN", "PRON") and root.i in {t.i for t in kept}:
            # "Donald Trump's idea that more nations should get ...": verbs, but only in clauses
            # hanging off a noun; the sentence says nothing about the idea.
            return "no main clause"
        if any(_broken_off_subject(t) for t in kept):
            return "no main clause"  # "What you did -- and this is after ...": a restart
        if _subordinate_only(kept):
            return "no main clause"  # "When half of the delegates will be awarded"
        if _elided_verb_phrase(kept):
            return "verb phrase elided"  # "one of us didn't" (vote the right way)
        subjects = [t for t in kept if t.dep_ in SUBJECT_DEPS]
        first_verb = next(t for t in kept if _is_finite(t))
        # A relative clause's antecedent stands in for its "who" (not a subject in the parse).
        if not subjects and not any(
            t.pos_ in ("NOUN", "PROPN", "PRON") for t in kept if t.i < first_verb.i
        ):
            return "no subject"  # "advocated more countries getting them": a line broken off
        if (
            subjects
            and all(t.lower_ in NOT_THIRD_SINGULAR for t in subjects)
            and any(t.tag_ == "VBZ" and t.pos_ == "VERB" for t in kept)
        ):
            return "subject and verb disagree"  # a shared subject on the wrong verb: "I puts"
        return ""
    if is_quantity_phrase(kept):
        return ""
    return "no finite verb"


def starting_connector(words: Sequence[Token]) -> str:
    """The connector a claim opens with ("including", "such as"), or ""."""
    lowered = tuple(t.lower_ for t in words[:3])
    for connector in START_CONNECTORS:
        if lowered[: len(connector)] == connector:
            return " ".join(connector)
    return ""


def _dangles(last: Token, kept: set[int]) -> bool:
    if last.lower_ in END_WORDS or last.dep_ in ("cc", "det", "mark"):
        return True
    if last.lower_ == "that" and last.tag_ in ("IN", "WDT"):
        return True
    if last.lemma_.lower() in REPORTING_VERBS and not any(
        c.dep_ in ("ccomp", "dobj", "xcomp") and c.i in kept for c in last.children
    ):
        return True  # "Governor, Mr. Trump has said": the speaker was cut off
    if last.pos_ == "ADP" and last.tag_ != "RP" and last.dep_ != "prt":
        objects = [c for c in last.children if c.dep_ in OBJECT_DEPS]
        if objects:
            # Cut: the preposition's object is in the sentence but not in the claim.
            return any(c.i not in kept for c in objects)
        # Stranded by a relative or wh- clause in the claim: "what they're asking for". Else
        # the speaker broke off ("went to").
        doc = last.doc
        return not any(
            doc[i].tag_ in RELATIVE_TAGS or doc[i].dep_ in ("relcl", "pcomp")
            for i in kept
            if i < last.i
        )
    return False


def _is_finite(token: Token) -> bool:
    if token.tag_ in FINITE_TAGS:
        return True
    # The small model tags some present-tense verbs VB after a subject ("they [VB] say").
    return token.tag_ == "VB" and any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)


def _tops(kept: Sequence[Token]) -> list[Token]:
    """The claim's own heads: kept words whose head is outside the claim (or themselves)."""
    ids = {t.i for t in kept}
    return [t for t in kept if t.head.i == t.i or t.head.i not in ids]


def _subordinate_only(kept: Sequence[Token]) -> bool:
    """The claim is one subordinate clause: it opens with "when", "if" or "although", and no
    main clause (a verb with its own subject) heads it."""
    verbs = [t for t in _tops(kept) if t.pos_ in ("VERB", "AUX")]
    first = kept[0]
    if (
        len(verbs) != 1
        or first.lower_ not in SUBORDINATORS
        or not (first.dep_ == "mark" or (first.dep_ == "advmod" and first.tag_ == "WRB"))
    ):
        return False
    # Its own verb heads the claim, or the verb it hangs on has no subject to be a main clause.
    ids = {t.i for t in kept}
    return first.head.i == verbs[0].i or not any(
        c.dep_ in SUBJECT_DEPS and c.i in ids for c in verbs[0].children
    )


def _elided_verb_phrase(kept: Sequence[Token]) -> bool:
    """It ends on an auxiliary whose verb was left to another clause: "one of us didn't"."""
    words = [t for t in kept if not t.is_punct]
    last = words[-1]
    if last.dep_ == "neg" and len(words) > 1:
        last = words[-2]
    if last.lemma_ not in ("do", "be", "have") and last.tag_ != "MD":
        return False
    ids = {t.i for t in kept}
    return last in _tops(kept) and not any(
        c.i in ids and c.dep_ not in ("nsubj", "nsubjpass", "neg", "punct", "cc", "advmod", "aux")
        for c in last.children
    )


def _broken_off_subject(token: Token) -> bool:
    """A subject clause the speaker broke off to start again, so that the verb the parser hangs
    it on has a second subject of its own: "What you did -- and this is after ..."."""
    return token.dep_ in ("csubj", "csubjpass") and any(
        c.dep_ in ("nsubj", "nsubjpass") and c.i > token.i for c in token.head.children
    )


def is_quantity_phrase(kept: Sequence[Token]) -> bool:
    """A number tied to what it counts: "up to eight launchers, four missiles each"."""
    inside = {t.i for t in kept}
    for token in kept:
        if not (token.like_num or token.ent_type_ in COUNT_ENTITY_LABELS):
            continue
        head = token.head
        if head.i != token.i and head.i in inside and head.pos_ in ("NOUN", "PROPN"):
            return True
        if token.pos_ == "NOUN" and token.ent_type_ in COUNT_ENTITY_LABELS:
            return True  # "millions of people"
    return False
