"""Counted quantities in one sentence: "up to eight launchers" is 8 launchers, qualifier "up to".

Pure functions over a parsed spaCy ``Span`` (tagger, parser and NER must have run): no Django,
no Celery, no settings. One left-to-right pass over the tokens finds runs of number tokens; the
dependency parse then says what each run counts (its ``nummod`` head, an ``of`` phrase, or a
currency or percent sign) and which hedge words (``quantmod``/``advmod``) qualify it.

Decisions a fact-checker relies on:

- Vague plural scale words ("dozens of personnel", "hundreds", "tens of thousands") are
  quantities with ``value=None``. "Dozens" gives no number to compare against, and a made-up
  lower bound (24) would make a vague claim look precise; the text still says what was claimed.
- Durations are quantities ("300 days ago", "a 10-month invasion"); calendar dates and years
  ("in 2022", "December 21") are not: a number inside a DATE or TIME entity only counts when it
  counts a time unit.
- Ordinals are not quantities, nor are labels: a number after its noun ("Article 5") or glued
  to a name by a hyphen ("F-16", "Covid-19"), nor "one" used as a pronoun ("one of the most").
- ``unit`` is the counted noun as written ("launchers", "US allies" gives "allies"), "%" for
  percentages and an ISO code for money ("$3 billion" gives "USD"). English keeps the noun
  singular in "10-month", so that one case is made plural ("months") to match the rest.
- ``qualifier`` is the hedge as written, lower-cased ("up to", "more than", "nearly"), or
  "each" for a distributive count ("each with four missiles", "four missiles each"). A hedge
  before the number is part of ``text``; a distributive "each" is not.
"""

from dataclasses import asdict, dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from workers.extraction.numbers import is_number, number_run_end, run_value

# Hedges, as token tuples so that matching them never builds strings or regexes per call.
_QUALIFIERS: frozenset[tuple[str, ...]] = frozenset(
    tuple(phrase.split())
    for phrase in (
        "up to",
        "more than",
        "less than",
        "fewer than",
        "greater than",
        "no more than",
        "not more than",
        "no fewer than",
        "at least",
        "at most",
        "as many as",
        "as much as",
        "as few as",
        "as little as",
        "nearly",
        "almost",
        "about",
        "around",
        "roughly",
        "approximately",
        "some",
        "over",
        "under",
        "just over",
        "just under",
        "well over",
        "more or less",
        "close to",
        "exactly",
        "only",
        "an estimated",
        "estimated",
    )
)
_LONGEST_QUALIFIER = max(len(words) for words in _QUALIFIERS)
_DISTRIBUTIVES = frozenset({"each", "apiece"})

_CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₴": "UAH",
    "₽": "RUB",
    "₹": "INR",
    "c$": "CAD",
    "a$": "AUD",
}
_CURRENCY_WORDS: dict[str, str] = {
    "dollar": "USD",
    "euro": "EUR",
    "pound": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "hryvnia": "UAH",
    "rouble": "RUB",
    "ruble": "RUB",
    "rupee": "INR",
}
_PERCENT_WORDS = frozenset({"%", "percent", "pct"})
_TIME_UNITS = frozenset(
    {"second", "minute", "hour", "day", "night", "week", "fortnight", "month", "year", "decade"}
    | {"century", "millennium", "quarter", "season", "term"}
)
_DATE_LABELS = frozenset({"DATE", "TIME"})
# Words after a duration that make it a point in time; they belong to the quoted phrase.
_TIME_ANCHORS = frozenset({"ago", "later", "earlier"})
_YEAR_PREPOSITIONS = frozenset({"in", "since", "by", "until", "till", "before", "after", "from"})
# Tags that may sit between a mis-attached number and its noun: "four ready to fire missiles".
_NOUN_GAP_POS = frozenset({"ADJ", "ADV", "VERB", "PART"})
_NOUN_GAP_LIMIT = 5
_CHAIN_LIMIT = 3
_IRREGULAR_PLURALS: dict[str, str] = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "foot": "feet",
    "century": "centuries",
    "millennium": "millennia",
}


@dataclass(frozen=True)
class Quantity:
    text: str
    value: float | int | None
    unit: str
    qualifier: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_quantities(span: Span) -> list[Quantity]:
    """Every counted quantity in ``span``, in reading order; offsets are into ``span.doc.text``."""
    doc = span.doc
    quantities: list[Quantity] = []
    i = span.start
    while i < span.end:
        run_end = number_run_end(doc, i, span.end)
        if run_end == i:
            i += 1
            continue
        quantity = _quantity(doc, i, run_end)
        if quantity is not None:
            quantities.append(quantity)
        i = run_end
    return quantities


def _run_head(doc: Doc, start: int, end: int) -> Token:
    """The run token whose parent lies outside the run: "hundred" in "three hundred and fifty"."""
    head = doc[end - 1]
    for token in doc[start:end]:
        if not start <= token.head.i < end or token.head.i == token.i:
            head = token
    return head


def _quantity(doc: Doc, start: int, end: int) -> Quantity | None:
    head = _run_head(doc, start, end)
    value = run_value(doc, start, end)
    if _is_label(doc, start, end, head):
        return None

    first = start
    last = end - 1
    unit = ""
    noun: Token | None = None
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if before is not None and before.lower_ in _CURRENCY_SYMBOLS:
        unit = _CURRENCY_SYMBOLS[before.lower_]
        first = before.i
    elif after is not None and after.lower_ in _PERCENT_WORDS:
        unit = "%"
        last = after.i
    elif (
        after is not None
        and after.lower_ == "per"
        and after.i + 1 < len(doc)
        and doc[after.i + 1].lower_ == "cent"
    ):
        unit = "%"
        last = after.i + 1
    elif (
        after is not None and after.ent_type_ == "MONEY" and after.lemma_.lower() in _CURRENCY_WORDS
    ):
        unit = _CURRENCY_WORDS[after.lemma_.lower()]
        last = after.i
    else:
        noun = _counted_noun(doc, head, start, end)
        if noun is not None:
            unit = _unit_text(doc, noun, end, value)
            last = max(last, noun.i)

    if any(token.ent_type_ in _DATE_LABELS for token in doc[start:end]) and (
        noun is None or noun.lemma_.lower() not in _TIME_UNITS
    ):
        return None  # a date or a clock time, not a count
    if noun is None and not unit and _is_year(head, value):
        return None

    if noun is not None and last + 1 < len(doc):
        anchor = doc[last + 1]
        if anchor.lower_ in _TIME_ANCHORS and (anchor.head.i == noun.i or noun.head.i == anchor.i):
            last = anchor.i

    qualifier, qualifier_start = _prefix_qualifier(doc, first, start, end, head, noun)
    if qualifier:
        first = qualifier_start
    else:
        qualifier = _distributive(head, noun)

    start_char = doc[first].idx
    end_char = doc[last].idx + len(doc[last])
    return Quantity(
        text=doc.text[start_char:end_char],
        value=value,
        unit=unit,
        qualifier=qualifier,
        start=start_char,
        end=end_char,
    )


def _is_label(doc: Doc, start: int, end: int, head: Token) -> bool:
    """True for numbers that name rather than count: "F-16", "Article 5", "one of the best"."""
    if start > 0 and doc[start - 1].lower_ in _CURRENCY_SYMBOLS:
        return False  # an amount, however the parser attached it
    if start >= 2 and doc[start - 1].tag_ == "HYPH":
        glued_to = doc[start - 2]
        if not glued_to.whitespace_ and not doc[start - 1].whitespace_ and not is_number(glued_to):
            return True
    if head.dep_ == "nummod" and head.head.i < start:
        return True
    return end - start == 1 and head.lower_ == "one" and head.dep_ != "nummod"


def _is_year(head: Token, value: float | int | None) -> bool:
    """A bare four-digit number after "in", "since"... is a year even when NER missed it."""
    return (
        isinstance(value, int)
        and 1000 <= value <= 2100
        and "," not in head.text
        and head.dep_ == "pobj"
        and head.head.lower_ in _YEAR_PREPOSITIONS
    )


def _counted_noun(doc: Doc, head: Token, start: int, end: int) -> Token | None:
    """The noun the number counts, from the parse; None for a bare number."""
    # Up the nummod/compound chain past name-like numerals: "two dozen F-16 jets" counts jets.
    token = head
    for _ in range(_CHAIN_LIMIT):
        if token.dep_ not in ("nummod", "compound") or token.head.i < end:
            break
        token = token.head
        if token.pos_ == "NOUN" or (token.pos_ == "PROPN" and token.ent_type_ not in _DATE_LABELS):
            return token
        if token.pos_ != "NUM":
            return None  # "21 December" style dates never count months
    for number in doc[start:end]:
        for child in number.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj" and grandchild.i >= end:
                        return grandchild if grandchild.pos_ in ("NOUN", "PROPN") else None
    if head.dep_ in ("nummod", "compound"):
        return None
    # The parser sometimes makes the number the head of its own noun phrase ("each with four
    # ready to fire missiles": "four" is the object of "with"); the counted noun is then the
    # first noun to its right within its subtree, across modifiers only.
    right_edge = head.right_edge.i
    for i in range(end, min(right_edge + 1, end + _NOUN_GAP_LIMIT)):
        token = doc[i]
        if token.pos_ == "NOUN":
            return token
        if token.pos_ not in _NOUN_GAP_POS:
            break
    return None


def _unit_text(doc: Doc, noun: Token, end: int, value: float | int | None) -> str:
    if noun.pos_ == "PROPN":
        return noun.text
    hyphenated = noun.i == end + 1 and doc[end].tag_ == "HYPH"
    if hyphenated and noun.tag_ == "NN" and value is not None and value != 1:
        return _plural(noun.lower_)
    return noun.lower_


def _plural(word: str) -> str:
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def _prefix_qualifier(
    doc: Doc, first: int, start: int, end: int, head: Token, noun: Token | None
) -> tuple[str, int]:
    """The hedge right before the quantity, if the parse attaches it to the quantity.

    Walks left from the quantity while each word hangs off the quantity (or off a hedge word
    already taken): "at" -> "least" -> "1,200". Returns ``(qualifier, first token index)``.
    """
    phrase = set(range(first, end))
    if head.dep_ == "pobj":
        phrase.add(head.head.i)  # "over 300" is sometimes a preposition with its object
    if noun is not None:
        phrase.add(noun.i)
    taken: list[Token] = []
    i = first - 1
    while i >= 0 and len(taken) < _LONGEST_QUALIFIER and (i in phrase or doc[i].head.i in phrase):
        taken.append(doc[i])
        phrase.add(i)
        i -= 1
    words = tuple(token.lower_ for token in reversed(taken))
    for size in range(len(words), 0, -1):
        if words[-size:] in _QUALIFIERS:
            return " ".join(words[-size:]), first - size
    return "", first


def _distributive(head: Token, noun: Token | None) -> str:
    """ "each" for "each with four missiles" and "four missiles each"."""
    for token in (head, noun):
        if token is None:
            continue
        if (
            token.dep_ == "pobj"
            and token.head.lower_ == "with"
            and token.head.head.lower_ in _DISTRIBUTIVES
        ):
            return "each"
        if any(child.lower_ in _DISTRIBUTIVES for child in token.rights):
            return "each"
    return ""
