"""Reads that are more than a one-liner: the queue, an article with its claims, a claim in context."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal

from claims.models import (
    ApiToken,
    Article,
    AuditEvent,
    Claim,
    Rating,
    Verdict,
    VerdictReview,
)

# Hidden from the queue unless asked for: nothing to check, or already judged elsewhere.
HIDDEN_BY_DEFAULT_KINDS = (Claim.Kind.NOT_CHECKABLE,)
OPEN_STATUSES = (Claim.Status.NEW, Claim.Status.IN_REVIEW)


def claim_status_counts() -> dict[str, int]:
    rows = Claim.objects.values("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in Claim.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def claim_get(*, claim_id: int) -> Claim:
    """One claim with its article, verdict history (newest first) and duplicates."""
    return (
        Claim.objects.select_related("article", "assignee", "duplicate_of")
        .prefetch_related(
            Prefetch("verdicts", queryset=Verdict.objects.select_related("reviewer")),
            "duplicates",
        )
        .get(pk=claim_id)
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


def article_list() -> QuerySet[Article]:
    return Article.objects.annotate(claim_count=Count("claims")).order_by("-created_at")


def article_get(*, article_id: int) -> Article:
    return (
        Article.objects.select_related("ingested_by")
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.order_by("position")))
        .get(pk=article_id)
    )


def audit_for_claim(*, claim: Claim) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(claim=claim).select_related("actor")


# --- The reviewer dashboard: queue filters, my work, second review, stats ----------------------


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
    q: str | None = None
    show_hidden: bool = False
    order: str = "score"


ASSIGNEE_NOBODY = 0


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
    if filters.q:
        # Every word must appear in the claim or its sentence, in any order. icontains escapes
        # LIKE wildcards, so "%" and "_" are searched literally.
        for word in filters.q.split()[:10]:
            qs = qs.filter(Q(text__icontains=word) | Q(sentence__icontains=word))
    return qs


def claim_queue(*, filters: QueueFilters) -> QuerySet[Claim]:
    """The queue page: open claims (unless a status is asked for) in the order "next claim" hands
    them out, or newest first."""
    qs = _queue_base(filters).select_related("article", "assignee")
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif not filters.show_hidden:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.order == "newest":
        return qs.order_by("-created_at", "-id")
    return qs.order_by("-priority", "-score", "id")


def claim_queue_counts(*, filters: QueueFilters) -> dict[str, int]:
    """Claims per status under the queue's other filters."""
    rows = _queue_base(filters).values("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in Claim.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def article_sources() -> list[str]:
    """Outlets that have articles, for the queue's source filter."""
    return list(
        # order_by: the model's default ordering would make DISTINCT per (source, created_at).
        Article.objects.exclude(source="")
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()[:200]
    )


def reviewer_list() -> QuerySet[Any]:
    """Active users in the Reviewer or Editor group, for assignment and filters."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=["Reviewer", "Editor"])
        .distinct()
        .order_by("username")
    )


def claim_neighbours(*, claim: Claim) -> tuple[int | None, int | None]:
    """The previous and next claim of the same article, by position."""
    siblings = Claim.objects.filter(article_id=claim.article_id)
    previous = (
        siblings.filter(position__lt=claim.position)
        .order_by("-position")
        .values_list("pk", flat=True)
        .first()
    )
    following = (
        siblings.filter(position__gt=claim.position)
        .order_by("position")
        .values_list("pk", flat=True)
        .first()
    )
    return previous, following


def claims_held(*, user: Any | None) -> QuerySet[Claim]:
    """Open claims leased or assigned to ``user`` (everyone's when None)."""
    qs = Claim.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
    if user is not None:
        qs = qs.filter(assignee=user)
    return qs.select_related("article", "assignee").order_by("lease_expires_at", "id")


def verdict_list(*, reviewer: Any | None) -> QuerySet[Verdict]:
    """Verdicts newest first, by ``reviewer`` (everyone's when None), with their reviews."""
    qs = Verdict.objects.select_related("claim__article", "reviewer").prefetch_related(
        Prefetch("reviews", queryset=VerdictReview.objects.select_related("reviewer"))
    )
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    return qs.order_by("-created_at", "-id")


def verdicts_awaiting_review(*, user: Any) -> QuerySet[Verdict]:
    """Unpublished current verdicts by others that ``user`` has not reviewed and nobody disputes."""
    return (
        Verdict.objects.filter(is_current=True, published_at__isnull=True)
        .exclude(reviewer=user)
        .exclude(reviews__reviewer=user)
        .exclude(reviews__agrees=False)
        .select_related("claim__article", "reviewer")
        .order_by("created_at", "id")
    )


def verdicts_disputed() -> QuerySet[Verdict]:
    """Unpublished current verdicts a second reviewer disagreed with: for an editor to settle."""
    return (
        Verdict.objects.filter(is_current=True, published_at__isnull=True, reviews__agrees=False)
        .distinct()
        .select_related("claim__article", "reviewer")
        .prefetch_related(
            Prefetch("reviews", queryset=VerdictReview.objects.select_related("reviewer"))
        )
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    css: str = ""


@dataclass(frozen=True)
class DashboardStats:
    claims_by_status: list[Bar]
    verdicts_by_rating: list[Bar]
    verdicts_per_day: list[Bar]
    verdicts_per_reviewer: list[Bar]
    queue_age: list[Bar]
    open_claims: int
    oldest_open: datetime | None


QUEUE_AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("under 1 hour", timedelta(hours=1)),
    ("1–24 hours", timedelta(days=1)),
    ("1–7 days", timedelta(days=7)),
    ("1–4 weeks", timedelta(days=28)),
    ("older", None),
)


def dashboard_stats(*, now: datetime | None = None, days: int = 14) -> DashboardStats:
    """Counts for the stats page: a handful of grouped queries, no per-row work in Python
    beyond bucketing open claims' ages."""
    now = now or timezone.now()
    status_counts = claim_status_counts()
    by_status = [
        Bar(label, status_counts[value], f"status-{value}") for value, label in Claim.Status.choices
    ]

    current = Verdict.objects.filter(is_current=True)
    rating_rows = dict(current.values_list("rating").annotate(n=Count("id")).order_by())
    by_rating = [
        Bar(label, rating_rows.get(value, 0), f"rating-{value}") for value, label in Rating.choices
    ]

    today = timezone.localdate(now)
    first_day = today - timedelta(days=days - 1)
    day_rows = dict(
        Verdict.objects.filter(created_at__date__gte=first_day)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_day = [
        Bar(f"{d:%b %d}", day_rows.get(d, 0))
        for d in (first_day + timedelta(days=i) for i in range(days))
    ]

    reviewer_rows = (
        Verdict.objects.values_list("reviewer__username")
        .annotate(n=Count("id"))
        .order_by("-n", "reviewer__username")[:20]
    )
    per_reviewer = [Bar(name, n) for name, n in reviewer_rows]

    open_created = list(
        Claim.objects.filter(status__in=OPEN_STATUSES)
        .exclude(kind__in=HIDDEN_BY_DEFAULT_KINDS)
        .values_list("created_at", flat=True)
    )
    ages = [0] * len(QUEUE_AGE_BUCKETS)
    for created in open_created:
        age = now - created
        for i, (_, limit) in enumerate(QUEUE_AGE_BUCKETS):
            if limit is None or age < limit:
                ages[i] += 1
                break
    queue_age = [Bar(label, n) for (label, _), n in zip(QUEUE_AGE_BUCKETS, ages, strict=True)]
    return DashboardStats(
        claims_by_status=by_status,
        verdicts_by_rating=by_rating,
        verdicts_per_day=per_day,
        verdicts_per_reviewer=per_reviewer,
        queue_age=queue_age,
        open_claims=len(open_created),
        oldest_open=min(open_created, default=None),
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


# --- The REST API: filters for partners' incremental sync and the streamed export -------------


def verdict_published_q() -> Q:
    """Published: released (second review done, where required) and not superseded since."""
    return Q(published_at__isnull=False, is_current=True)


@dataclass(frozen=True)
class ArticleApiFilters:
    status: str | None = None
    source: str | None = None
    updated_since: datetime | None = None


def article_api_list(*, filters: ArticleApiFilters) -> QuerySet[Article]:
    qs = Article.objects.annotate(claim_count=Count("claims")).defer("body")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs


@dataclass(frozen=True)
class ClaimApiFilters:
    article_id: int | None = None
    status: str | None = None
    kind: str | None = None
    source: str | None = None
    speaker: str | None = None
    updated_since: datetime | None = None


def claim_api_list(*, filters: ClaimApiFilters) -> QuerySet[Claim]:
    """Claims with what the API shows of them: assignee and the ids of claims restating them."""
    qs = Claim.objects.select_related("assignee").prefetch_related(
        Prefetch("duplicates", queryset=Claim.objects.only("id", "duplicate_of_id").order_by("id"))
    )
    if filters.article_id:
        qs = qs.filter(article_id=filters.article_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.source:
        qs = qs.filter(article__source=filters.source)
    if filters.speaker:
        qs = qs.filter(speaker__icontains=filters.speaker)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs


@dataclass(frozen=True)
class VerdictApiFilters:
    rating: str | None = None
    article_id: int | None = None
    claim_id: int | None = None
    source: str | None = None
    reviewer: str | None = None
    kind: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    updated_since: datetime | None = None
    current: bool | None = None
    published: bool | None = None
    # Partners (read-only tokens) and every export see published verdicts only, whatever they ask.
    published_only: bool = False


def verdict_api_list(*, filters: VerdictApiFilters) -> QuerySet[Verdict]:
    """Verdicts with their claim, article and reviewer, filtered; the caller orders them."""
    # The article's body (up to FACTCHECK_MAX_ARTICLE_CHARS) is never shown with a verdict.
    qs = Verdict.objects.select_related("claim__article", "reviewer").defer("claim__article__body")
    if filters.published_only:
        qs = qs.filter(verdict_published_q())
    if filters.published is not None:
        qs = (
            qs.filter(verdict_published_q())
            if filters.published
            else qs.exclude(verdict_published_q())
        )
    if filters.current is not None:
        qs = qs.filter(is_current=filters.current)
    if filters.rating:
        qs = qs.filter(rating=filters.rating)
    if filters.article_id:
        qs = qs.filter(claim__article_id=filters.article_id)
    if filters.claim_id:
        qs = qs.filter(claim_id=filters.claim_id)
    if filters.source:
        qs = qs.filter(claim__article__source=filters.source)
    if filters.reviewer:
        qs = qs.filter(reviewer__username=filters.reviewer)
    if filters.kind:
        qs = qs.filter(claim__kind=filters.kind)
    if filters.published_after:
        qs = qs.filter(published_at__gte=filters.published_after)
    if filters.published_before:
        qs = qs.filter(published_at__lt=filters.published_before)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    return qs


def verdict_export_iter(*, filters: VerdictApiFilters, chunk_size: int) -> Iterator[Verdict]:
    """Published verdicts matching ``filters``, oldest first, read ``chunk_size`` rows at a time.

    Keyset pagination on the primary key: memory stays flat whatever the row count, no cursor is
    held open while a slow client downloads, and each verdict comes at most once even while
    verdicts are added (new ones have higher ids and come at the end)."""
    qs = verdict_api_list(filters=replace(filters, published_only=True)).order_by("id")
    last_id = 0
    while True:
        chunk = list(qs.filter(id__gt=last_id)[:chunk_size])
        yield from chunk
        if len(chunk) < chunk_size:
            return
        last_id = chunk[-1].pk


# --- Admin at scale ---------------------------------------------------------------------------

# Below this many rows an exact COUNT costs little; above it, an unfiltered list shows the
# planner's estimate instead of scanning the table on every page load.
EXACT_COUNT_BELOW = 100_000
# A filtered count that takes longer than this is abandoned for the planner's estimate.
COUNT_TIMEOUT_MS = 150


def queryset_count_fast(*, queryset: QuerySet[Any]) -> int:
    """How many rows: exact when cheap, otherwise PostgreSQL's estimate (for admin paginators)."""
    if connection.vendor != "postgresql":
        return queryset.count()
    if not queryset.query.where:
        # pg_class.reltuples is kept up to date by autovacuum/ANALYZE; -1 means never analysed.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        if row and row[0] >= EXACT_COUNT_BELOW:
            return int(row[0])
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Local to this savepoint's transaction; restored below so later queries run unbounded.
            cursor.execute("SELECT current_setting('statement_timeout')")
            previous = cursor.fetchone()[0]
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [f"{COUNT_TIMEOUT_MS}ms"]
            )
            count = queryset.count()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return count
    except OperationalError:  # the count was cancelled by the timeout
        plan = json.loads(queryset.order_by().explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])


def queryset_date_range(*, queryset: QuerySet[Any], field: str) -> tuple[Any, Any]:
    """The first and last value of a date field: two index probes when the field is indexed.

    ORDER BY ... LIMIT 1 rather than MIN/MAX: with a semi-join in the filter (has a verdict)
    PostgreSQL plans the aggregate as a scan of the whole table."""
    values = queryset.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True)
    return values.order_by(field).first(), values.order_by(f"-{field}").first()


def queryset_ids(*, queryset: QuerySet[Any], limit: int) -> list[int]:
    """Primary keys of a selection, at most ``limit`` + 1 so a caller can tell it was cut."""
    return list(queryset.order_by().values_list("pk", flat=True)[: limit + 1])


def article_admin_list(*, queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Articles with their claim count, computed for the rows on the page only.

    A correlated subquery, not ``Count`` with GROUP BY, which would join every claim first."""
    counts = (
        Claim.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(claim_count=Coalesce(Subquery(counts), 0))


def claims_with_verdict(*, queryset: QuerySet[Claim], has: bool) -> QuerySet[Claim]:
    """Claims that have (or have not) any verdict, current or superseded."""
    given = Exists(Verdict.objects.filter(claim=OuterRef("pk")))
    return queryset.filter(given if has else ~given)


def claim_export_rows(*, queryset: QuerySet[Claim]) -> Iterator[tuple[Any, ...]]:
    """The selected claims as CSV rows (header first), streamed in chunks."""
    fields = (
        "id", "article_id", "article__title", "article__source", "position", "text", "sentence",
        "kind", "score", "status", "priority", "assignee__username", "duplicate_of_id",
        "speaker", "created_at",
    )  # fmt: skip
    yield fields
    yield from (
        queryset.order_by("article_id", "position").values_list(*fields).iterator(chunk_size=2000)
    )


def verdict_claim_history(*, verdict: Verdict) -> dict[str, Any]:
    """Every verdict on a verdict's claim and the claim's audit trail, newest first."""
    return {
        "verdicts": list(claim_verdict_history(claim=verdict.claim)),
        "events": list(
            AuditEvent.objects.filter(claim_id=verdict.claim_id).select_related("actor")[:200]
        ),
    }


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    """A user's own tokens: live ones first, newest first."""
    live_first = F("revoked_at").asc(nulls_first=True)
    return ApiToken.objects.filter(user=user).order_by(live_first, "-created_at")


# An article-title match is searched as a list of article ids (an index lookup on the claims)
# up to this many articles; beyond it, as a join.
SEARCH_MAX_ARTICLES = 1000


def claim_admin_search(*, queryset: QuerySet[Claim], term: str) -> QuerySet[Claim]:
    """Claims whose text, sentence or article title contains every word of ``term``.

    "#123" is claim 123. Titles are matched first on the (small) article table, so each word is
    one condition per column of the claims table, which trigram indexes on those columns can
    serve; Django's own search ORs across the join, which always scans every claim."""
    term = term.strip()
    if term.startswith("#") and term[1:].isdigit():
        return queryset.filter(pk=int(term[1:]))
    for word in smart_split(term):
        if len(word) > 1 and word[0] in "\"'" and word[-1] == word[0]:
            word = unescape_string_literal(word)  # a quoted phrase, as in Django's search
        if not word:
            continue
        articles = list(
            Article.objects.filter(title__icontains=word).values_list("pk", flat=True)[
                : SEARCH_MAX_ARTICLES + 1
            ]
        )
        by_title = (
            Q(article__title__icontains=word)
            if len(articles) > SEARCH_MAX_ARTICLES
            else Q(article_id__in=articles)
        )
        queryset = queryset.filter(Q(text__icontains=word) | Q(sentence__icontains=word) | by_title)
    return queryset
