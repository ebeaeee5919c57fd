"""schema.org ClaimReview for the API: the builder (``claims.claimreview``, re-exported here for
the API's modules) and the OpenAPI schema that documents what it returns."""

from typing import Any

from claims.claimreview import (
    JSON_LD,
    ORGANIZATION_LABELS,
    SCHEMA_ORG,
    Publisher,
    claimreview_build,
    claimreview_rating,
    correction_text,
    iso_datetime,
    jsonld_script_content,
)

__all__ = [
    "CLAIMREVIEW_FEED_SCHEMA",
    "CLAIMREVIEW_SCHEMA",
    "JSON_LD",
    "ORGANIZATION_LABELS",
    "SCHEMA_ORG",
    "Publisher",
    "claimreview_build",
    "claimreview_rating",
    "correction_text",
    "iso_datetime",
    "jsonld_script_content",
]

# --- The OpenAPI schema of what claimreview_build returns ---------------------------------------

_THING = {"type": "object", "properties": {"@type": {"type": "string"}, "name": {"type": "string"}}}
CLAIMREVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A schema.org ClaimReview (https://schema.org/ClaimReview).",
    "required": [
        "@type",
        "@id",
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
        "@id": {
            "type": "string",
            "description": "Stable: the same for every verdict on the claim, corrections included.",
        },
        "url": {"type": "string", "format": "uri"},
        "claimReviewed": {"type": "string"},
        "author": _THING,
        "datePublished": {"type": "string", "format": "date-time"},
        "dateModified": {
            "type": "string",
            "format": "date-time",
            "description": "Only on a correction: when it replaced the earlier rating.",
        },
        "correction": {
            "type": "object",
            "properties": {
                "@type": {"type": "string", "enum": ["CorrectionComment"]},
                "text": {"type": "string"},
                "datePublished": {"type": "string", "format": "date-time"},
            },
        },
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
