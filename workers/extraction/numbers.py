"""Numbers as written: where a run of number tokens ends, and what it is worth.

"three hundred and fifty", "1.5 million", "a dozen" and "twenty-five" are one number each; plural
scale words ("dozens", "tens of thousands") are numbers without a value. Used by ``quantities``,
which decides what a number counts.
"""

from spacy.tokens import Doc, Token

_SMALL_NUMBERS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_MULTIPLIERS: dict[str, int] = {"dozen": 12, "hundred": 100}
_SCALES: dict[str, int] = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
# Plural scale words state an order of magnitude, not a number.
_VAGUE_NUMBERS = frozenset(
    {"dozens", "hundreds", "thousands", "millions", "billions", "scores", "tens"}
)
_VAGUE_PREFIXES = frozenset({"tens", "hundreds"})  # "tens of thousands", "hundreds of millions"
_NUMBER_WORDS = frozenset(_SMALL_NUMBERS) | frozenset(_MULTIPLIERS) | frozenset(_SCALES)
_ARTICLES = frozenset({"a", "an"})
_DIGIT_CHARS = frozenset("0123456789.,/")


def _digit_value(text: str) -> float | None:
    """``"1,200"`` is 1200.0, ``"1/2"`` is 0.5; anything else (``"21st"``, ``"10:30"``) is None."""
    if not text or not set(text) <= _DIGIT_CHARS or not any(c.isdigit() for c in text):
        return None
    plain = text.replace(",", "")
    numerator, slash, denominator = plain.partition("/")
    try:
        if slash:
            return float(numerator) / float(denominator)
        return float(plain)
    except (ValueError, ZeroDivisionError):
        return None


def is_number(token: Token) -> bool:
    if token.ent_type_ == "ORDINAL":
        return False
    word = token.lower_
    if word in _NUMBER_WORDS or word in _VAGUE_NUMBERS:
        return True
    return token.tag_ == "CD" and _digit_value(token.text) is not None


def _is_word_number(token: Token) -> bool:
    return token.lower_ in _NUMBER_WORDS


def number_run_end(doc: Doc, start: int, limit: int) -> int:
    """End of the number written from ``start`` ("a dozen", "three hundred and fifty"), or
    ``start`` when no number starts there."""
    first = doc[start]
    i = start
    if first.lower_ in _ARTICLES:
        following = doc[start + 1] if start + 1 < limit else None
        if following is None or not (
            following.lower_ in _MULTIPLIERS or following.lower_ in _SCALES
        ):
            return start
        i = start + 1
    elif not is_number(first):
        return start
    if doc[i].lower_ in _VAGUE_NUMBERS:
        # "tens of thousands" is one vague number, not two.
        if (
            doc[i].lower_ in _VAGUE_PREFIXES
            and i + 2 < limit
            and doc[i + 1].lower_ == "of"
            and doc[i + 2].lower_ in _VAGUE_NUMBERS
        ):
            return i + 3
        return i + 1
    end = i + 1
    while end < limit:
        token = doc[end]
        previous = doc[end - 1]
        if is_number(token) and token.lower_ not in _VAGUE_NUMBERS:
            # Two numerals side by side ("21 2022") are two numbers; a word number may grow
            # ("twenty five", "1.5 million", "three hundred").
            if not _is_word_number(token) and not _is_word_number(previous):
                break
            if _digit_value(previous.text) is not None and token.lower_ in _SMALL_NUMBERS:
                break
            end += 1
        elif (
            token.tag_ == "HYPH"
            and end + 1 < limit
            and _is_word_number(previous)
            and _is_word_number(doc[end + 1])
        ):
            end += 2  # "twenty-five"
        elif (
            token.lower_ == "and"
            and previous.lower_ in ("hundred", "thousand", "million", "billion")
            and end + 1 < limit
            and doc[end + 1].lower_ in _SMALL_NUMBERS
        ):
            end += 2  # "three hundred and fifty"
        else:
            break
    return end


def run_value(doc: Doc, start: int, end: int) -> float | int | None:
    total = 0.0
    current = 0.0
    for token in doc[start:end]:
        word = token.lower_
        if word in _VAGUE_NUMBERS:
            return None
        if word in _ARTICLES:
            current = 1.0
        elif word in _SMALL_NUMBERS:
            current += _SMALL_NUMBERS[word]
        elif word in _MULTIPLIERS:
            current = (current or 1.0) * _MULTIPLIERS[word]
        elif word in _SCALES:
            total += (current or 1.0) * _SCALES[word]
            current = 0.0
        else:
            digits = _digit_value(token.text)
            if digits is not None:
                current += digits
    value = total + current
    return int(value) if value.is_integer() else value
