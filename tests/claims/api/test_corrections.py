"""Corrections that travel: a verdict published in place of a published one keeps the claim's
ClaimReview @id, says what changed and when, and reaches the feed, the NDJSON export, the history
endpoint and updated_since pulls (which also carry withdrawals, without their content)."""

import json
from typing import Any

import pytest
from django.utils import timezone

from claims import services
from claims.models import Rating
from tests.factories import ClaimFactory, ReviewerFactory, token_api_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]
WITHHELD = "REPLACEMENT-NOT-YET-PUBLISHED"


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    settings.FACTCHECK_BLIND_REVIEW_PERCENT = 0
    settings.FACTCHECK_PUBLIC_BASE_URL = "https://factcheck.example.org"


@pytest.fixture
def partner() -> Any:
    return token_api_client(read_only=True)


def rate(claim: Any, rating: str, explanation: str = "The minutes say so.") -> Any:
    return services.verdict_set(
        claim_id=claim.pk, reviewer=ReviewerFactory(), rating=rating, explanation=explanation
    )


def body(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def corrected() -> tuple[Any, Any]:
    claim = ClaimFactory()
    first = rate(claim, Rating.FALSE)
    second = rate(claim, Rating.MIXED, "New figures from the council.")
    return first, second


def test_a_correction_records_what_changed_and_the_first_publication(corrected: Any) -> None:
    first, second = corrected
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.correction["previous_verdict"] == first.pk
    assert second.correction["previous_rating"] == "false"
    assert second.correction["changed"] == ["rating", "explanation"]
    assert second.correction["first_published_at"].startswith(
        first.published_at.strftime("%Y-%m-%dT%H:%M:%S")
    )


def test_a_first_verdict_is_no_correction() -> None:
    verdict = rate(ClaimFactory(), Rating.TRUE)
    verdict.refresh_from_db()
    assert verdict.correction == {}


def test_the_feed_marks_a_correction_with_date_modified_under_the_same_id(
    corrected: Any, partner: Any
) -> None:
    first, second = corrected
    feed = json.loads(body(partner.get("/api/v1/export/claimreview.json")))
    [review] = feed["dataFeedElement"]
    assert review["@id"] == f"https://factcheck.example.org/claims/{second.claim_id}/#claimreview"
    assert review["reviewRating"]["alternateName"] == "Mixed"
    assert review["dateModified"] > review["datePublished"]
    assert review["correction"]["@type"] == "CorrectionComment"
    assert review["correction"]["text"] == "Rating changed from False; explanation revised."


def test_the_ndjson_export_marks_a_correction(corrected: Any, partner: Any) -> None:
    first, second = corrected
    [row] = [
        json.loads(line)
        for line in body(partner.get("/api/v1/export/verdicts.ndjson")).splitlines()
    ]
    assert row["verdict_id"] == second.pk
    assert row["claimreview_id"].endswith(f"/claims/{second.claim_id}/#claimreview")
    assert row["date_modified"] == row["published_at"]
    assert row["correction"]["previous_rating"] == "false"


def test_an_uncorrected_verdict_has_no_date_modified(partner: Any) -> None:
    rate(ClaimFactory(), Rating.TRUE)
    [row] = [
        json.loads(line)
        for line in body(partner.get("/api/v1/export/verdicts.ndjson")).splitlines()
    ]
    assert row["date_modified"] is None and row["correction"] is None
    feed = json.loads(body(partner.get("/api/v1/export/claimreview.json")))
    assert "dateModified" not in feed["dataFeedElement"][0]


def test_the_history_endpoint_lists_earlier_ratings_with_when_they_were_replaced(
    corrected: Any, partner: Any
) -> None:
    first, second = corrected
    response = partner.get(f"/api/v1/claims/{second.claim_id}/history/")
    assert response.status_code == 200
    data = response.json()
    assert data["claimreview_id"].endswith(f"/claims/{second.claim_id}/#claimreview")
    ratings = data["ratings"]
    assert [(r["verdict_id"], r["rating"], r["current"]) for r in ratings] == [
        (first.pk, "false", False),
        (second.pk, "mixed", True),
    ]
    assert ratings[0]["replaced_at"] is not None and ratings[1]["replaced_at"] is None
    assert ratings[1]["correction"]["previous_rating"] == "false"
    assert "explanation" not in ratings[0]


def test_the_history_never_lists_a_verdict_that_was_not_published(
    settings: Any, partner: Any
) -> None:
    claim = ClaimFactory()
    published = rate(claim, Rating.FALSE)
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    rate(claim, Rating.TRUE, WITHHELD)
    response = partner.get(f"/api/v1/claims/{claim.pk}/history/")
    assert [r["verdict_id"] for r in response.json()["ratings"]] == [published.pk]
    # The published verdict stays current until its replacement is published (second review).
    assert response.json()["ratings"][0]["current"] is True
    assert WITHHELD not in response.content.decode()
    assert partner.get(f"/api/v1/claims/{ClaimFactory().pk}/history/").status_code == 404


def test_an_updated_since_pull_returns_the_correction_and_the_withdrawn_verdict(
    partner: Any,
) -> None:
    claim = ClaimFactory()
    first = rate(claim, Rating.FALSE, "First explanation, since replaced.")
    since = timezone.now()
    second = rate(claim, Rating.MIXED)
    rows = partner.get("/api/v1/verdicts/", {"updated_since": since.isoformat()}).json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {first.pk, second.pk}
    assert by_id[first.pk]["withdrawn"] is True and by_id[first.pk]["explanation"] == ""
    assert by_id[first.pk]["superseded_by"] == second.pk
    assert by_id[second.pk]["withdrawn"] is False
    assert by_id[second.pk]["correction"]["previous_verdict"] == first.pk
    # Without updated_since, the list stays what is published now.
    assert [r["id"] for r in partner.get("/api/v1/verdicts/").json()["results"]] == [second.pk]


def test_a_replacement_reaches_pulls_and_the_export_only_once_it_is_published(
    settings: Any, partner: Any
) -> None:
    claim = ClaimFactory()
    first = rate(claim, Rating.FALSE)
    since = timezone.now()
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    pending = rate(claim, Rating.TRUE, WITHHELD)
    since_param = {"updated_since": since.isoformat()}
    # Awaiting review, the replacement changes nothing partners see: the first stays current.
    response = partner.get("/api/v1/verdicts/", since_param)
    assert response.json()["results"] == []
    assert body(partner.get("/api/v1/export/verdicts.ndjson", since_param)) == ""
    assert WITHHELD not in response.content.decode()

    services.verdict_review(verdict_id=pending.pk, reviewer=ReviewerFactory(), agrees=True)
    rows = partner.get("/api/v1/verdicts/", since_param).json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[first.pk]["withdrawn"] is True and by_id[first.pk]["superseded_by"] == pending.pk
    assert by_id[pending.pk]["correction"]["previous_verdict"] == first.pk
    lines = [json.loads(x) for x in body(
        partner.get("/api/v1/export/verdicts.ndjson", since_param)
    ).splitlines()]  # fmt: skip
    withdrawn = next(line for line in lines if line["verdict_id"] == first.pk)
    assert withdrawn == {
        "verdict_id": first.pk,
        "claim_id": claim.pk,
        "claimreview_id": f"https://factcheck.example.org/claims/{claim.pk}/#claimreview",
        "withdrawn": True,
        "superseded_by": pending.pk,
        "updated_at": withdrawn["updated_at"],
    }
    # The CSV export carries what is published now: the replacement alone.
    csv_text = body(partner.get("/api/v1/export/verdicts.csv", since_param))
    assert csv_text.count("\n") == 2 and WITHHELD in csv_text
