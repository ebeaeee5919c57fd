"""The lexical half of matching: a text's search terms, the rarest of them, an FTS5 query.

Pure Python. A restatement shares some content words with the claim it restates, rarely all of
them, so terms are OR-ed; the database ranks by BM25 (FTS5) or ``ts_rank`` (PostgreSQL).
"""

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# Tweets and social posts carry handles, links and boilerplate that match everything.
_NOISE = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|@\w+|&\w+;")
_WORD = re.compile(r"[a-z0-9]+")
# The capitalised "US" is the country; lower-cased it would be the pronoun, a stop word.
_US = re.compile(r"\bU\.?S\.?A?\b\.?")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "his",
        "her",
        "our",
        "their",
        "my",
        "your",
        "me",
        "him",
        "them",
        "us",
        "not",
        "no",
        "do",
        "does",
        "did",
        "done",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "so",
        "if",
        "than",
        "then",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "some",
        "more",
        "most",
        "other",
        "such",
        "only",
        "own",
        "same",
        "too",
        "very",
        "just",
        "also",
        "about",
        "into",
        "over",
        "after",
        "before",
        "again",
        "out",
        "up",
        "down",
        "off",
        "once",
        "am",
        "s",
        "t",
        "rt",
        "via",
        "amp",
        "http",
        "https",
        "www",
        "com",
        "pic",
        "twitter",
        "says",
        "said",
        "say",
    ]
)
MAX_TERMS = 32
# Only the rarest few terms go into the search, and none in more than this share of the archive:
# a common word ("vaccine", "trump") would pull in a large share of a million claims, each to be
# ranked, for little evidence. The embeddings judge the candidates anyway.
KEEP_TERMS = 24
# Entries read per term: the rows to rank stay under KEEP_TERMS x PER_TERM however large the
# archive (a rare term's entries are all read; a commoner one's only this many, in index order).
# 30 rather than 100: dev MAP@5 0.840 against 0.835 (the annotated claim among the candidates for
# 96.4% of dev queries, 94.4% with 100), and a third of the rows to rank at a million entries.
PER_TERM = 30
MAX_TERM_FREQUENCY = 0.02
# ... but a word in fewer entries than this is never too common (a small archive is cheap to rank).
COMMON_FLOOR = 2000


def search_terms(text: str) -> list[str]:
    """Distinct content words of ``text`` in order of appearance, at most ``MAX_TERMS``."""
    words = _WORD.findall(_US.sub(" usa ", _NOISE.sub(" ", text)).lower())
    kept = [w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]
    return list(dict.fromkeys(kept))[:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression: any of the terms (each quoted, so none is read as syntax)."""
    return " OR ".join(f'"{term}"' for term in terms)


def rarest_terms(
    terms: list[str],
    count: Callable[[str], int],
    *,
    total: int,
    keep: int = KEEP_TERMS,
    max_frequency: float = MAX_TERM_FREQUENCY,
) -> list[str]:
    """The ``keep`` terms in the fewest of the archive's ``total`` entries, without very common ones.

    PostgreSQL applies the same rule in SQL from the planner's statistics (``pg_stats``)."""
    limit = max(max_frequency * total, COMMON_FLOOR)
    rated = sorted((count(term), term) for term in terms)
    return [term for n, term in rated if n <= limit][:keep]


def fts5_candidates(
    execute: Callable[[str, list[Any]], Iterable[Sequence[Any]]],
    terms: list[str],
    *,
    table: str,
    limit: int,
    per_term: int = PER_TERM,
) -> list[tuple[int, float]]:
    """SQLite's twin of the PostgreSQL query in ``claims.selectors.matching``: up to PER_TERM
    entries per term, ranked by BM25 over all the terms. ``execute(sql, params)`` runs SQL with
    ``?`` placeholders and returns its rows.

    (One statement with ``rowid IN (...)`` next to MATCH made FTS5 fifty times slower.)"""
    hits: set[int] = set()
    for term in terms:
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT {int(per_term)}"
        hits.update(int(row[0]) for row in execute(sql, [fts5_query([term])]))
    ranked = execute(
        f"SELECT rowid, -bm25({table}) FROM {table} WHERE {table} MATCH ? ORDER BY bm25({table})",
        [fts5_query(terms)],
    )
    found = [(int(rowid), float(score)) for rowid, score in ranked if int(rowid) in hits]
    return found[:limit]
