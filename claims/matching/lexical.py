"""The lexical half of matching: a text's search terms, as a PostgreSQL tsquery or an FTS5 query.

Pure Python. A restatement shares some content words with the claim it restates, rarely all of
them, so terms are OR-ed; the database ranks by BM25 (FTS5) or ``ts_rank`` (PostgreSQL).
"""

import re

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


def search_terms(text: str) -> list[str]:
    """Distinct content words of ``text`` in order of appearance, at most ``MAX_TERMS``."""
    words = _WORD.findall(_US.sub(" usa ", _NOISE.sub(" ", text)).lower())
    kept = [w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]
    return list(dict.fromkeys(kept))[:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression: any of the terms (each quoted, so none is read as syntax)."""
    return " OR ".join(f'"{term}"' for term in terms)


def tsquery(terms: list[str]) -> str:
    """A ``to_tsquery('english', ...)`` expression: any of the terms (letters and digits only)."""
    return " | ".join(terms)
