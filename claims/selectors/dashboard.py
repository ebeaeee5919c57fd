"""Reads for the reviewers' pages: the queue and its filters, a claim in context, articles,
my work, second review and the user's own API tokens."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from claims.models import (
    OPEN_STATUSES,
    ApiToken,
    Article,
    AuditEvent,
    Claim,
    ClaimMatch,
    Verdict,
    VerdictReview,
    verdict_pending_q,
)
from claims.selectors.common import (
    HIDDEN_BY_DEFAULT_KINDS,
    MAX_SEARCH_WORDS,
    articles_with_claim_count,
)
from claims.selectors.matching import earlier_verdict_exists
from claims.selectors.paging import COUNT_CAP
from claims.selectors.stats import claim_status_counts_rollup

# The queue's assignee filter value for unassigned claims (user ids start at 1).
ASSIGNEE_NOBODY = 0
# A text search counts its matches up to here ("1,000+"), not COUNT_CAP.
SEARCH_COUNT_CAP = 1000
# The source filter lists at most this many outlets.
MAX_SOURCES = 200


@dataclass(frozen=True)
class QueueFilters:
    """Everything the queue page can filter on; ``None`` means "any"."""

    status: str | None = None
    kind: str | None = None
    article_id: int | None = None
    source: str | None = None
    created_from: date | None = None
    created_to: date | None = None
    # A user id, or ASSIGNEE_NOBODY for unassigned claims.
    assignee_id: int | None = None
    score_min: float | None = None
    score_max: float | None = None
    has_verdict: bool | None = None
    # Claims matching an earlier claim with a verdict, or an imported fact-check ("checked before").
    earlier_verdict: bool | None = None
    q: str | None = None
    show_hidden: bool = False
    order: str = "score"


def _queue_base(filters: QueueFilters) -> QuerySet[Claim]:
    """Every filter except status, so the per-status counts can share it."""
    qs = Claim.objects.all()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    elif not filters.show_hidden:
        qs = qs.exclude(kind__in=HIDDEN_BY_DEFAULT_KINDS)
    if filters.article_id:
        qs = qs.filter(article_id=filters.article_id)
    if filters.source:
        qs = qs.filter(article__source=filters.source)
    if filters.created_from:
        qs = qs.filter(created_at__date__gte=filters.created_from)
    if filters.created_to:
        qs = qs.filter(created_at__date__lte=filters.created_to)
    if filters.assignee_id == ASSIGNEE_NOBODY:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee_id is not None:
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.score_min is not None:
        qs = qs.filter(score__gte=filters.score_min)
    if filters.score_max is not None:
        qs = qs.filter(score__lte=filters.score_max)
    if filters.has_verdict is not None:
        judged = Exists(Verdict.objects.filter(claim=OuterRef("pk"), is_current=True))
        qs = qs.filter(judged if filters.has_verdict else ~judged)
    if filters.earlier_verdict is not None:
        earlier = earlier_verdict_exists()
        qs = qs.filter(earlier if filters.earlier_verdict else ~earlier)
    if filters.q:
        # Every word must appear in the claim or its sentence, in any order. icontains escapes
        # LIKE wildcards, so "%" and "_" are searched literally.
        for word in filters.q.split()[:MAX_SEARCH_WORDS]:
            qs = qs.filter(Q(text__icontains=word) | Q(sentence__icontains=word))
    return qs


QUEUE_ROW_FIELDS = (
    "id", "score", "priority", "text", "kind", "speaker", "status", "created_at",
    "article", "article__title", "article__source", "assignee", "assignee__username",
)  # fmt: skip


def claim_queue(*, filters: QueueFilters) -> QuerySet[Claim]:
    """The queue page: open claims (unless a status is asked for) in the order "next claim" hands
    them out, or newest first."""
    # Only what a row shows: not the article's body (up to 200,000 characters) nor the claim's
    # entities and quantities (JSON to decode), fifty times a page.
    qs = _queue_base(filters).select_related("article", "assignee").only(*QUEUE_ROW_FIELDS)
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif not filters.show_hidden:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.order == "newest":
        return qs.order_by("-created_at", "-id")
    return qs.order_by("-priority", "-score", "id")


def _queue_default_only(filters: QueueFilters) -> bool:
    """The filters pick nothing but the kinds shown by default: counts can come from the rollup."""
    return filters == QueueFilters(
        status=filters.status, order=filters.order, show_hidden=filters.show_hidden
    )


def claim_status_counts(*, filters: QueueFilters | None = None) -> dict[str, int | None]:
    """Claims per status (every status, zero included): all claims, or those the queue's other
    filters let through. Unfiltered, from the stats rollup (as of its last run); filtered, exact
    when at most COUNT_CAP claims match, otherwise None per status (too many to count per load)."""
    if filters is None or _queue_default_only(filters):
        hidden = () if filters is None or filters.show_hidden else HIDDEN_BY_DEFAULT_KINDS
        from_rollup = claim_status_counts_rollup(kinds_hidden=tuple(hidden))
        if from_rollup is not None:
            return dict(from_rollup)
    qs = Claim.objects.all() if filters is None else _queue_base(filters)
    cap = queue_count_cap(filters) if filters else COUNT_CAP
    # The statuses of at most cap + 1 matching claims, counted: exact below the cap.
    sample, params = qs.order_by().values("status")[: cap + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.status, COUNT(*) FROM ({sample}) s GROUP BY s.status", params)
        rows = dict(cursor.fetchall())
    if sum(rows.values()) > cap:
        return {status: None for status in Claim.Status.values}
    counts: dict[str, int | None] = {status: 0 for status in Claim.Status.values}
    counts.update(rows)
    return counts


def queue_count_cap(filters: QueueFilters) -> int:
    """Where the queue's counts stop: sooner for a text search, whose matches are found by
    reading claims one by one (a common word is in one claim in ten)."""
    return SEARCH_COUNT_CAP if filters.q else COUNT_CAP


def article_sources() -> list[str]:
    """Outlets that have articles, for the queue's source filter: one index probe per outlet
    (a recursive "skip scan" of the article_source index), not a scan of every article."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE outlet(source) AS (
                SELECT MIN(source) FROM {Article._meta.db_table} WHERE source > ''
                UNION ALL
                SELECT (SELECT MIN(source) FROM {Article._meta.db_table} WHERE source > outlet.source)
                FROM outlet WHERE outlet.source IS NOT NULL
            )
            SELECT source FROM outlet WHERE source IS NOT NULL LIMIT %s
            """,  # noqa: S608 - the table name is the model's, not input
            [MAX_SOURCES],
        )
        return [row[0] for row in cursor.fetchall()]


def reviewer_list() -> QuerySet[Any]:
    """Active users in the Reviewer or Editor group, for assignment and filters."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=["Reviewer", "Editor"])
        .distinct()
        .order_by("username")
    )


# --- A claim in context -----------------------------------------------------------------------


def claim_get(*, claim_id: int) -> Claim:
    """One claim with its article and assignee. (The claims restating it are
    ``claim.duplicates``; its verdicts come from ``claim_verdict_history``.)"""
    return Claim.objects.select_related("article", "assignee").get(pk=claim_id)


@dataclass(frozen=True)
class ClaimPageFacts:
    """What the claim page needs to know before it reads lists: its neighbours, and which of
    its lists have anything in them (most are empty for a claim in the queue)."""

    previous_id: int | None
    next_id: int | None
    has_duplicates: bool
    has_verdicts: bool
    has_matches: bool
    # Current verdicts ``claim_matching_verdicts`` would list (same predicate).
    has_suggestions: bool


def claim_page_facts(*, claim_id: int) -> ClaimPageFacts:
    """One query of index probes instead of one ORM query per empty list (each costs more CPU to
    build than PostgreSQL spends answering it). ``Claim.DoesNotExist`` when there is no such
    claim."""
    claims = Claim._meta.db_table
    verdicts = Verdict._meta.db_table
    matches = ClaimMatch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT
                (SELECT p.id FROM {claims} p WHERE p.article_id = c.article_id
                 AND p.position < c.position ORDER BY p.position DESC LIMIT 1),
                (SELECT n.id FROM {claims} n WHERE n.article_id = c.article_id
                 AND n.position > c.position ORDER BY n.position ASC LIMIT 1),
                EXISTS (SELECT 1 FROM {claims} d WHERE d.duplicate_of_id = c.id),
                EXISTS (SELECT 1 FROM {verdicts} v WHERE v.claim_id = c.id),
                EXISTS (SELECT 1 FROM {matches} m WHERE m.claim_id = c.id),
                EXISTS (
                    SELECT 1 FROM {verdicts} s JOIN {claims} o ON o.id = s.claim_id
                    WHERE s.is_current AND o.id <> c.id AND (
                        o.duplicate_of_id = c.id
                        OR (c.fingerprint <> '' AND o.fingerprint = c.fingerprint)
                        OR o.id = c.duplicate_of_id
                    )
                )
            FROM {claims} c WHERE c.id = %s
            """,  # noqa: S608 - the table names are the models', not input
            [claim_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Claim.DoesNotExist(f"No claim {claim_id}")
    return ClaimPageFacts(
        previous_id=row[0],
        next_id=row[1],
        has_duplicates=bool(row[2]),
        has_verdicts=bool(row[3]),
        has_matches=bool(row[4]),
        has_suggestions=bool(row[5]),
    )


def claim_context(*, claim: Claim) -> dict[str, Any]:
    """The paragraph around a claim's evidence, cut in three so a template can highlight the span."""
    body = claim.article.body
    para_start = body.rfind("\n", 0, claim.start) + 1
    para_end = body.find("\n", claim.end)
    if para_end == -1:
        para_end = len(body)
    return {
        "before": body[para_start : claim.start],
        "evidence": body[claim.start : claim.end],
        "after": body[claim.end : para_end],
    }


def claim_matching_verdicts(*, claim: Claim) -> QuerySet[Verdict]:
    """Current verdicts on the same claim made elsewhere: suggestions, so it is judged once."""
    same = Q(claim__duplicate_of=claim)
    if claim.fingerprint:
        same |= Q(claim__fingerprint=claim.fingerprint)
    if claim.duplicate_of_id:
        same |= Q(claim_id=claim.duplicate_of_id)
    return (
        Verdict.objects.filter(same, is_current=True)
        .exclude(claim=claim)
        .select_related("claim__article", "reviewer")
        .order_by("-created_at")
    )


def claim_verdict_history(*, claim: Claim) -> QuerySet[Verdict]:
    """A claim's verdicts, newest first, with who gave them and any second reviews."""
    return (
        Verdict.objects.filter(claim=claim)
        .select_related("reviewer")
        .prefetch_related(
            Prefetch("reviews", queryset=VerdictReview.objects.select_related("reviewer"))
        )
        .order_by("-created_at", "-id")
    )


def audit_for_claim(*, claim: Claim) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(claim=claim).select_related("actor")


# --- Articles ---------------------------------------------------------------------------------


def article_list() -> QuerySet[Article]:
    return articles_with_claim_count(queryset=Article.objects.order_by("-created_at"))


def article_get(*, article_id: int) -> Article:
    return (
        Article.objects.select_related("ingested_by", "feed")
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.order_by("position")))
        .get(pk=article_id)
    )


# --- My work, second review, tokens -----------------------------------------------------------


def claims_held(*, user: Any | None) -> QuerySet[Claim]:
    """Open claims leased or assigned to ``user`` (everyone's when None)."""
    qs = Claim.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
    if user is not None:
        qs = qs.filter(assignee=user)
    return qs.select_related("article", "assignee").order_by("lease_expires_at", "id")  # claim_held


def verdict_list(*, reviewer: Any | None) -> QuerySet[Verdict]:
    """Verdicts newest first, by ``reviewer`` (everyone's when None), with their reviews."""
    qs = Verdict.objects.select_related("claim__article", "reviewer").prefetch_related(
        Prefetch("reviews", queryset=VerdictReview.objects.select_related("reviewer"))
    )
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    return qs.order_by("-created_at", "-id")


def _awaiting_publication() -> QuerySet[Verdict]:
    # Pending replacements of a published verdict are not current yet, but await review too.
    return Verdict.objects.filter(verdict_pending_q())


def verdicts_awaiting_review(*, user: Any) -> QuerySet[Verdict]:
    """Pending verdicts by others that ``user`` has not reviewed and nobody disputes."""
    return (
        _awaiting_publication()
        .exclude(reviewer=user)
        .exclude(reviews__reviewer=user)
        .exclude(reviews__agrees=False)
        .select_related("claim__article", "reviewer")
        .order_by("created_at", "id")
    )


def verdicts_disputed() -> QuerySet[Verdict]:
    """Pending verdicts a second reviewer disagreed with: for an editor to settle."""
    return (
        _awaiting_publication()
        .filter(reviews__agrees=False)
        .distinct()
        .select_related("claim__article", "reviewer")
        .prefetch_related(
            Prefetch("reviews", queryset=VerdictReview.objects.select_related("reviewer"))
        )
        .order_by("created_at", "id")
    )


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    """A user's own tokens: live ones first, newest first."""
    live_first = F("revoked_at").asc(nulls_first=True)
    return ApiToken.objects.filter(user=user).order_by(live_first, "-created_at")
