"""Reads for the REST API: filters for partners' incremental sync, and the streamed export."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import F, Func, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

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
    # A reviewer (not an editor) by id: verdicts waiting for a blind second review that someone
    # else gave are left out, as the claim page hides them, so the blind reviewer cannot peek.
    blind_to: int | None = None


def verdict_api_list(*, filters: VerdictApiFilters) -> QuerySet[Verdict]:
    """Verdicts with their claim, article and reviewer, filtered; the caller orders them."""
    # The article's body (up to FACTCHECK_MAX_ARTICLE_CHARS) is never shown with a verdict.
    qs = Verdict.objects.select_related("claim__article", "reviewer").defer("claim__article__body")
    if filters.published_only:
        visible = verdict_published_q()
        if filters.include_withdrawn:
            visible |= verdict_withdrawn_q()
        qs = qs.filter(visible)
    if filters.blind_to is not None:
        qs = qs.exclude(verdict_awaiting_blind_review_q() & ~Q(reviewer_id=filters.blind_to))
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


def verdict_awaiting_blind_review_q() -> Q:
    """Current, unpublished and sampled for a blind second review (the claim page's rule)."""
    return Q(is_current=True, blind_review=True, published_at__isnull=True)


# What a row of GET /api/v1/verdicts/ shows: the verdict, its claim's text and article id and the
# reviewer's name; not the article, nor the claim's entities and quantities (JSON to decode).
VERDICT_LIST_FIELDS = (
    "id", "claim", "reviewer", "rating", "explanation", "evidence_urls", "is_current",
    "superseded_by", "published_at", "created_at", "updated_at", "correction",
    "claim__text", "claim__article", "reviewer__username",
)  # fmt: skip


def verdict_api_rows(*, filters: VerdictApiFilters) -> QuerySet[Verdict]:
    """``verdict_api_list`` reading only the columns the list shows: a 500-row page built half
    its model instances (the article, the claim's JSON) for nothing."""
    return (
        verdict_api_list(filters=filters)
        .select_related(None)
        .select_related("claim", "reviewer")
        .only(*VERDICT_LIST_FIELDS)
    )


def database_writes_text(*, using: str = "default") -> bool:
    """Whether the database can write the text ``IsoUtc`` and the exports' text rows need
    (PostgreSQL; not SQLite, which keeps the portable reads)."""
    return connections[using].vendor == "postgresql"


class IsoUtc(Func):
    """A timestamp as ``claims.claimreview.iso_datetime`` writes it (and DRF, in UTC): UTC,
    microseconds only when there are any, then Z (``isoformat()`` leaves out ``.000000``, and
    ``.000000Z`` can only end the text). PostgreSQL only."""

    template = (
        "replace(to_char(%(expressions)s AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z')"
    )
    output_field = TextField()


# VERDICT_LIST_FIELDS read as one named tuple a row (``pk`` too, which the page's cursor reads).
VERDICT_LIST_COLUMNS = (
    "pk", "id", "claim_id", "claim__article_id", "claim__text", "reviewer__username", "rating",
    "explanation", "evidence_urls", "is_current", "superseded_by_id", "published_at",
    "created_at", "updated_at", "correction",
)  # fmt: skip
VERDICT_LIST_STAMPS = ("published_at", "created_at", "updated_at")
VERDICT_LIST_JSON = ("evidence_urls", "correction")


def json_column_value(text: str) -> Any:
    """A JSON column read as its text (``verdict_api_tuples``, the exports' text rows) decoded as
    Django's JSONField decodes it: the empty list and object, by far the commonest, without the
    decoder."""
    if text == "[]":
        return []
    return {} if text == "{}" else json.loads(text)


def verdict_api_tuples(*, filters: VerdictApiFilters, iso_utc_except: str = "") -> QuerySet[Any]:
    """``verdict_api_rows`` as named tuples (``VERDICT_LIST_COLUMNS``): the same rows and
    columns, without building three model instances a row (most of a 500-row page's CPU).

    With ``iso_utc_except`` (PostgreSQL only), the time stamps come as ``published_at_iso``,
    ``created_at_iso`` and ``updated_at_iso``, written by the database as ``IsoUtc``: the
    driver's parsing of a timestamp costs about 5 µs, 7 ms a page. The one named (the page's
    ordering, which its cursor reads; or "id") is read as a datetime as well. The JSON columns
    come as their text (``evidence_urls_json``, ``correction_json``), for the caller to decode
    without Django's per-value converters (most are "[]" and "{}")."""
    qs = verdict_api_list(filters=filters).select_related(None)
    if not iso_utc_except:
        return qs.values_list(*VERDICT_LIST_COLUMNS, named=True)
    kept = [
        c
        for c in VERDICT_LIST_COLUMNS
        if c not in (*VERDICT_LIST_STAMPS, *VERDICT_LIST_JSON) or c == iso_utc_except
    ]
    texts = {
        **{f"{name}_iso": IsoUtc(F(name)) for name in VERDICT_LIST_STAMPS},
        **{f"{name}_json": Cast(name, TextField()) for name in VERDICT_LIST_JSON},
    }
    return qs.annotate(**texts).values_list(*kept, *texts, named=True)


def verdict_withdrawn_q() -> Q:
    """Once published, no longer current: replaced by a correction, or withdrawn pending one."""
    return Q(published_at__isnull=False, is_current=False)


class ExportArticle:
    """The article fields an export row shows: a plain object, not a model instance."""

    __slots__ = ("author", "pk", "published_on", "source", "title", "url")

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)


class ExportClaim:
    __slots__ = ("article", "article_id", "entities", "kind", "pk", "speaker", "text")

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)


class ExportVerdict:
    """A verdict as the exports read it: the attributes of a Verdict with ``claim`` and
    ``claim.article`` loaded, built from one tuple instead of three model instances."""

    __slots__ = (
        "claim", "claim_id", "correction", "created_at", "evidence_urls", "explanation", "id",
        "is_current", "pk", "published_at", "rating", "superseded_by_id", "updated_at",
    )  # fmt: skip

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)

    published_at: Any
    is_current: bool

    @property
    def is_published(self) -> bool:
        """As ``Verdict.is_published``."""
        return self.published_at is not None and self.is_current


_EXPORT_FIELDS = (
    "id", "claim_id", "rating", "explanation", "evidence_urls", "is_current", "published_at",
    "created_at", "updated_at", "correction", "superseded_by_id", "claim__text", "claim__kind", "claim__speaker", "claim__entities",
    "claim__article_id", "claim__article__title", "claim__article__url",
    "claim__article__source", "claim__article__author", "claim__article__published_on",
)  # fmt: skip


def _export_verdict(row: tuple[Any, ...]) -> ExportVerdict:
    (pk, claim_id, rating, explanation, evidence_urls, is_current, published_at, created_at,
     updated_at, correction, superseded_by_id, text, kind, speaker, entities, article_id, title, url, source, author,
     published_on) = row  # fmt: skip
    article = ExportArticle(
        pk=article_id, title=title, url=url, source=source, author=author,
        published_on=published_on,
    )  # fmt: skip
    claim = ExportClaim(
        pk=claim_id, article_id=article_id, text=text, kind=kind, speaker=speaker,
        entities=entities, article=article,
    )  # fmt: skip
    return ExportVerdict(
        pk=pk, id=pk, claim_id=claim_id, rating=rating, explanation=explanation,
        evidence_urls=evidence_urls, is_current=is_current, published_at=published_at,
        created_at=created_at, updated_at=updated_at, claim=claim, correction=correction,
        superseded_by_id=superseded_by_id,
    )  # fmt: skip


def verdict_export_iter(*, filters: VerdictApiFilters, chunk_size: int) -> Iterator[Any]:
    """Published verdicts matching ``filters`` (and, with ``include_withdrawn``, those withdrawn
    since), oldest first, read ``chunk_size`` rows at a time.

    Keyset pagination on the primary key: memory stays flat whatever the row count, no cursor is
    held open while a slow client downloads, and each verdict comes at most once even while
    verdicts are added (new ones have higher ids and come at the end). Rows are read as tuples
    (one join, no model instances) and handed out as ExportVerdict objects, which have the
    attributes of a Verdict with its claim and article that the export rows read."""
    qs = (
        verdict_api_list(filters=replace(filters, published_only=True))
        .order_by("id")
        .values_list(*_EXPORT_FIELDS)
    )
    last_id = 0
    while True:
        chunk = list(qs.filter(id__gt=last_id)[:chunk_size])
        for row in chunk:
            yield _export_verdict(row)
        if len(chunk) < chunk_size:
            return
        last_id = chunk[-1][0]
