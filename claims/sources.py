"""Reading articles from files for ``manage.py ingest`` and ``POST /api/v1/articles/bulk``:
.txt, .html, .jsonl and .csv files, and URLs (stored to be fetched by a worker, never here)."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from claims.html_extract import html_extract
from claims.text import decode_upload, looks_like_html, title_from_text

JSONL_FIELDS = {"title", "body", "text", "url", "source", "author", "published_on", "published"}
BULK_FORMATS = ("jsonl", "csv")


@dataclass
class ArticleDraft:
    """What a source says about one article, before the service checks and stores it. A draft
    with a URL and no body is fetched by a worker."""

    origin: str  # "file.jsonl:12" or the URL, for messages
    body: str
    title: str = ""
    url: str | None = None
    source: str = ""
    author: str = ""
    published_on: date | None = None
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class SourceError(Exception):
    """One source (a file, a URL, a line) could not be read; says where and why."""

    def __init__(self, origin: str, message: str, *, line: int | None = None) -> None:
        self.origin = origin
        self.line = line
        self.message = message
        super().__init__(f"{origin}: {message}")


def read_source(location: str, *, max_bytes: int) -> Iterator[ArticleDraft | SourceError]:
    """Yield the articles in a file, or one to fetch from a URL; a bad part yields a SourceError
    and reading goes on."""
    if location.startswith(("http://", "https://")):
        yield ArticleDraft(origin=location, body="", url=location)
        return
    path = Path(location)
    if not path.is_file():
        yield SourceError(location, "no such file")
        return
    suffix = path.suffix.lower()
    if path.stat().st_size > max_bytes and suffix not in (".jsonl", ".csv"):
        yield SourceError(location, f"larger than {max_bytes:,} bytes")
        return
    if suffix == ".jsonl":
        with path.open("rb") as handle:
            yield from drafts_from_jsonl(handle, origin=str(path))
    elif suffix == ".csv":
        try:
            text = decode_upload(path.read_bytes(), name=path.name)
        except ValidationError as exc:
            yield SourceError(location, " ".join(exc.messages))
            return
        yield from drafts_from_csv(text, origin=str(path))
    elif suffix in (".txt", ".html", ".htm"):
        try:
            text = decode_upload(path.read_bytes(), name=path.name)
        except ValidationError as exc:
            yield SourceError(location, " ".join(exc.messages))
            return
        yield _draft_from_text(location, text, is_html=suffix != ".txt")
    else:
        yield SourceError(
            location, f"unsupported file type “{suffix}” (use .txt, .html, .jsonl or .csv)"
        )


def drafts_from_bytes(
    data: bytes, *, fmt: str, origin: str
) -> Iterator[ArticleDraft | SourceError]:
    """The articles in a JSONL or CSV file held in memory (an API upload), line by line."""
    if fmt == "jsonl":
        yield from drafts_from_jsonl(io.BytesIO(data), origin=origin)
        return
    try:
        text = decode_upload(data, name=origin)
    except ValidationError as exc:
        yield SourceError(origin, " ".join(exc.messages))
        return
    yield from drafts_from_csv(text, origin=origin)


def _draft_from_text(origin: str, text: str, *, is_html: bool) -> ArticleDraft:
    if is_html or looks_like_html(text):
        page = html_extract(text)
        return ArticleDraft(
            origin=origin, body=page.text, title=page.title or title_from_text(page.text),
            author=page.author, published_on=page.published_on,
        )  # fmt: skip
    return ArticleDraft(origin=origin, body=text, title=title_from_text(text))


def drafts_from_csv(text: str, *, origin: str) -> Iterator[ArticleDraft | SourceError]:
    """Rows of a CSV file with a header naming the columns (those of a JSONL line)."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = set(header) - JSONL_FIELDS
    if not header or unknown:
        what = f"unknown column(s): {', '.join(sorted(unknown))}" if unknown else "no header row"
        yield SourceError(f"{origin}:1", what, line=1)
        return
    reader.fieldnames = header
    try:
        for row in reader:
            number = reader.line_num
            if None in row:
                yield SourceError(f"{origin}:{number}", "more cells than columns", line=number)
                continue
            record = {k: v for k, v in row.items() if v not in (None, "")}
            yield _draft_from_record(f"{origin}:{number}", record, line=number)
    except csv.Error as exc:
        yield SourceError(
            f"{origin}:{reader.line_num}", f"not valid CSV ({exc})", line=reader.line_num
        )


def drafts_from_jsonl(
    lines: Iterable[bytes], *, origin: str
) -> Iterator[ArticleDraft | SourceError]:
    """One JSON object per line."""
    for number, raw in enumerate(lines, start=1):
        where = f"{origin}:{number}"
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield SourceError(where, f"not a JSON line ({exc})", line=number)
            continue
        yield _draft_from_record(where, record, line=number)


def _draft_from_record(origin: str, record: Any, *, line: int) -> ArticleDraft | SourceError:
    if not isinstance(record, dict):
        return SourceError(origin, "each line must be a JSON object", line=line)
    unknown = set(record) - JSONL_FIELDS
    if unknown:
        return SourceError(origin, f"unknown field(s): {', '.join(sorted(unknown))}", line=line)
    for key in ("title", "body", "text", "url", "source", "author", "published_on", "published"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return SourceError(origin, f"“{key}” must be a string", line=line)
    body = record.get("body", record.get("text")) or ""
    if not body.strip() and not (record.get("url") or "").strip():
        return SourceError(origin, "needs a “text” (or “body”) or a “url”", line=line)
    published = None
    when = record.get("published_on") or record.get("published")
    if when:
        try:
            published = date.fromisoformat(when[:10])
        except ValueError:
            return SourceError(origin, "“published_on” must be a date like 2024-05-31", line=line)
    title = record.get("title") or ""
    if looks_like_html(body):  # markup is never stored: the main text is
        page = html_extract(body)
        body, title = page.text, title or page.title
    return ArticleDraft(
        origin=origin,
        line=line,
        body=body,
        title=title,
        url=record.get("url") or None,
        source=record.get("source") or "",
        author=record.get("author") or "",
        published_on=published,
    )
