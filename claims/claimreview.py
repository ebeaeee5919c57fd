"""schema.org ClaimReview for verdicts: pure functions of a verdict (with its claim and article
loaded) and the publishing organisation; no queries, no HTTP. Used by the API (one verdict, the
exports), the claim page's JSON-LD and the webhooks' payloads (``claims/api/claimreview.py`` adds
the OpenAPI schema).

Every ClaimReview of a claim has the same ``@id`` (the claim's permalink with ``#claimreview``):
a verdict that corrects a published one replaces it under that id, with ``dateModified`` and a
``correction`` saying what changed."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from claims.models import (
    CLAIMREVIEW_BEST_RATING,
    CLAIMREVIEW_RATING_VALUES,
    CLAIMREVIEW_WORST_RATING,
    Claim,
    Rating,
    Verdict,
)
from claims.url_paths import url_path

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
        return self.claim_permalink(verdict.claim_id)

    def claim_permalink(self, claim_id: int) -> str:
        return self.base_url.rstrip("/") + url_path("claims:claim", claim_id)

    def claimreview_id(self, claim_id: int) -> str:
        """The ClaimReview's stable ``@id``: one per claim, kept through corrections."""
        return self.claim_permalink(claim_id) + "#claimreview"


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
    correction = verdict.correction or {}
    published = iso_datetime(verdict.published_at or verdict.created_at)
    review.update(
        {
            "@type": "ClaimReview",
            "@id": publisher.claimreview_id(verdict.claim_id),
            "url": publisher.permalink(verdict),
            "claimReviewed": claim.text,
            "author": author,
            # A correction keeps the first publication's date; its own is dateModified.
            "datePublished": correction.get("first_published_at") or published,
            "reviewRating": claimreview_rating(verdict),
            "reviewBody": verdict.explanation,
            "itemReviewed": item,
        }
    )
    if correction:
        review["dateModified"] = published
        review["correction"] = {
            "@type": "CorrectionComment",
            "text": correction_text(correction),
            "datePublished": published,
        }
    return review


def correction_text(correction: dict[str, Any]) -> str:
    """What a correction changed, in a sentence ("Rating changed from False to Mixed.")."""
    previous = correction.get("previous_rating", "")
    label = Rating(previous).label if previous in Rating.values else previous
    changed = [c for c in correction.get("changed", []) if c != "rating"]
    parts = []
    if "rating" in correction.get("changed", []):
        parts.append(f"Rating changed from {label}")
    else:
        parts.append(f"Rating unchanged ({label})")
    if changed:
        parts.append(f"{' and '.join(changed).replace('_', ' ')} revised")
    return "; ".join(parts) + "."


def jsonld_script_content(data: dict[str, Any]) -> SafeString:
    """JSON safe to put between <script type="application/ld+json"> tags: the characters that
    could close the element or open a comment are escaped, as Django's json_script does."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return mark_safe(text)  # noqa: S308 - escaped just above
