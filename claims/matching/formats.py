"""Reading other outlets' fact-checks: ClaimReview JSON-LD (a page, a DataFeed, NDJSON) and the
``verified_claims.jsonl`` format of the claim-matching data. Pure Python, no Django.

``parse_factchecks`` returns the records it could read and, for each line or block it could not,
an error naming it, so an import stores the good ones and reports every bad one.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

MAX_CLAIM_CHARS = 5000
_LD_JSON = re.compile(
    r"<script[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class FactCheckRecord:
    source_key: str
    claim_reviewed: str
    title: str = ""
    rating: str = ""
    outlet: str = ""
    url: str = ""
    reviewed_on: date | None = None


@dataclass(frozen=True)
class ParseError:
    where: str  # "line 12", "JSON-LD block 2"
    reason: str


def parse_factchecks(
    text: str, *, default_outlet: str = ""
) -> tuple[list[FactCheckRecord], list[ParseError]]:
    """Every fact-check in ``text`` and an error for every part that is not one."""
    records: list[FactCheckRecord] = []
    errors: list[ParseError] = []
    stripped = text.lstrip()
    if stripped.startswith("<"):
        for number, block in enumerate(_LD_JSON.findall(text), start=1):
            _read_document(block, f"JSON-LD block {number}", default_outlet, records, errors)
        if not records and not errors:
            errors.append(ParseError("page", "no ClaimReview JSON-LD found"))
        return records, errors
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, (dict, list)):
        _read_document(document, "document", default_outlet, records, errors)
        return records, errors
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            _read_document(line, f"line {number}", default_outlet, records, errors)
    return records, errors


def _read_document(
    raw: str | dict[str, Any] | list[Any],
    where: str,
    default_outlet: str,
    records: list[FactCheckRecord],
    errors: list[ParseError],
) -> None:
    try:
        document = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError as exc:
        errors.append(ParseError(where, f"not JSON ({exc.msg})"))
        return
    found = 0
    for item in _items(document):
        try:
            record = _record(item, default_outlet)
        except ValueError as exc:
            errors.append(ParseError(where, str(exc)))
            continue
        if record is not None:
            records.append(record)
            found += 1
    if not found and not any(e.where == where for e in errors):
        errors.append(ParseError(where, "no ClaimReview or verified claim in it"))


def _items(document: Any) -> Iterator[dict[str, Any]]:
    """ClaimReview-like objects, looking inside lists, ``@graph`` and DataFeed elements."""
    if isinstance(document, list):
        for element in document:
            yield from _items(element)
    elif isinstance(document, dict):
        if "@graph" in document:
            yield from _items(document["@graph"])
        elif _type(document) == "DataFeed":
            yield from _items(document.get("dataFeedElement", []))
        elif _type(document) == "DataFeedItem":
            yield from _items(document.get("item", []))
        else:
            yield document


def _type(item: dict[str, Any]) -> str:
    kind = item.get("@type", "")
    return kind[0] if isinstance(kind, list) and kind else str(kind)


def _record(item: dict[str, Any], default_outlet: str) -> FactCheckRecord | None:
    if _type(item) == "ClaimReview":
        claim = _text(item.get("claimReviewed"))
        if not claim:
            raise ValueError("ClaimReview without claimReviewed")
        rating = item.get("reviewRating") or {}
        author = item.get("author") or {}
        if isinstance(author, list):
            author = author[0] if author else {}
        url = _text(item.get("url"))
        outlet = _text(author.get("name") if isinstance(author, dict) else author)
        key = url or hashlib.sha256(f"{outlet}\n{claim}".encode()).hexdigest()
        return FactCheckRecord(
            source_key=f"claimreview:{key}"[:600],
            claim_reviewed=claim[:MAX_CLAIM_CHARS],
            title=_text(item.get("headline") or item.get("name"))[:MAX_CLAIM_CHARS],
            rating=_text(rating.get("alternateName") if isinstance(rating, dict) else "")[:200],
            outlet=(outlet or default_outlet)[:200],
            url=url[:2000] if url.startswith(("http://", "https://")) else "",
            reviewed_on=_date(item.get("datePublished")),
        )
    if "@type" not in item and "claim" in item and "id" in item:
        claim = _text(item.get("claim"))
        if not claim:
            raise ValueError("verified claim with an empty claim")
        return FactCheckRecord(
            source_key=f"verified_claims:{item['id']}"[:600],
            claim_reviewed=claim[:MAX_CLAIM_CHARS],
            title=_text(item.get("title"))[:MAX_CLAIM_CHARS],
            outlet=default_outlet[:200],
        )
    return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) else ""


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
