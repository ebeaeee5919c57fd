"""schema.org ClaimReview for verdicts, and the rows of the streamed exports.

Pure functions of a verdict (with its claim and article loaded) and the publishing organisation:
no queries, no HTTP. The export generators take any iterable of verdicts and yield text, so the
view decides how the verdicts are read (in chunks) and the response streams what comes out.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from claims.models import (
    CLAIMREVIEW_BEST_RATING,
    CLAIMREVIEW_RATING_VALUES,
    CLAIMREVIEW_WORST_RATING,
    Claim,
    Rating,
    Verdict,
)

SCHEMA_ORG = "https://schema.org"
# spaCy entity labels that name an organisation rather than a person.
ORGANIZATION_LABELS = {"ORG", "NORP", "GPE", "FAC"}
CSV_COLUMNS = (
    "verdict_id", "url", "rating", "rating_label", "rating_value", "explanation", "evidence_urls",
    "published_at", "updated_at", "claim_id", "claim_text", "claim_kind", "speaker", "article_id",
    "article_title", "article_url", "article_source", "article_author", "article_published_on",
)  # fmt: skip
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Publisher:
    """Who publishes the fact-checks, and the public site their permalinks point at."""

    name: str
    url: str
    base_url: str

    @classmethod
    def from_settings(cls) -> "Publisher":
        return cls(
            name=settings.FACTCHECK_ORGANIZATION_NAME,
            url=settings.FACTCHECK_ORGANIZATION_URL,
            base_url=settings.FACTCHECK_PUBLIC_BASE_URL,
        )

    def permalink(self, verdict: Verdict) -> str:
        return self.base_url.rstrip("/") + reverse("claims:claim", args=[verdict.claim_id])


def iso_datetime(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as the JSON API writes it, so exports and API agree exactly."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def _claim_author(claim: Claim) -> dict[str, str] | None:
    article = claim.article
    if claim.speaker:
        is_org = any(
            e.get("label") in ORGANIZATION_LABELS and e.get("text") == claim.speaker
            for e in claim.entities
            if isinstance(e, dict)
        )
        return {"@type": "Organization" if is_org else "Person", "name": claim.speaker}
    # No speaker found in the text: the claim is the article's own.
    if article.author:
        return {"@type": "Person", "name": article.author}
    if article.source:
        return {"@type": "Organization", "name": article.source}
    return None


def claimreview_rating(verdict: Verdict) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating"}
    value = CLAIMREVIEW_RATING_VALUES[verdict.rating]
    # Unverifiable has no place on the 1..5 scale: it is named, not scored.
    if value is not None:
        rating["ratingValue"] = value
    rating["bestRating"] = CLAIMREVIEW_BEST_RATING
    rating["worstRating"] = CLAIMREVIEW_WORST_RATING
    rating["alternateName"] = Rating(verdict.rating).label
    return rating


def claimreview_build(
    verdict: Verdict, *, publisher: Publisher, with_context: bool = True
) -> dict[str, Any]:
    """The ClaimReview of one verdict. ``with_context=False`` for items nested in a feed."""
    claim = verdict.claim
    article = claim.article
    author: dict[str, str] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        author["url"] = publisher.url
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    if article.source:
        appearance["publisher"] = {"@type": "Organization", "name": article.source}
    item: dict[str, Any] = {"@type": "Claim"}
    claim_author = _claim_author(claim)
    if claim_author:
        item["author"] = claim_author
    if article.published_on:
        item["datePublished"] = article.published_on.isoformat()
    item["appearance"] = appearance

    review: dict[str, Any] = {"@context": SCHEMA_ORG} if with_context else {}
    review.update(
        {
            "@type": "ClaimReview",
            "url": publisher.permalink(verdict),
            "claimReviewed": claim.text,
            "author": author,
            "datePublished": iso_datetime(verdict.published_at or verdict.created_at),
            "reviewRating": claimreview_rating(verdict),
            "reviewBody": verdict.explanation,
            "itemReviewed": item,
        }
    )
    return review


def jsonld_script_content(data: dict[str, Any]) -> SafeString:
    """JSON safe to put between <script type="application/ld+json"> tags: the characters that
    could close the element or open a comment are escaped, as Django's json_script does."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return mark_safe(text)  # noqa: S308 - escaped just above


# --- Export rows ---------------------------------------------------------------------------------


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
    }


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text


class _Line:
    """A file-like object that hands back what csv.writer writes, one row at a time."""

    def write(self, value: str) -> str:
        return value


def csv_stream(verdicts: Iterable[Verdict], *, publisher: Publisher) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for verdict in verdicts:
        row = verdict_export_row(verdict, publisher=publisher)
        yield writer.writerow([_csv_cell(row[column]) for column in CSV_COLUMNS])


def ndjson_stream(verdicts: Iterable[Verdict], *, publisher: Publisher) -> Iterator[str]:
    for verdict in verdicts:
        yield (
            json.dumps(verdict_export_row(verdict, publisher=publisher), ensure_ascii=False) + "\n"
        )


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
    head = {"@context": SCHEMA_ORG, "@type": "DataFeed", "dateModified": iso_datetime(now)}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataFeedElement": ['
    separator = "\n"
    for verdict in verdicts:
        item = claimreview_build(verdict, publisher=publisher, with_context=False)
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"
