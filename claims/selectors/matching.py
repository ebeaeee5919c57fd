"""Reads for matching: the archive's lexical candidates, re-ranked by the sentence embeddings."""

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from claims.matching.lexical import (
    COMMON_FLOOR,
    KEEP_TERMS,
    MAX_TERM_FREQUENCY,
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


def archive_lexical_candidates(*, text: str, limit: int = CANDIDATES) -> list[tuple[int, float]]:
    """(entry id, lexical score) for the best ``limit`` entries sharing words with ``text``."""
    terms = search_terms(text)
    if not terms:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _PG_CANDIDATES,
                {
                    "text": " ".join(terms),
                    "keep": KEEP_TERMS,
                    "max_frequency": MAX_TERM_FREQUENCY,
                    "floor": COMMON_FLOOR,
                    "per_term": PER_TERM,
                    "limit": limit,
                },
            )
            return [(int(i), float(s)) for i, s in cursor.fetchall()]

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

        return fts5_candidates(execute, kept, table="claims_archiveentry_fts", limit=limit)


# ``rarest_terms`` and ``fts5_candidates`` in SQL: the text's lexemes, rated by the share of
# entries holding each (the planner's statistics, kept by ANALYZE; lexemes too rare to be listed
# count as 0); up to PER_TERM entries for each of the rarest few (GIN lookups), ranked by all of
# them. One round trip.
_PG_CANDIDATES = """
WITH stats AS (
    SELECT unnest(most_common_elems::text::text[]) AS lexeme,
           unnest(most_common_elem_freqs) AS share
    FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'claims_archiveentry'
      AND attname = 'search'
), terms AS (
    SELECT t.lexeme FROM unnest(to_tsvector('english', %(text)s)) AS t
    LEFT JOIN stats USING (lexeme)
    WHERE coalesce(stats.share, 0) <= greatest(%(max_frequency)s, %(floor)s / greatest(1.0, (
        SELECT reltuples FROM pg_class WHERE oid = 'claims_archiveentry'::regclass)))
    ORDER BY coalesce(stats.share, 0), t.lexeme
    LIMIT %(keep)s
), any_term AS (
    SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS q FROM terms
), hits AS (
    SELECT DISTINCT hit.id FROM terms, LATERAL (
        SELECT id FROM claims_archiveentry
        WHERE search @@ quote_literal(terms.lexeme)::tsquery
        LIMIT %(per_term)s
    ) AS hit
)
SELECT e.id, ts_rank(e.search, any_term.q)
FROM hits JOIN claims_archiveentry e USING (id), any_term
ORDER BY 2 DESC
LIMIT %(limit)s
"""


def archive_match(
    *,
    text: str,
    vector: np.ndarray,
    ranker: Ranker,
    limit: int = 5,
    exclude_claim_ids: frozenset[int] = frozenset(),
    published_only: bool = False,
) -> list[MatchResult]:
    """The ``limit`` archive entries most likely to be ``text`` restated, best first.

    ``published_only`` (partners): our claims appear only with a published verdict."""
    found = archive_lexical_candidates(text=text)
    if not found:
        return []
    verdicts = Verdict.objects.filter(verdict_published_q() if published_only else Q_CURRENT)
    entries = (
        ArchiveEntry.objects.filter(pk__in=[i for i, _ in found])
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
    by_id = {e.pk: e for e in entries}
    kept = [(by_id[i], s) for i, s in found if i in by_id]
    if not kept:
        return []
    vectors = dict(
        ArchiveVector.objects.filter(entry_id__in=[e.pk for e, _ in kept]).values_list(
            "entry_id", "embedding"
        )
    )
    kept = [(e, s) for e, s in kept if e.pk in vectors]
    texts, titles = unpack_vectors([bytes(vectors[e.pk]) for e, _ in kept])
    rows = features(vector, texts, titles, np.array([s for _, s in kept], np.float32))
    scores = ranker.score(rows)
    results = []
    for index in np.argsort(-scores, kind="stable")[:limit]:
        entry = kept[index][0]
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
    return results


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
