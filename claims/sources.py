"""Reading articles from files and URLs for ``manage.py ingest``: .txt, .html and .jsonl."""

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from claims.text import decode_upload, html_to_text, looks_like_html, title_from_text

JSONL_FIELDS = {"title", "body", "text", "url", "source", "author", "published_on"}
FETCH_TIMEOUT_SECONDS = 20


@dataclass
class ArticleDraft:
    """What a source says about one article, before the service checks and stores it."""

    origin: str  # "file.jsonl:12" or the URL, for messages
    body: str
    title: str = ""
    url: str | None = None
    source: str = ""
    author: str = ""
    published_on: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class SourceError(Exception):
    """One source (a file, a URL, a JSONL line) could not be read; says where and why."""

    def __init__(self, origin: str, message: str) -> None:
        self.origin = origin
        super().__init__(f"{origin}: {message}")


def read_source(location: str, *, max_bytes: int) -> Iterator[ArticleDraft | SourceError]:
    """Yield the articles in a file or at a URL; a bad part yields a SourceError and reading goes on."""
    if location.startswith(("http://", "https://")):
        yield _read_url(location, max_bytes=max_bytes)
        return
    path = Path(location)
    if not path.is_file():
        yield SourceError(location, "no such file")
        return
    if path.stat().st_size > max_bytes and path.suffix.lower() != ".jsonl":
        yield SourceError(location, f"larger than {max_bytes:,} bytes")
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(path)
    elif suffix in (".txt", ".html", ".htm"):
        try:
            text = decode_upload(path.read_bytes(), name=path.name)
        except ValidationError as exc:
            yield SourceError(location, " ".join(exc.messages))
            return
        yield _draft_from_text(location, text, is_html=suffix != ".txt")
    else:
        yield SourceError(location, f"unsupported file type “{suffix}” (use .txt, .html or .jsonl)")


def _draft_from_text(
    origin: str, text: str, *, is_html: bool, url: str | None = None
) -> ArticleDraft:
    if is_html or looks_like_html(text):
        title, body = html_to_text(text)
    else:
        title, body = "", text
    return ArticleDraft(origin=origin, body=body, title=title or title_from_text(body), url=url)


def _read_url(url: str, *, max_bytes: int) -> ArticleDraft | SourceError:
    request = urllib.request.Request(url, headers={"User-Agent": "factcheck-ingest/1"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only, checked above
            data = response.read(max_bytes + 1)
            content_type = response.headers.get_content_type()
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        return SourceError(url, f"could not fetch: {getattr(exc, 'reason', exc)}")
    if len(data) > max_bytes:
        return SourceError(url, f"larger than {max_bytes:,} bytes")
    if content_type not in ("text/html", "text/plain", "application/xhtml+xml"):
        return SourceError(url, f"not an article page (content type {content_type})")
    try:
        text = decode_upload(data, name=url)
    except ValidationError as exc:
        return SourceError(url, " ".join(exc.messages))
    return _draft_from_text(url, text, is_html=content_type != "text/plain", url=url)


def _read_jsonl(path: Path) -> Iterator[ArticleDraft | SourceError]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            origin = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield SourceError(origin, f"not a JSON line ({exc})")
                continue
            yield _draft_from_record(origin, record)


def _draft_from_record(origin: str, record: Any) -> ArticleDraft | SourceError:
    if not isinstance(record, dict):
        return SourceError(origin, "each line must be a JSON object")
    unknown = set(record) - JSONL_FIELDS
    if unknown:
        return SourceError(origin, f"unknown field(s): {', '.join(sorted(unknown))}")
    body = record.get("body", record.get("text"))
    if not isinstance(body, str):
        return SourceError(origin, "needs a string “body” (or “text”)")
    for key in ("title", "url", "source", "author", "published_on"):
        if record.get(key) is not None and not isinstance(record[key], str):
            return SourceError(origin, f"“{key}” must be a string")
    published = None
    if record.get("published_on"):
        try:
            published = date.fromisoformat(record["published_on"][:10])
        except ValueError:
            return SourceError(origin, "“published_on” must be a date like 2024-05-31")
    return ArticleDraft(
        origin=origin,
        body=body,
        title=record.get("title") or "",
        url=record.get("url") or None,
        source=record.get("source") or "",
        author=record.get("author") or "",
        published_on=published,
    )
