import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Article, Claim, Verdict
from tests.factories import (
    ArticleFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    VerdictFactory,
    token_api_client,
)

pytestmark = pytest.mark.django_db
MANY = 1_050
CHUNK = 100


@pytest.fixture(autouse=True)
def api_settings(settings):
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FACTCHECK_API_EXPORT_CHUNK_SIZE = CHUNK
    settings.FACTCHECK_API_THROTTLE_RATES = {"api": "1000/min", "export": "1000/min"}


@pytest.fixture
def partner():
    return token_api_client(read_only=True)


def make_verdicts(count, *, published=True, current=True, article=None, rating="false"):
    """Many verdicts quickly: one article, one claim each, bulk inserts."""
    article = article or ArticleFactory(status=Article.Status.SPLIT)
    start = Claim.objects.filter(article=article).count()
    claims = Claim.objects.bulk_create(
        Claim(article=article, position=start + i, text=f"Claim {i}", sentence=f"Claim {i}.",
              start=0, end=5, score=0.5)
        for i in range(count)
    )  # fmt: skip
    reviewer = ReviewerFactory()
    now = timezone.now()
    Verdict.objects.bulk_create(
        Verdict(claim=c, reviewer=reviewer, rating=rating, explanation="Because.",
                is_current=current, published_at=now if published else None)
        for c in claims
    )  # fmt: skip
    return list(
        Verdict.objects.filter(claim__in=claims).order_by("id").values_list("id", flat=True)
    )


@pytest.fixture
def published_ids():
    ids = make_verdicts(MANY)
    make_verdicts(30, published=False)  # awaiting a second review
    make_verdicts(20, current=False)  # superseded
    return ids


def lines(response):
    return b"".join(response.streaming_content).decode().splitlines()


def test_the_ndjson_export_streams_every_published_verdict_exactly_once(partner, published_ids):
    response = partner.get("/api/v1/export/verdicts.ndjson")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"] == 'attachment; filename="verdicts.ndjson"'
    with CaptureQueriesContext(connection) as queries:
        rows = [json.loads(line) for line in lines(response)]
    assert [r["verdict_id"] for r in rows] == published_ids
    # Read in chunks of CHUNK rows, never all at once.
    verdict_reads = [q["sql"] for q in queries.captured_queries if "claims_verdict" in q["sql"]]
    assert len(verdict_reads) == MANY // CHUNK + 1
    assert all(f"LIMIT {CHUNK}" in sql for sql in verdict_reads)
    # Articles can be long; their text is not part of the export and is not read.
    assert all('"claims_article"."body"' not in sql for sql in verdict_reads)


def _lines(response):
    """The streamed lines one by one, as the client receives them (rows come in blocks)."""
    for block in response.streaming_content:
        yield from block.decode().splitlines()


def test_the_export_reads_lazily_as_the_client_downloads(partner, published_ids):
    response = partner.get("/api/v1/export/verdicts.ndjson")
    stream = _lines(response)
    with CaptureQueriesContext(connection) as queries:
        json.loads(next(stream))
    assert len([q for q in queries.captured_queries if "claims_verdict" in q["sql"]]) == 1


def test_verdicts_added_during_an_export_neither_repeat_nor_shift_rows(partner, published_ids):
    response = partner.get("/api/v1/export/verdicts.ndjson")
    stream = _lines(response)
    first = [json.loads(next(stream))["verdict_id"] for _ in range(250)]
    added = make_verdicts(3)
    rest = [json.loads(line)["verdict_id"] for line in stream]
    assert first + rest == published_ids + added


def test_the_csv_export_has_a_header_and_one_row_per_published_verdict(partner, published_ids):
    response = partner.get("/api/v1/export/verdicts.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["verdict_id"]) for r in rows] == published_ids
    assert rows[0]["rating"] == "false" and rows[0]["rating_value"] == "1"
    assert rows[0]["rating_label"] == "False"


def test_the_csv_export_defuses_spreadsheet_formulas(partner):
    verdict = PublishedVerdictFactory(explanation='=HYPERLINK("http://evil.example")')
    Claim.objects.filter(pk=verdict.claim_id).update(text="+1 more bus line")
    rows = list(csv.DictReader(io.StringIO(lines_text(partner.get("/api/v1/export/verdicts.csv")))))
    assert rows[0]["explanation"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["claim_text"] == "'+1 more bus line"


def lines_text(response):
    return b"".join(response.streaming_content).decode()


def test_the_claimreview_feed_is_one_json_document_of_every_published_verdict(
    partner, published_ids
):
    response = partner.get("/api/v1/export/claimreview.json")
    assert response.streaming
    assert response["Content-Type"] == "application/ld+json"
    feed = json.loads(lines_text(response))
    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    items = feed["dataFeedElement"]
    assert len(items) == MANY
    assert {item["@type"] for item in items} == {"ClaimReview"}
    assert len({item["url"] for item in items}) == MANY


def test_the_claimreview_ndjson_has_one_review_per_line(partner):
    verdict = PublishedVerdictFactory()
    VerdictFactory()
    reviews = [json.loads(line) for line in lines(partner.get("/api/v1/export/claimreview.ndjson"))]
    assert len(reviews) == 1
    assert reviews[0]["@context"] == "https://schema.org"
    assert reviews[0]["claimReviewed"] == verdict.claim.text


def test_an_empty_feed_is_still_valid_json(partner):
    feed = json.loads(lines_text(partner.get("/api/v1/export/claimreview.json")))
    assert feed["dataFeedElement"] == []


def test_exports_take_the_verdict_filters(partner):
    old = make_verdicts(3, rating="true")
    Verdict.objects.filter(pk__in=old).update(updated_at=datetime(2025, 1, 1, tzinfo=UTC))
    new = make_verdicts(2, rating="true")
    make_verdicts(4, rating="false")
    response = partner.get(
        "/api/v1/export/verdicts.ndjson", {"rating": "true", "updated_since": "2025-06-01"}
    )
    assert [json.loads(line)["verdict_id"] for line in lines(response)] == new
    bad = partner.get("/api/v1/export/verdicts.csv", {"rating": "so-so"})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/json"
    assert "rating" in bad.json()["errors"]


def test_an_export_is_what_its_url_says_whatever_the_accept_header(partner):
    PublishedVerdictFactory()
    response = partner.get("/api/v1/export/verdicts.csv", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
