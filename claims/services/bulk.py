"""Many articles at once, from a JSONL or CSV file (``manage.py ingest``, the bulk API): each line
stored through the same services as one article, with a result per line."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError

from claims.services.articles import DuplicateArticle
from claims.services.fetching import article_ingest
from claims.sources import ArticleDraft, SourceError


@dataclass(frozen=True)
class LineResult:
    origin: str  # "file.csv:3", or the URL or file name
    line: int | None
    # "created": stored and queued for the split; "fetching": stored, its URL to be fetched.
    result: Literal["created", "fetching", "duplicate", "error"]
    article_id: int | None = None
    detail: str = ""


@dataclass
class BulkSummary:
    lines: list[LineResult] = field(default_factory=list)

    def count(self, *results: str) -> int:
        return sum(1 for line in self.lines if line.result in results)

    @property
    def created(self) -> int:
        return self.count("created", "fetching")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def errors(self) -> int:
        return self.count("error")

    def text(self) -> str:
        return f"created {self.created}, duplicates {self.duplicates}, errors {self.errors}"


def articles_ingest_drafts(
    *,
    drafts: Iterable[ArticleDraft | SourceError],
    ingested_by: Any = None,
    default_source: str = "",
    via: str = "bulk",
) -> BulkSummary:
    """Store each draft (text, or a URL to fetch); a broken line is reported and the rest go on.
    Not idempotent, but safe to re-run: what is already stored comes back as ``duplicate``."""
    summary = BulkSummary()
    for draft in drafts:
        summary.lines.append(_ingest_one(draft, ingested_by, default_source, via))
    return summary


def _ingest_one(
    draft: ArticleDraft | SourceError, ingested_by: Any, default_source: str, via: str
) -> LineResult:
    if isinstance(draft, SourceError):
        return LineResult(draft.origin, draft.line, "error", detail=draft.message)
    try:
        article = article_ingest(
            body=draft.body,
            url=draft.url,
            title=draft.title,
            source=draft.source or default_source,
            author=draft.author,
            published_on=draft.published_on,
            ingested_by=ingested_by,
            via=via,
        )
    except DuplicateArticle as exc:
        return LineResult(
            draft.origin, draft.line, "duplicate", exc.existing.pk, " ".join(exc.messages)
        )
    except ValidationError as exc:
        return LineResult(draft.origin, draft.line, "error", detail=" ".join(exc.messages))
    result: Literal["created", "fetching"] = "fetching" if article.is_fetching else "created"
    return LineResult(draft.origin, draft.line, result, article.pk)
