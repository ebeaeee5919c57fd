import json
import re
from datetime import UTC, date, datetime

import pytest
from django.template.loader import render_to_string

from claims.api import claimreview, exports
from claims.models import Rating
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

PUBLISHER = claimreview.Publisher(
    name="Example Fact Check",
    url="https://factcheck.example.org",
    base_url="https://factcheck.example.org/",
)
PUBLISHED = datetime(2025, 3, 1, 12, 30, 15, tzinfo=UTC)


def built_verdict(**claim_fields):
    """A verdict with its claim and article, never saved: the builders are pure."""
    article = ArticleFactory.build(
        pk=7,
        title="Council expands buses",
        url="https://news.example/buses",
        source="Daily Gazette",
        author="Sam Reporter",
        published_on=date(2025, 2, 27),
    )
    claim = ClaimFactory.build(pk=42, article=article, text="The council approved 12 new bus lines.",
                               speaker="Jane Doe", **claim_fields)  # fmt: skip
    return VerdictFactory.build(
        pk=3, claim=claim, rating=Rating.MOSTLY_FALSE, explanation="Only 2 were approved.",
        evidence_urls=["https://council.example/minutes"], published_at=PUBLISHED,
        created_at=PUBLISHED, updated_at=PUBLISHED,
    )  # fmt: skip


def test_a_claimreview_has_every_field_partners_and_search_engines_read():
    review = claimreview.claimreview_build(built_verdict(), publisher=PUBLISHER)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == "https://factcheck.example.org/claims/42/"
    assert review["@id"] == "https://factcheck.example.org/claims/42/#claimreview"
    assert review["claimReviewed"] == "The council approved 12 new bus lines."
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Fact Check",
        "url": "https://factcheck.example.org",
    }
    assert review["datePublished"] == "2025-03-01T12:30:15Z"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly false",
    }
    assert review["reviewBody"] == "Only 2 were approved."
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Jane Doe"},
        "datePublished": "2025-02-27",
        "appearance": {
            "@type": "CreativeWork",
            "headline": "Council expands buses",
            "url": "https://news.example/buses",
            "publisher": {"@type": "Organization", "name": "Daily Gazette"},
        },
    }
    assert set(review) == {
        "@context", "@type", "@id", "url", "claimReviewed", "author", "datePublished",
        "reviewRating", "reviewBody", "itemReviewed",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("rating", "value"),
    [("true", 5), ("mostly_true", 4), ("mixed", 3), ("mostly_false", 2), ("misleading", 2),
     ("false", 1)],
)  # fmt: skip
def test_each_rating_maps_to_its_claimreview_value(rating, value):
    verdict = built_verdict()
    verdict.rating = rating
    assert claimreview.claimreview_rating(verdict)["ratingValue"] == value


def test_an_unverifiable_verdict_is_named_but_not_scored():
    verdict = built_verdict()
    verdict.rating = Rating.UNVERIFIABLE
    rating = claimreview.claimreview_rating(verdict)
    assert "ratingValue" not in rating
    assert rating["alternateName"] == "Unverifiable"


def test_a_speaker_the_extractor_tagged_as_an_organisation_is_one():
    verdict = built_verdict(entities=[{"text": "Jane Doe", "label": "ORG", "start": 0, "end": 8}])
    author = claimreview.claimreview_build(verdict, publisher=PUBLISHER)["itemReviewed"]["author"]
    assert author == {"@type": "Organization", "name": "Jane Doe"}


def test_without_a_speaker_the_claim_is_the_articles_own():
    verdict = built_verdict()
    verdict.claim.speaker = ""
    item = claimreview.claimreview_build(verdict, publisher=PUBLISHER)["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "Sam Reporter"}
    verdict.claim.article.author = ""
    item = claimreview.claimreview_build(verdict, publisher=PUBLISHER)["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Daily Gazette"}


def test_fields_the_article_lacks_are_left_out_not_null():
    verdict = built_verdict()
    verdict.claim.speaker = ""
    article = verdict.claim.article
    article.url, article.source, article.author, article.published_on = None, "", "", None
    publisher = claimreview.Publisher(name="Desk", url="", base_url="http://localhost:8000")
    review = claimreview.claimreview_build(verdict, publisher=publisher)
    assert review["author"] == {"@type": "Organization", "name": "Desk"}
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": {"@type": "CreativeWork", "headline": "Council expands buses"},
    }
    assert "null" not in json.dumps(review)


def test_the_export_row_matches_the_claimreview():
    row = exports.verdict_export_row(built_verdict(), publisher=PUBLISHER)
    assert row == {
        "verdict_id": 3, "url": "https://factcheck.example.org/claims/42/",
        "rating": "mostly_false", "rating_label": "Mostly false", "rating_value": 2,
        "explanation": "Only 2 were approved.", "evidence_urls": ["https://council.example/minutes"],
        "published_at": "2025-03-01T12:30:15Z", "updated_at": "2025-03-01T12:30:15Z",
        "claim_id": 42, "claim_text": "The council approved 12 new bus lines.",
        "claim_kind": "quantity", "speaker": "Jane Doe", "article_id": 7,
        "article_title": "Council expands buses", "article_url": "https://news.example/buses",
        "article_source": "Daily Gazette", "article_author": "Sam Reporter",
        "article_published_on": "2025-02-27",
        # NDJSON only: the stable ClaimReview @id, and what a correction changed (none here).
        "claimreview_id": "https://factcheck.example.org/claims/42/#claimreview",
        "date_modified": None, "correction": None,
    }  # fmt: skip
    assert tuple(row)[: len(exports.CSV_COLUMNS)] == exports.CSV_COLUMNS


# --- The JSON-LD the claim page embeds -------------------------------------------------------------


def script_json(html):
    match = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>\s*', html, re.S)
    assert match, html
    return match.group(1)


def test_the_page_include_embeds_the_same_claimreview(settings):
    settings.FACTCHECK_ORGANIZATION_NAME = PUBLISHER.name
    settings.FACTCHECK_ORGANIZATION_URL = PUBLISHER.url
    settings.FACTCHECK_PUBLIC_BASE_URL = PUBLISHER.base_url
    verdict = built_verdict()
    html = render_to_string("claims/_claimreview_jsonld.html", {"verdict": verdict})
    embedded = json.loads(script_json(html))
    assert embedded == claimreview.claimreview_build(verdict, publisher=PUBLISHER)


def test_a_claim_text_cannot_break_out_of_the_script_element():
    verdict = built_verdict()
    verdict.claim.text = "</script><script>alert(1)</script><!-- & “quotes”"
    html = render_to_string("claims/_claimreview_jsonld.html", {"verdict": verdict})
    inner = script_json(html)
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner)["claimReviewed"] == verdict.claim.text


def test_unpublished_or_superseded_verdicts_embed_nothing():
    draft = built_verdict()
    draft.published_at = None
    superseded = built_verdict()
    superseded.is_current = False
    for verdict in (draft, superseded, None):
        assert render_to_string("claims/_claimreview_jsonld.html", {"verdict": verdict}) == "\n"
