"""Reads for matching: the archive's lexical candidates, re-ranked by the sentence embeddings."""

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from claims.matching.lexical import fts5_query, search_terms, tsquery
from claims.matching.ranking import Ranker, features, unpack_vectors
from claims.models import (
    ArchiveEntry,
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
                "SELECT id, ts_rank(search, q) FROM claims_archiveentry, "
                "to_tsquery('english', %s) AS q WHERE search @@ q ORDER BY 2 DESC LIMIT %s",
                [tsquery(terms), limit],
            )
        else:
            cursor.execute(
                "SELECT rowid, -bm25(claims_archiveentry_fts) FROM claims_archiveentry_fts "
                "WHERE claims_archiveentry_fts MATCH %s ORDER BY bm25(claims_archiveentry_fts) "
                "LIMIT %s",
                [fts5_query(terms), limit],
            )
        return [(int(i), float(s)) for i, s in cursor.fetchall()]


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
    texts, titles = unpack_vectors([bytes(e.embedding) for e, _ in kept])
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
