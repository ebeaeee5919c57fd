"""Duplicate claims: which texts restate one another, and a fingerprint to match them later.

Pure Python, no spaCy, so web processes and the database side can use it too. A text is reduced
to its normalised content tokens: lower case, punctuation gone, country names and demonyms
folded to one token ("US", "U.S.", "American", "United States" -> "usa"; a lower-case "us" is
the pronoun), number words to digits,
a crude plural fold, and function words dropped. Two texts restate each other when those token
sets are nearly the same (Jaccard) *and* they agree on their numbers and on negation, since
"sent 30 tanks" vs "sent 40 tanks" or "did" vs "did not" are different claims however similar.
"""

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

# Restatements in one article differ by a word or two ("US leaders" / "American leaders").
DUPLICATE_THRESHOLD = 0.8

_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
# The capitalised "US" is the country; after lower-casing it would be the pronoun "us".
_US = re.compile(r"\bU\.?S\.?A?\b\.?")
_PHRASES = (
    (re.compile(r"\bunited states(?: of america)?\b"), " usa "),
    (re.compile(r"\bu\.k\.|\bunited kingdom\b|\bgreat britain\b"), " uk "),
    (re.compile(r"\bu\.n\.|\bunited nations\b"), " un "),
    (re.compile(r"\be\.u\.|\beuropean union\b"), " eu "),
    (re.compile(r"\bsoviet union\b|\bussr\b"), " ussr "),
)
# Demonyms and alternative names, folded to the country's token.
SYNONYMS = {
    "american": "usa", "americans": "usa", "america": "usa",
    "british": "uk", "britain": "uk", "briton": "uk", "britons": "uk", "england": "uk",
    "ukrainian": "ukraine", "ukrainians": "ukraine",
    "russian": "russia", "russians": "russia",
    "german": "germany", "germans": "germany",
    "french": "france", "polish": "poland", "pole": "poland", "poles": "poland",
    "chinese": "china", "japanese": "japan", "iranian": "iran", "iranians": "iran",
    "iraqi": "iraq", "iraqis": "iraq", "israeli": "israel", "israelis": "israel",
    "saudi": "saudiarabia", "korean": "korea", "koreans": "korea",
    "turkish": "turkey", "indian": "india", "indians": "india", "canadian": "canada",
    "mexican": "mexico", "european": "europe", "europeans": "europe",
    "soviet": "ussr", "nato's": "nato",
}  # fmt: skip
NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "thousand": "1000", "million": "1000000", "billion": "1000000000", "dozen": "12",
}  # fmt: skip
NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "nothing", "nobody", "without", "t"})
STOP_WORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with",
        "from", "as", "into", "about", "that", "this", "these", "those", "it", "its", "is", "are",
        "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will",
        "would", "s", "also", "then", "than", "which", "who", "whom", "their", "his", "her",
        "he", "she", "they", "them", "we", "our", "us", "i", "you", "said", "says", "say",
        "told", "tell", "according", "however", "now", "very", "just",
    }
)  # fmt: skip


def claim_fingerprint(text: str) -> str:
    """Normalised content tokens in the order they first appear, space-separated: equal for
    trivial restatements, different when words swap places ("Russia attacked Ukraine" is not
    "Ukraine attacked Russia").

    Idempotent (the fingerprint of a fingerprint is itself), so it can be stored in an indexed
    column and compared with ``similarity`` without keeping the original text around.
    """
    return " ".join(_tokens(text).order)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of two texts' normalised tokens, 0 when numbers or negation differ."""
    return _similarity(_tokens(a), _tokens(b))


# Earlier claims compared with each new one, at most: past this a restatement may go unlinked,
# but an article of thousands of near-identical lines stays linear instead of quadratic.
MAX_COMPARISONS = 200


def find_restatements(
    texts: Sequence[str],
    *,
    threshold: float = DUPLICATE_THRESHOLD,
    max_comparisons: int = MAX_COMPARISONS,
) -> list[int | None]:
    """For each text, the index of the first statement it restates (never a restatement), or None.

    Texts with the same normalised tokens are grouped first, so 6,000 copies of one sentence cost
    6,000 dictionary look-ups, not 18 million comparisons; a copy points at the group's first.
    Distinct token sets are then compared only where they can reach the threshold (prefix
    filtering): if the Jaccard similarity of A and B is at least t, they share at least
    ceil(t * |A|) tokens, so with every set's tokens in one global order (rarest first), the first
    |A| - ceil(t * |A|) + 1 tokens of A and of B have one in common. An inverted index over those
    prefixes finds the candidates; each set is compared with at most ``max_comparisons`` earlier
    ones, earliest first, and stops at the first match (the earliest statement is the one wanted).
    """
    token_sets = [_tokens(text) for text in texts]
    # Grouped by the tokens in their order: the same words in another order may say something
    # else ("Russia attacked Ukraine" / "Ukraine attacked Russia"), which ``_similarity`` decides.
    first_of: dict[tuple[str, ...], int] = {}
    for j, tokens in enumerate(token_sets):
        if tokens:
            first_of.setdefault(tokens.order, j)
    # Distinct sets in order of first appearance: their indexes in ``groups`` are that order too.
    groups = [token_sets[j] for j in first_of.values()]
    frequency = Counter(token for tokens in groups for token in tokens)
    index: dict[str, list[int]] = {}
    # For each group, the earliest earlier group it restates.
    restates: list[int | None] = []
    for g, later in enumerate(groups):
        ordered = sorted(later, key=lambda token: (frequency[token], token))
        # The epsilon keeps 0.8 * 5 from rounding up to a needless 5.
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered) - 1e-9) + 1]
        candidates: set[int] = set()
        for token in prefix:
            # The earliest ones: a later match would not be the first statement anyway.
            candidates.update(index.get(token, ())[:max_comparisons])
        match = None
        for h in sorted(candidates)[:max_comparisons]:
            earlier = groups[h]
            small, large = sorted((len(earlier), len(later)))
            if small >= threshold * large and _similarity(earlier, later) >= threshold:
                match = h
                break
        restates.append(match)
        for token in prefix:
            index.setdefault(token, []).append(g)

    group_of = {key: g for g, key in enumerate(first_of)}
    result: list[int | None] = []
    for j, tokens in enumerate(token_sets):
        if not tokens:
            result.append(None)
            continue
        g = group_of[tokens.order]
        target = restates[g]
        earliest = first_of[groups[target].order] if target is not None else None
        if earliest is None and first_of[tokens.order] != j:
            earliest = first_of[tokens.order]
        # Point at the first statement, never at another restatement.
        result.append(None if earliest is None else _root(result, earliest))
    return result


def _root(result: list[int | None], i: int) -> int:
    target = result[i]
    return i if target is None else target


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    if _numbers(a) != _numbers(b) or bool(a & NEGATIONS) != bool(b & NEGATIONS):
        return 0.0
    if _roles_swapped(a, b):
        return 0.0
    return len(a & b) / len(a | b)


class _TokenSet(frozenset[str]):
    """A text's normalised tokens, remembering the order they first appear in."""

    order: tuple[str, ...] = ()


def _roles_swapped(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two shared words trade places around a third shared word ("Russia attacked
    Ukraine" / "Ukraine attacked Russia"): who did what to whom changed, so the claims differ.

    Words that merely move ("In 2019 the US sent..." / "The US sent... in 2019", "US leaders" /
    "leaders of the US") have no shared word between them in both texts, and still match."""
    order_a, order_b = getattr(a, "order", ()), getattr(b, "order", ())
    shared = a & b
    pos_a = {t: i for i, t in enumerate(t for t in order_a if t in shared)}
    pos_b = {t: i for i, t in enumerate(t for t in order_b if t in shared)}
    if len(pos_a) < 3 or len(pos_a) != len(pos_b):
        return False
    for middle in shared:
        ma, mb = pos_a[middle], pos_b[middle]
        before_a_after_b = any(pos_a[t] < ma and pos_b[t] > mb for t in shared)
        after_a_before_b = any(pos_a[t] > ma and pos_b[t] < mb for t in shared)
        if before_a_after_b and after_a_before_b:
            return True
    return False


def _numbers(tokens: frozenset[str]) -> frozenset[str]:
    return frozenset(t for t in tokens if t[0].isdigit())


@lru_cache(maxsize=4096)
def _tokens(text: str) -> "_TokenSet":
    lowered = _US.sub(" usa ", text).lower().replace("’", "'")
    for pattern, replacement in _PHRASES:
        lowered = pattern.sub(replacement, lowered)
    tokens: dict[str, None] = {}
    for word in _WORD.findall(lowered):
        word = word.replace(",", "") if word[0].isdigit() else word
        word = SYNONYMS.get(word, NUMBER_WORDS.get(word, word))
        if word in STOP_WORDS:
            continue
        tokens.setdefault(_singular(word))
    result = _TokenSet(tokens)
    result.order = tuple(tokens)
    return result


def _singular(word: str) -> str:
    """A crude plural fold ("missiles" -> "missile", "allies" -> "ally"); stable when repeated."""
    if len(word) <= 3 or word[0].isdigit() or word in NEGATIONS or word in SYNONYMS.values():
        return word
    if word.endswith("ies") and len(word) > 4:
        singular = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        singular = word[:-1]
    else:
        return word
    # "dozens" is vaguer than "dozen" (12), so it keeps its plural.
    return word if singular in NUMBER_WORDS else singular
