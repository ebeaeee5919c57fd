"""Reads for matching: the archive's lexical candidates, re-ranked by the sentence embeddings."""

import time
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


def archive_lexical_candidates(
    *, text: str, limit: int = CANDIDATES
) -> list[tuple[int, int | None, float, bytes]]:
    """(entry id, its claim's id, lexical score, stored embeddings) of the best ``limit`` entries
    sharing words with ``text``: one query on PostgreSQL (the embeddings joined in), two reads on
    SQLite."""
    terms = search_terms(text)
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_LEXEMES, [" ".join(terms)])
            shares, total = _pg_term_shares()
            kept = rarest_terms(
                [row[0] for row in cursor.fetchall()],
                lambda lexeme: round(shares.get(lexeme, 0.0) * total),
                total=total,
            )
            if not kept:
                return []
            cursor.execute(_PG_CANDIDATES, {"lexemes": kept, "per_term": PER_TERM, "limit": limit})
            return [(int(i), c, float(s), bytes(v)) for i, c, s, v in cursor.fetchall()]

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

        found = fts5_candidates(execute, kept, table="claims_archiveentry_fts", limit=limit)
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
_PG_LEXEMES = "SELECT unnest(tsvector_to_array(to_tsvector('english', %s)))"

# ``fts5_candidates`` in SQL, for the rarest lexemes (chosen by ``rarest_terms``): up to PER_TERM
# entries for each (GIN lookups), ranked by all of them, with their embeddings. One round trip.
_PG_CANDIDATES = """
WITH terms AS (
    SELECT unnest(%(lexemes)s::text[]) AS lexeme
), any_term AS (
    SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS q FROM terms
), hits AS (
    SELECT DISTINCT hit.id FROM terms, LATERAL (
        SELECT id FROM claims_archiveentry
        WHERE search @@ quote_literal(terms.lexeme)::tsquery
        LIMIT %(per_term)s
    ) AS hit
), best AS (
    SELECT e.id, e.claim_id, ts_rank(e.search, any_term.q) AS score
    FROM hits JOIN claims_archiveentry e USING (id), any_term
    ORDER BY score DESC, e.id
    LIMIT %(limit)s
)
SELECT best.id, best.claim_id, best.score, v.embedding
FROM best JOIN claims_archivevector v ON v.entry_id = best.id
ORDER BY best.score DESC, best.id
"""


def archive_candidate_features(
    *, text: str, vector: np.ndarray
) -> tuple[list[tuple[int, int | None, float, bytes]], np.ndarray]:
    """The lexical candidates of ``text`` (as ``archive_lexical_candidates``) and one row of
    ``ranking.FEATURES`` for each: what the re-ranker sees, also what it is fitted on."""
    found = archive_lexical_candidates(text=text)
    texts, titles = unpack_vectors([blob for *_, blob in found])
    return found, features(vector, texts, titles, np.array([f[2] for f in found], np.float32))


def archive_match(
    *,
    text: str,
    vector: np.ndarray,
    ranker: Ranker,
    limit: int = 5,
    exclude_claim_ids: frozenset[int] = frozenset(),
    published_only: bool = False,
    min_similarity: float | None = None,
) -> list[MatchResult]:
    """The ``limit`` archive entries most likely to be ``text`` restated, best first.

    The candidates are ranked from their ids and vectors alone; only the best few are loaded as
    rows (with their claim, fact-check and verdict), a page at a time until ``limit`` pass the
    filters. ``published_only`` (partners): our claims appear only with a published verdict.
    ``min_similarity``: only entries at least this similar (cosine) are considered."""
    found, rows = archive_candidate_features(text=text, vector=vector)
    if not found:
        return []
    # Weights fitted on this database's own lexical scores (ts_rank is not BM25).
    scores = ranker.for_backend(connection.vendor).score(rows)
    order = [
        int(i)
        for i in np.argsort(-scores, kind="stable")
        if found[i][1] not in exclude_claim_ids
        # Most new claims restate nothing: their candidates are never loaded as rows.
        and (min_similarity is None or rows[i, 2] >= min_similarity)
    ]
    page = 2 * limit
    results: list[MatchResult] = []
    for start in range(0, len(order), page):
        chunk = order[start : start + page]
        by_id = _entries_shown(
            [found[i][0] for i in chunk],
            exclude_claim_ids=exclude_claim_ids,
            published_only=published_only,
        )
        for index in chunk:
            entry = by_id.get(found[index][0])
            if entry is None:
                continue
            shown: list[Verdict] = getattr(entry.claim, "shown", []) if entry.claim else []
            results.append(
                MatchResult(
                    entry=entry,
                    similarity=float(rows[index, 2]),
                    score=float(scores[index]),
                    verdict=shown[0] if shown else None,
                    factcheck=entry.factcheck,
                )
            )
            if len(results) == limit:
                return results
    return results


def _entries_shown(
    ids: list[int], *, exclude_claim_ids: frozenset[int], published_only: bool
) -> dict[int, ArchiveEntry]:
    """The entries among ``ids`` that may be shown, by id, with their claim's verdict at hand."""
    verdicts = Verdict.objects.filter(verdict_published_q() if published_only else Q_CURRENT)
    entries = (
        ArchiveEntry.objects.filter(pk__in=ids)
        .exclude(claim_id__in=exclude_claim_ids)
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


def claims_without_archive_entry() -> QuerySet[Claim]:
    """Claims not in the matching archive yet (stored before matching existed)."""
    return Claim.objects.filter(archive_entry__isnull=True)


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
