"""Reads for the REST API: filters for partners' incremental sync, and the streamed export."""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from claims.models import Article, Claim, Verdict, verdict_published_q
from claims.selectors.common import articles_with_claim_count


@dataclass(frozen=True)
class ArticleApiFilters:
    status: str | None = None
    source: str | None = None
    updated_since: datetime | None = None


def article_api_list(*, filters: ArticleApiFilters) -> QuerySet[Article]:
    qs = articles_with_claim_count(queryset=Article.objects.defer("body"))
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
    # With published_only: also the verdicts once published and since replaced (withdrawn or
    # corrected), which incremental pulls need to converge; callers show them without content.
    include_withdrawn: bool = False


def verdict_api_list(*, filters: VerdictApiFilters) -> QuerySet[Verdict]:
    """Verdicts with their claim, article and reviewer, filtered; the caller orders them."""
    # The article's body (up to FACTCHECK_MAX_ARTICLE_CHARS) is never shown with a verdict.
    qs = Verdict.objects.select_related("claim__article", "reviewer").defer("claim__article__body")
    if filters.published_only:
        visible = verdict_published_q()
        if filters.include_withdrawn:
            visible |= verdict_withdrawn_q()
        qs = qs.filter(visible)
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


def verdict_withdrawn_q() -> Q:
    """Once published, no longer current: replaced by a correction, or withdrawn pending one."""
    return Q(published_at__isnull=False, is_current=False)


def verdict_export_iter(*, filters: VerdictApiFilters, chunk_size: int) -> Iterator[Verdict]:
    """Published verdicts matching ``filters`` (and, with ``include_withdrawn``, those withdrawn
    since), oldest first, read ``chunk_size`` rows at a time.

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
