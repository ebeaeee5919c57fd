"""schema.org ClaimReview for verdicts, and the OpenAPI schema that documents it.

Pure functions of a verdict (with its claim and article loaded) and the publishing organisation:
no queries, no HTTP. Used by the API (one verdict, the exports) and by the claim page's JSON-LD.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, reverse
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
JSON_LD = "application/ld+json"
# spaCy entity labels that name an organisation rather than a person.
ORGANIZATION_LABELS = {"ORG", "NORP", "GPE", "FAC"}


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
        return self.base_url.rstrip("/") + _claim_path(get_script_prefix()) % verdict.claim_id


@lru_cache(maxsize=8)
def _claim_path(script_prefix: str) -> str:
    """The claim page's path with %d for the id: reverse() once, not per row of an export."""
    return reverse("claims:claim", args=[0]).replace("/0/", "/%d/")


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


# --- The OpenAPI schema of what claimreview_build returns ---------------------------------------

_THING = {"type": "object", "properties": {"@type": {"type": "string"}, "name": {"type": "string"}}}
CLAIMREVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A schema.org ClaimReview (https://schema.org/ClaimReview).",
    "required": [
        "@type",
        "url",
        "claimReviewed",
        "author",
        "datePublished",
        "reviewRating",
        "itemReviewed",
    ],  # fmt: skip
    "properties": {
        "@context": {"type": "string", "enum": [SCHEMA_ORG]},
        "@type": {"type": "string", "enum": ["ClaimReview"]},
        "url": {"type": "string", "format": "uri"},
        "claimReviewed": {"type": "string"},
        "author": _THING,
        "datePublished": {"type": "string", "format": "date-time"},
        "reviewBody": {"type": "string"},
        "reviewRating": {
            "type": "object",
            "required": ["@type", "bestRating", "worstRating", "alternateName"],
            "properties": {
                "@type": {"type": "string", "enum": ["Rating"]},
                "ratingValue": {"type": "integer", "minimum": 1, "maximum": 5},
                "bestRating": {"type": "integer"},
                "worstRating": {"type": "integer"},
                "alternateName": {"type": "string"},
            },
        },
        "itemReviewed": {
            "type": "object",
            "required": ["@type"],
            "properties": {
                "@type": {"type": "string", "enum": ["Claim"]},
                "author": _THING,
                "datePublished": {"type": "string", "format": "date"},
                "appearance": {
                    "type": "object",
                    "properties": {
                        "@type": {"type": "string"},
                        "url": {"type": "string"},
                        "headline": {"type": "string"},
                        "publisher": _THING,
                    },
                },
            },
        },
    },
}


CLAIMREVIEW_FEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A schema.org DataFeed (https://schema.org/DataFeed) of ClaimReviews.",
    "required": ["@context", "@type", "dateModified", "dataFeedElement"],
    "properties": {
        "@context": {"type": "string", "enum": [SCHEMA_ORG]},
        "@type": {"type": "string", "enum": ["DataFeed"]},
        "dateModified": {"type": "string", "format": "date-time"},
        "dataFeedElement": {"type": "array", "items": CLAIMREVIEW_SCHEMA},
    },
}
