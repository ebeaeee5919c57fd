"""Published verdicts for partners, whatever their number: CSV, NDJSON, ClaimReview NDJSON and a
ClaimReview DataFeed, streamed in chunks (constant memory), filtered as the verdict list is.

The row generators are pure: they take any iterable of verdicts and yield text, so the view
decides how the verdicts are read (in chunks) and the response streams what comes out. On
PostgreSQL the view reads ready text instead (``selectors.verdict_export_text_rows``) and
``claims.api.export_lines`` writes the same lines from it, four to five times as fast.
"""

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain
from typing import Any

from django.conf import settings
from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from claims import selectors
from claims.api import export_lines
from claims.api.base import BaseApi
from claims.api.claimreview import (
    CLAIMREVIEW_FEED_SCHEMA,
    JSON_LD,
    SCHEMA_ORG,
    Publisher,
    claimreview_build,
    iso_datetime,
)
from claims.api.errors import errors
from claims.api.export_lines import formula_guard
from claims.api.verdicts import VerdictFilterSerializer, verdict_filters
from claims.authentication import ExportRateThrottle
from claims.models import CLAIMREVIEW_RATING_VALUES, Rating, Verdict

CSV_COLUMNS = (
    "verdict_id", "url", "rating", "rating_label", "rating_value", "explanation", "evidence_urls",
    "published_at", "updated_at", "claim_id", "claim_text", "claim_kind", "speaker", "article_id",
    "article_title", "article_url", "article_source", "article_author", "article_published_on",
)  # fmt: skip


# --- Rows -------------------------------------------------------------------------------------


def verdict_export_row(verdict: Verdict, *, publisher: Publisher) -> dict[str, Any]:
    """One verdict as a flat record, the same in NDJSON and (joined) CSV."""
    claim = verdict.claim
    article = claim.article
    return {
        "verdict_id": verdict.pk,
        "url": publisher.permalink(verdict),
        "rating": verdict.rating,
        "rating_label": Rating(verdict.rating).label,
        "rating_value": CLAIMREVIEW_RATING_VALUES[verdict.rating],
        "explanation": verdict.explanation,
        "evidence_urls": list(verdict.evidence_urls),
        "published_at": iso_datetime(verdict.published_at),
        "updated_at": iso_datetime(verdict.updated_at),
        "claim_id": claim.pk,
        "claim_text": claim.text,
        "claim_kind": claim.kind,
        "speaker": claim.speaker,
        "article_id": article.pk,
        "article_title": article.title,
        "article_url": article.url,
        "article_source": article.source,
        "article_author": article.author,
        "article_published_on": article.published_on.isoformat() if article.published_on else None,
        **correction_fields(verdict, url=publisher.permalink(verdict)),
    }


def correction_fields(verdict: Verdict, *, url: str) -> dict[str, Any]:
    """The stable ClaimReview @id and, on a correction, when and what it changed (NDJSON only)."""
    correction = verdict.correction or None
    return {
        "claimreview_id": url + "#claimreview",
        "date_modified": iso_datetime(verdict.published_at) if correction else None,
        "correction": correction,
    }


def withdrawn_row(verdict: Verdict, *, publisher: Publisher) -> dict[str, Any]:
    """A verdict once published and since replaced: ids and times only, for a partner to drop
    it (or replace it by the correction in the same pull)."""
    return {
        "verdict_id": verdict.pk,
        "claim_id": verdict.claim_id,
        "claimreview_id": publisher.permalink(verdict) + "#claimreview",
        "withdrawn": True,
        "superseded_by": verdict.superseded_by_id,
        "updated_at": iso_datetime(verdict.updated_at),
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return formula_guard(value) if isinstance(value, str) else str(value)


class _Echo:
    """A file-like object that hands back what csv.writer writes, one row at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Each row as one line of CSV, as it comes: a streamed response never holds them all."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)


def csv_guarded_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """As ``csv_lines``, with every cell through the formula guard: for rows straight from the
    database (the admin's claim export), whose text cells may start with "=" or "+"."""
    return csv_lines([_csv_cell(value) for value in row] for row in rows)


def _csv_rows(verdicts: Iterable[Verdict], publisher: Publisher) -> Iterator[Sequence[str]]:
    yield CSV_COLUMNS
    for verdict in verdicts:
        row = verdict_export_row(verdict, publisher=publisher)
        yield [_csv_cell(row[column]) for column in CSV_COLUMNS]


def csv_stream(verdicts: Iterable[Verdict], *, publisher: Publisher) -> Iterator[str]:
    return csv_lines(_csv_rows(verdicts, publisher))


def ndjson_stream(verdicts: Iterable[Verdict], *, publisher: Publisher) -> Iterator[str]:
    for verdict in verdicts:
        row = (
            verdict_export_row(verdict, publisher=publisher)
            if verdict.is_published
            else withdrawn_row(verdict, publisher=publisher)
        )
        yield json.dumps(row, ensure_ascii=False) + "\n"


def claimreview_ndjson_stream(
    verdicts: Iterable[Verdict], *, publisher: Publisher
) -> Iterator[str]:
    for verdict in verdicts:
        yield json.dumps(claimreview_build(verdict, publisher=publisher), ensure_ascii=False) + "\n"


def claimreview_feed_stream(
    verdicts: Iterable[Verdict], *, publisher: Publisher, now: datetime
) -> Iterator[str]:
    """A schema.org DataFeed of ClaimReviews, written piece by piece: one valid JSON document
    that is never held in memory whole."""
    return claimreview_feed_items_stream(
        (
            json.dumps(
                claimreview_build(verdict, publisher=publisher, with_context=False),
                ensure_ascii=False,
            )
            for verdict in verdicts
        ),
        now=now,
    )


def claimreview_feed_items_stream(items: Iterable[str], *, now: datetime) -> Iterator[str]:
    """The DataFeed around ClaimReview items already written as JSON text."""
    head = {
        "@context": SCHEMA_ORG,
        "@type": "DataFeed",
        "dateModified": iso_datetime(now),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataFeedElement": ['
    separator = "\n"
    for item in items:
        yield separator + item
        separator = ",\n"
    yield "\n]}\n"


def _batched(lines: Iterator[str], size: int) -> Iterator[str]:
    """Lines joined ``size`` at a time: the server writes one block per batch, not per row."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) == size:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


# --- Views ------------------------------------------------------------------------------------


class FirstRendererNegotiation(BaseContentNegotiation):
    """An export is what its URL says, whatever the Accept header asks."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class BaseExportApi(BaseApi):
    """Published verdicts, streamed as the export's format in chunks: constant memory."""

    queryset = Verdict.objects.none()
    throttle_classes = [ExportRateThrottle]
    content_negotiation_class = FirstRendererNegotiation
    renderer_classes = [JSONRenderer]  # for errors; the export itself is streamed text
    content_type = ""
    filename = ""
    # With updated_since, also the verdicts withdrawn or corrected since (as withdrawn rows).
    carries_withdrawals = False

    class FilterSerializer(VerdictFilterSerializer):
        pass

    def rows(self, verdicts: Iterable[Verdict], publisher: Publisher) -> Iterator[str]:
        raise NotImplementedError

    def text_rows(
        self, rows: Iterable[selectors.ExportTextRow], publisher: Publisher
    ) -> Iterator[str]:
        """What ``rows`` writes, from the rows PostgreSQL formatted (the same text)."""
        raise NotImplementedError

    def lines(self, filters: selectors.VerdictApiFilters, publisher: Publisher) -> Iterator[str]:
        chunk_size = settings.FACTCHECK_API_EXPORT_CHUNK_SIZE
        if selectors.database_writes_text():
            text_rows = selectors.verdict_export_text_rows(filters=filters, chunk_size=chunk_size)
            return self.text_rows(text_rows, publisher)
        verdicts = selectors.verdict_export_iter(filters=filters, chunk_size=chunk_size)
        return self.rows(verdicts, publisher)

    def get(self, request: Request) -> HttpResponseBase:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        lines = self.lines(
            verdict_filters(
                f,
                published_only=True,
                include_withdrawn=self.carries_withdrawals and f.get("updated_since") is not None,
            ),
            Publisher.from_settings(),
        )
        response = StreamingHttpResponse(
            # A block never waits on a second read of the database: at most one chunk of rows.
            _batched(lines, min(256, settings.FACTCHECK_API_EXPORT_CHUNK_SIZE)),
            content_type=self.content_type,
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        response["Cache-Control"] = "no-store"
        return response


def _export_schema(
    operation_id: str, media_type: str, description: str, schema: Any = OpenApiTypes.STR
) -> Any:
    return extend_schema(
        operation_id=operation_id,
        parameters=[VerdictFilterSerializer],
        responses={
            (200, media_type): OpenApiResponse(schema, description=description),
            **errors(400),
        },
    )


class VerdictCsvExportApi(BaseExportApi):
    content_type = "text/csv; charset=utf-8"
    filename = "verdicts.csv"

    @_export_schema(
        "export_verdicts_csv",
        "text/csv",
        "Published verdicts, one CSV row each, after a header row.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: Publisher) -> Iterator[str]:
        return csv_stream(verdicts, publisher=publisher)

    def text_rows(
        self, rows: Iterable[selectors.ExportTextRow], publisher: Publisher
    ) -> Iterator[str]:
        return csv_lines(chain([CSV_COLUMNS], export_lines.csv_rows(rows, publisher=publisher)))


class VerdictNdjsonExportApi(BaseExportApi):
    content_type = "application/x-ndjson"
    filename = "verdicts.ndjson"
    carries_withdrawals = True

    @_export_schema(
        "export_verdicts_ndjson",
        "application/x-ndjson",
        "Published verdicts, one JSON object per line; a correction carries date_modified and "
        "correction. With updated_since, a verdict withdrawn or corrected since comes as "
        '{"verdict_id", "claim_id", "claimreview_id", "withdrawn": true, "superseded_by", '
        '"updated_at"}.',
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: Publisher) -> Iterator[str]:
        return ndjson_stream(verdicts, publisher=publisher)

    def text_rows(
        self, rows: Iterable[selectors.ExportTextRow], publisher: Publisher
    ) -> Iterator[str]:
        return export_lines.ndjson_lines(rows, publisher=publisher)


class ClaimReviewNdjsonExportApi(BaseExportApi):
    content_type = "application/x-ndjson"
    filename = "claimreview.ndjson"

    @_export_schema(
        "export_claimreview_ndjson",
        "application/x-ndjson",
        "One schema.org ClaimReview (JSON-LD) per line.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: Publisher) -> Iterator[str]:
        return claimreview_ndjson_stream(verdicts, publisher=publisher)

    def text_rows(
        self, rows: Iterable[selectors.ExportTextRow], publisher: Publisher
    ) -> Iterator[str]:
        return (line + "\n" for line in export_lines.claimreview_lines(rows, publisher=publisher))


class ClaimReviewFeedExportApi(BaseExportApi):
    content_type = JSON_LD
    filename = "claimreview.json"

    @_export_schema(
        "export_claimreview_feed",
        JSON_LD,
        "A schema.org DataFeed whose dataFeedElement are ClaimReviews.",
        CLAIMREVIEW_FEED_SCHEMA,
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: Publisher) -> Iterator[str]:
        return claimreview_feed_stream(verdicts, publisher=publisher, now=timezone.now())

    def text_rows(
        self, rows: Iterable[selectors.ExportTextRow], publisher: Publisher
    ) -> Iterator[str]:
        items = export_lines.claimreview_lines(rows, publisher=publisher, with_context=False)
        return claimreview_feed_items_stream(items, now=timezone.now())
