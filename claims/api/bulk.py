"""POST /api/v1/articles/bulk: a JSONL or CSV file of articles (text, or a URL to fetch), with a
result for each line. Re-sending the same file stores nothing twice."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims import services
from claims.api.base import BaseApi
from claims.api.errors import errors
from claims.models import Article
from claims.sources import drafts_from_bytes


class _RawParser(BaseParser):
    """The body as bytes, for the view to read line by line."""

    format = ""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return stream.read() if stream is not None else b""


class JsonLinesParser(_RawParser):
    media_type = "application/x-ndjson"
    format = "jsonl"


class JsonLinesAltParser(_RawParser):
    media_type = "application/jsonl"
    format = "jsonl"


class CsvParser(_RawParser):
    media_type = "text/csv"
    format = "csv"


class BulkLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="1-based line number in the file")
    result = serializers.ChoiceField(choices=["created", "fetching", "duplicate", "error"])
    id = serializers.IntegerField(
        allow_null=True, help_text="the article stored, or the one it duplicates"
    )
    detail = serializers.CharField()


class ArticleBulkApi(BaseApi):
    """Ingest many articles from one file (200 with a result per line; 400 when no line at all
    could be read): ``Content-Type: application/x-ndjson`` (or
    ``application/jsonl``) for JSON lines, ``text/csv`` for CSV with a header row. Fields (or
    columns): title, text (or body) or url, source, author, published_on (or published)."""

    queryset = Article.objects.none()
    parser_classes = [JsonLinesParser, JsonLinesAltParser, CsvParser]

    class OutputSerializer(serializers.Serializer):
        created = serializers.IntegerField()
        duplicates = serializers.IntegerField()
        errors = serializers.IntegerField()  # type: ignore[assignment]
        lines = BulkLineSerializer(many=True)

    @extend_schema(
        operation_id="articles_bulk",
        request={"application/x-ndjson": str, "text/csv": str},
        responses={200: OutputSerializer, **errors(400, 413, 415)},
        examples=[
            OpenApiExample(
                "JSON lines",
                request_only=True,
                media_type="application/x-ndjson",
                value='{"title": "Budget", "text": "The deficit fell to 3%."}\n'
                '{"url": "https://example.org/news/1"}',
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = request.data
        media = (request.content_type or "").split(";")[0].strip().lower()
        fmt = "csv" if media == "text/csv" else "jsonl"
        if not isinstance(data, bytes) or not data.strip():
            raise exceptions.ValidationError({"body": ["The file is empty."]})
        limit = settings.FACTCHECK_BULK_MAX_LINES
        if data.count(b"\n") + 1 > limit + 1:  # a header row (CSV) or a final newline is allowed
            raise exceptions.ValidationError(
                {"body": [f"The file has more than {limit:,} lines; split it."]}
            )
        summary = services.articles_ingest_drafts(
            drafts=drafts_from_bytes(data, fmt=fmt, origin="line"),
            ingested_by=request.user,
            via="api-bulk",
        )
        lines = [
            {"line": r.line, "result": r.result, "id": r.article_id, "detail": r.detail}
            for r in summary.lines
        ]
        body = {
            "created": summary.created,
            "duplicates": summary.duplicates,
            "errors": summary.errors,
            "lines": lines,
        }
        if summary.errors == len(summary.lines):
            # Nothing readable at all (a wrong header, not JSON lines): refused as a whole.
            raise exceptions.ValidationError(
                {"body": [f"line {r.line or '?'}: {r.detail}" for r in summary.lines[:20]]}
            )
        return Response(body, status=status.HTTP_200_OK)
