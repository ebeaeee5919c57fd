"""Reads for matching: the archive's lexical candidates, re-ranked by the sentence embeddings."""

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from claims.matching.lexical import (
    PER_TERM,
    fts5_candidates,
    fts5_query,
    rarest_terms,
    search_terms,
)
from claims.matching.ranking import Ranker, features, unpack_vectors
from claims.models import (
    ArchiveEntry,
    ArchiveVector,
    Claim,
    ClaimMatch,
    ExternalFactCheck,
    Verdict,
    verdict_published_q,
)

Q_CURRENT = Q(is_current=True)

# Lexical candidates the embeddings re-rank: enough to hold the match (95% of dev queries have it
# in the top 100), few enough to re-rank in a millisecond.
CANDIDATES = 100


@dataclass(frozen=True)
class MatchResult:
    entry: ArchiveEntry
    similarity: float  # cosine, -1 .. 1
    score: float  # the re-ranker's, only its order matters
    verdict: Verdict | None  # our verdict on the earlier claim (published only, for partners)
    factcheck: ExternalFactCheck | None


Candidate = tuple[int, int | None, float, bytes]


def archive_lexical_candidates(*, text: str, limit: int = CANDIDATES) -> list[Candidate]:
    """(entry id, its claim's id, lexical score, stored embeddings) of the best ``limit`` entries
    sharing words with ``text``: one query on PostgreSQL (the embeddings joined in), two reads on
    SQLite."""
    return archive_lexical_candidates_many(texts=[text], limit=limit)[0]


def archive_lexical_candidates_many(
    *, texts: Sequence[str], limit: int = CANDIDATES, per_term: int = PER_TERM
) -> list[list[Candidate]]:
    """``archive_lexical_candidates`` of each text, in two round trips on PostgreSQL however many
    texts (an article's claims): their lexemes in one query, all their candidates in another.
    ``per_term``: entries read per search term (fewer: fewer hits to rank)."""
    terms = [search_terms(text) for text in texts]
    if connection.vendor != "postgresql":
        return [_sqlite_candidates(t, limit=limit, per_term=per_term) if t else [] for t in terms]
    found: list[list[Candidate]] = [[] for _ in texts]
    asked = [(n, " ".join(t)) for n, t in enumerate(terms) if t]
    if not asked:
        return found
    with connection.cursor() as cursor:
        cursor.execute(_PG_LEXEMES, [[n for n, _ in asked], [t for _, t in asked]])
        lexemes: dict[int, list[str]] = {}
        for n, lexeme in cursor.fetchall():
            lexemes.setdefault(int(n), []).append(str(lexeme))
        shares, total = _pg_term_shares()
        kept = {
            n: rarest_terms(words, lambda x: round(shares.get(x, 0.0) * total), total=total)
            for n, words in lexemes.items()
        }
        queries = [(n, " ".join(words)) for n, words in kept.items() if words]
    if not queries:
        return found
    with _binary_cursor() as cursor:
        cursor.execute(
            _PG_CANDIDATES,
            {
                "numbers": [n for n, _ in queries],
                "words": [w for _, w in queries],
                "per_term": per_term,
                "limit": limit,
            },
        )
        for n, i, c, score, vector in cursor.fetchall():
            found[n].append((i, c, score, vector))
    return found


def _binary_cursor() -> Any:
    """A cursor whose results come in PostgreSQL's binary format, through Django's wrappers (so
    the query is logged and counted like the others). Django's own cursors bind parameters on the
    client, which only takes text results: then each candidate's stored vectors (1.5 KB) travel
    as hex, encoded by the server and decoded here (half the client's CPU for the candidates)."""
    import psycopg

    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # the stubs expect Django's wrapper here
    raw.format = psycopg.pq.Format.BINARY
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def _sqlite_candidates(terms: list[str], *, limit: int, per_term: int) -> list[Candidate]:
    """The FTS5 twin of the PostgreSQL query, then the candidates' embeddings."""
    with connection.cursor() as cursor:

        def count(term: str) -> int:
            cursor.execute(
                "SELECT count(*) FROM claims_archiveentry_fts WHERE claims_archiveentry_fts "
                "MATCH %s",
                [fts5_query([term])],
            )
            return int(cursor.fetchone()[0])

        kept = rarest_terms(terms, count, total=ArchiveEntry.objects.count())
        if not kept:
            return []

        def execute(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
            cursor.execute(sql.replace("?", "%s"), params)
            return list(cursor.fetchall())

        found = fts5_candidates(
            execute, kept, table="claims_archiveentry_fts", limit=limit, per_term=per_term
        )
    vectors = {
        entry_id: (claim_id, embedding)
        for entry_id, claim_id, embedding in ArchiveVector.objects.filter(
            entry_id__in=[i for i, _ in found]
        ).values_list("entry_id", "entry__claim_id", "embedding")
    }
    return [(i, vectors[i][0], s, bytes(vectors[i][1])) for i, s in found if i in vectors]


# How often a process re-reads the planner's statistics of the archive's lexemes: they move only
# when ANALYZE (or autovacuum) runs, and reading them cost about a millisecond per query.
TERM_SHARES_SECONDS = 300.0
_term_shares: dict[str, Any] = {}


def _pg_term_shares() -> tuple[dict[str, float], int]:
    """({lexeme: share of the entries holding it}, entries), from ``pg_stats`` and ``pg_class``,
    cached per process and database. Lexemes too rare to be listed count as 0."""
    key = connection.settings_dict["NAME"]
    cached = _term_shares.get(key)
    if cached is not None and time.monotonic() - cached[0] < TERM_SHARES_SECONDS:
        return cached[1], cached[2]
    with connection.cursor() as cursor:
        cursor.execute(_PG_STATS)
        shares = {str(lexeme): float(share) for lexeme, share in cursor.fetchall()}
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'claims_archiveentry'::regclass")
        row = cursor.fetchone()
    total = max(1, int(row[0])) if row else 1
    _term_shares[key] = (time.monotonic(), shares, total)
    return shares, total


_PG_STATS = """
SELECT unnest(most_common_elems::text::text[]), unnest(most_common_elem_freqs)
FROM pg_stats
WHERE schemaname = current_schema() AND tablename = 'claims_archiveentry' AND attname = 'search'
"""
# Each text's lexemes, numbered by the text they come from.
_PG_LEXEMES = """
SELECT q.n, unnest(tsvector_to_array(to_tsvector('english', q.text)))
FROM unnest(%s::int[], %s::text[]) AS q(n, text)
"""

# ``fts5_candidates`` in SQL, for each text's rarest lexemes (chosen by ``rarest_terms``; each
# text's joined by spaces, which no lexeme holds): up to PER_TERM entries per lexeme (GIN
# lookups), ranked by all of the text's lexemes, with their embeddings. One round trip. Constant
# arrays, not JSON: the planner then knows how many texts there are (told 100, it estimated a
# cost high enough to JIT-compile the query, 20 ms of CPU, for a single text). The hits are
# ranked from the rows their index lookup read (not fetched again by id: a third less of the
# server's CPU); an entry found by several lexemes has one score, so DISTINCT ON keeps it once.
_PG_CANDIDATES = """
WITH asked AS (
    SELECT n, string_to_array(words, ' ') AS lexemes,
           (SELECT string_agg(quote_literal(l), ' | ')
            FROM unnest(string_to_array(words, ' ')) AS l)::tsquery AS q
    FROM unnest(%(numbers)s::int[], %(words)s::text[]) AS text(n, words)
)
SELECT asked.n, best.id, best.claim_id, best.score, v.embedding
FROM asked CROSS JOIN LATERAL (
    SELECT DISTINCT ON (score, hit.id) hit.id, hit.claim_id, ts_rank(hit.search, asked.q) AS score
    FROM unnest(asked.lexemes) AS t(lexeme), LATERAL (
        SELECT id, claim_id, search FROM claims_archiveentry
        WHERE search @@ quote_literal(t.lexeme)::tsquery
        LIMIT %(per_term)s
    ) AS hit
    ORDER BY score DESC, hit.id
    LIMIT %(limit)s
) AS best
JOIN claims_archivevector v ON v.entry_id = best.id
ORDER BY asked.n, best.score DESC, best.id
"""


def archive_candidate_features(
    *, text: str, vector: np.ndarray
) -> tuple[list[Candidate], np.ndarray]:
    """The lexical candidates of ``text`` (as ``archive_lexical_candidates``) and one row of
    ``ranking.FEATURES`` for each: what the re-ranker sees, also what it is fitted on."""
    return archive_candidate_features_many(texts=[text], vectors=vector[None, :])[0]


def archive_candidate_features_many(
    *,
    texts: Sequence[str],
    vectors: np.ndarray,
    limit: int = CANDIDATES,
    per_term: int = PER_TERM,
) -> list[tuple[list[Candidate], np.ndarray]]:
    """``archive_candidate_features`` of each text (with its embedding), the candidates of all
    of them read at once (``archive_lexical_candidates_many``, with its ``limit`` and
    ``per_term``)."""
    out = []
    read = archive_lexical_candidates_many(texts=texts, limit=limit, per_term=per_term)
    for found, vector in zip(read, vectors, strict=True):
        stored_texts, titles = unpack_vectors([blob for *_, blob in found])
        lexical = np.array([f[2] for f in found], np.float32)
        out.append((found, features(vector, stored_texts, titles, lexical)))
    return out


def archive_match(
    *,
    text: str,
    vector: np.ndarray,
    ranker: Ranker,
    limit: int = 5,
    exclude_claim_ids: frozenset[int] = frozenset(),
    published_only: bool = False,
    min_similarity: float | None = None,
    candidates: tuple[list[Candidate], np.ndarray] | None = None,
) -> list[MatchResult]:
    """The ``limit`` archive entries most likely to be ``text`` restated, best first.

    The candidates are ranked from their ids and vectors alone; only the best few are loaded as
    rows (with their claim, fact-check and verdict), a page at a time until ``limit`` pass the
    filters. ``published_only`` (partners): our claims appear only with a published verdict.
    ``min_similarity``: only entries at least this similar (cosine) are considered.
    ``candidates``: ``archive_candidate_features`` of the text, when the caller read them already
    (for all of an article's claims at once)."""
    return archive_match_many(
        candidates=[candidates or archive_candidate_features(text=text, vector=vector)],
        ranker=ranker,
        limit=limit,
        exclude_claim_ids=[exclude_claim_ids],
        published_only=published_only,
        min_similarity=min_similarity,
    )[0]


def archive_match_many(
    *,
    candidates: Sequence[tuple[list[Candidate], np.ndarray]],
    ranker: Ranker,
    limit: int = 5,
    exclude_claim_ids: Sequence[frozenset[int]],
    published_only: bool = False,
    min_similarity: float | None = None,
) -> list[list[MatchResult]]:
    """``archive_match`` of several texts from their ``archive_candidate_features`` (an article's
    claims, with the claims each must not match), in order: the best candidates of all of them
    are loaded as rows together, a page each at a time, not in two queries per text."""
    # Weights fitted on this database's own lexical scores (ts_rank is not BM25).
    weights = ranker.for_backend(connection.vendor)
    ranked = []
    for (found, rows), excluded in zip(candidates, exclude_claim_ids, strict=True):
        scores = weights.score(rows)
        order = [
            int(i)
            for i in np.argsort(-scores, kind="stable")
            if found[i][1] not in excluded
            # Most new claims restate nothing: their candidates are never loaded as rows.
            and (min_similarity is None or rows[i, 2] >= min_similarity)
        ]
        ranked.append((found, rows, scores, order))
    results: list[list[MatchResult]] = [[] for _ in ranked]
    page = 2 * limit
    for start in itertools.count(0, page):
        chunks = {
            k: order[start : start + page]
            for k, (*_, order) in enumerate(ranked)
            if len(results[k]) < limit and start < len(order)
        }
        if not chunks:
            return results
        by_id = _entries_shown(
            [ranked[k][0][i][0] for k, chunk in chunks.items() for i in chunk],
            published_only=published_only,
        )
        for k, chunk in chunks.items():
            found, rows, scores, _ = ranked[k]
            for index in chunk:
                entry = by_id.get(found[index][0])
                if entry is None or len(results[k]) == limit:
                    continue
                shown: list[Verdict] = getattr(entry.claim, "shown", []) if entry.claim else []
                results[k].append(
                    MatchResult(
                        entry=entry,
                        similarity=float(rows[index, 2]),
                        score=float(scores[index]),
                        verdict=shown[0] if shown else None,
                        factcheck=entry.factcheck,
                    )
                )
    return results


def _entries_shown(ids: list[int], *, published_only: bool) -> dict[int, ArchiveEntry]:
    """The entries among ``ids`` that may be shown, by id, with their claim's verdict at hand.
    (The claims a text must not match never get here: their candidates are dropped by id.)"""
    verdicts = Verdict.objects.filter(verdict_published_q() if published_only else Q_CURRENT)
    entries = (
        ArchiveEntry.objects.filter(pk__in=ids)
        .select_related("claim", "factcheck")
        .prefetch_related(
            Prefetch("claim__verdicts", queryset=verdicts.order_by("-id"), to_attr="shown")
        )
    )
    if published_only:
        entries = entries.filter(
            Exists(Verdict.objects.filter(verdict_published_q(), claim=OuterRef("claim_id")))
        ) | entries.filter(factcheck__isnull=False)
    return {e.pk: e for e in entries}


def claim_matches(*, claim: Claim, published_only: bool = False) -> QuerySet[ClaimMatch]:
    """The stored matches of a claim, best first, with the earlier claim's verdicts at hand."""
    verdicts = Verdict.objects.filter(verdict_published_q() if published_only else Q_CURRENT)
    qs = (
        ClaimMatch.objects.filter(claim=claim)
        .select_related("entry__claim__article", "entry__factcheck")
        .prefetch_related(
            Prefetch("entry__claim__verdicts", queryset=verdicts.order_by("-id"), to_attr="shown")
        )
        .order_by("rank")
    )
    if published_only:
        qs = qs.filter(
            Exists(Verdict.objects.filter(verdict_published_q(), claim=OuterRef("entry__claim_id")))
        ) | qs.filter(entry__factcheck__isnull=False)
    return qs


def match_verdict(match: Any) -> Verdict | None:
    """The earlier claim's verdict loaded by ``claim_matches`` (None for imported fact-checks)."""
    claim = match.entry.claim
    shown = getattr(claim, "shown", []) if claim is not None else []
    return shown[0] if shown else None


def earlier_verdict_exists() -> Exists:
    """A filter on claims: a stored match has a verdict (ours, current) or is a fact-check."""
    judged = Verdict.objects.filter(claim=OuterRef("entry__claim_id"), is_current=True)
    matches = ClaimMatch.objects.filter(claim=OuterRef("pk")).filter(
        Q(entry__factcheck__isnull=False) | Exists(judged)
    )
    return Exists(matches)


def claim_archivable_q() -> Q:
    """The claims that belong in the matching archive: those a reviewer may be shown (not "not
    checkable": a greeting, a question, a fragment nothing else could replace) and any claim that
    was judged. The others are neither embedded nor matched: a quarter of a split's claims, whose
    matches nobody would see and whose entries could only be found for their verdict."""
    judged = Verdict.objects.filter(claim=OuterRef("pk"))
    return ~Q(kind=Claim.Kind.NOT_CHECKABLE) | Q(Exists(judged))


def claims_without_archive_entry() -> QuerySet[Claim]:
    """Claims that belong in the matching archive and are not in it yet (stored before matching
    existed, or judged after the split left them out)."""
    return Claim.objects.filter(claim_archivable_q(), archive_entry__isnull=True)


def articles_to_backfill(*, after: int, limit: int) -> list[int]:
    """Ids of the next ``limit`` articles after ``after``, oldest first, with a claim to embed."""
    return list(
        claims_without_archive_entry()
        .filter(article_id__gt=after)
        .order_by("article_id")
        .values_list("article_id", flat=True)
        .distinct()[:limit]
    )


def archive_entries_stale(*, version: str, after: int, limit: int) -> list[int]:
    """Ids of the next ``limit`` archive entries after ``after`` embedded by another encoder."""
    return list(
        ArchiveEntry.objects.filter(pk__gt=after)
        .exclude(encoder_version=version)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
