"""Main-text extraction for HTML: fetched pages, uploads and pastes all go through here.

trafilatura finds the article in a page and leaves navigation, footers and cookie banners out; it
also reads the title, author, date and canonical URL from the page's metadata. The markup itself
is never kept, so nothing a page contains is ever rendered."""

import logging
import re
from dataclasses import dataclass
from datetime import date

import trafilatura

from claims.text import clean_text, html_to_text

# Links become their text (trafilatura would cut a paragraph at a link that opens it), and
# <noscript> fallbacks ("enable JavaScript") are never article text.
_LINK_TAG = re.compile(r"</?a\b[^>]*>", re.IGNORECASE)
_NOSCRIPT = re.compile(r"<noscript\b.*?</noscript\s*>", re.IGNORECASE | re.DOTALL)

# trafilatura logs an ERROR for every fragment too small to be a page; the fallback handles those.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class ExtractedPage:
    title: str
    text: str
    author: str = ""
    published_on: date | None = None
    canonical_url: str = ""


def html_extract(html: str, *, url: str | None = None) -> ExtractedPage:
    """The article in ``html``: its main text (paragraphs separated by blank lines) and metadata.

    When trafilatura finds no main text (a fragment, a page of one short paragraph), the whole
    page's text is taken instead, scripts and styles dropped; ``text`` is empty only for a page
    with no text at all. Pure."""
    # No url given to trafilatura: it would report that instead of the page's canonical link.
    cleaned = _LINK_TAG.sub("", _NOSCRIPT.sub("", html))
    document = trafilatura.bare_extraction(
        cleaned, with_metadata=True, include_comments=False, include_tables=True
    )
    text = ""
    meta: dict[str, object] = {}
    if document is not None:
        meta = document if isinstance(document, dict) else document.as_dict()
        raw = str(meta.get("text") or "")
        # trafilatura puts one newline between paragraphs; the extractor reads blank lines.
        text = clean_text("\n\n".join(line for line in raw.split("\n") if line.strip()))
    fallback_title, fallback_text = html_to_text(cleaned)
    if not text:
        text = fallback_text
    title = " ".join(str(meta.get("title") or "").split()) or fallback_title
    return ExtractedPage(
        title=title[:500],
        text=text,
        author=" ".join(str(meta.get("author") or "").split())[:200],
        published_on=_date(meta.get("date")),
        canonical_url=_canonical(meta.get("url"), url),
    )


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _canonical(value: object, fetched_from: str | None) -> str:
    # trafilatura reports the page's <link rel=canonical> (or og:url), else the URL it was given.
    candidate = str(value or "")
    if candidate.startswith(("http://", "https://")):
        return candidate
    return fetched_from or ""
