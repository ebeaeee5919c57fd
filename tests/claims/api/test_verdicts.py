from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from claims.models import Claim, Verdict
from tests.factories import (
    ClaimFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    VerdictFactory,
    token_api_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]
client_for = token_api_client
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def api():
    return client_for()


@pytest.fixture
def partner():
    return client_for(read_only=True)


def at(verdict, when):
    """Set a verdict's updated_at (auto_now ignores it on save; update() does not)."""
    Verdict.objects.filter(pk=verdict.pk).update(updated_at=when)
    return verdict


def ids(response):
    assert response.status_code == 200, response.json()
    return [v["id"] for v in response.json()["results"]]


def superseded_pair():
    """A claim whose first published verdict was superseded by a second, also published."""
    old = PublishedVerdictFactory(is_current=False)
    new = PublishedVerdictFactory(claim=old.claim)
    old.superseded_by = new
    old.save()
    return old, new


def test_a_read_only_token_sees_published_current_verdicts_only(api, partner):
    published = PublishedVerdictFactory()
    draft = VerdictFactory()
    old, new = superseded_pair()
    assert sorted(ids(partner.get("/api/v1/verdicts/"))) == sorted([published.pk, new.pk])
    assert sorted(ids(api.get("/api/v1/verdicts/"))) == sorted(
        [published.pk, draft.pk, old.pk, new.pk]
    )
    # Asking for unpublished ones changes nothing for a partner.
    assert ids(partner.get("/api/v1/verdicts/", {"published": "false"})) == []


def test_reviewers_filter_verdicts_by_current_and_published(api):
    published = PublishedVerdictFactory()
    draft = VerdictFactory()
    old, new = superseded_pair()
    assert sorted(ids(api.get("/api/v1/verdicts/", {"current": "false"}))) == [old.pk]
    assert sorted(ids(api.get("/api/v1/verdicts/", {"published": "false"}))) == sorted(
        [draft.pk, old.pk]
    )
    both = {"published": "true", "current": "true"}
    assert sorted(ids(api.get("/api/v1/verdicts/", both))) == sorted([published.pk, new.pk])


def test_a_read_only_token_gets_404_for_an_unpublished_verdict(api, partner):
    draft = VerdictFactory()
    response = partner.get(f"/api/v1/verdicts/{draft.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No verdict #{draft.pk}."}
    assert api.get(f"/api/v1/verdicts/{draft.pk}/").status_code == 200


def test_a_verdict_shows_its_rating_claim_and_links(api, settings):
    settings.FACTCHECK_PUBLIC_BASE_URL = "https://checks.example.org/"
    verdict = PublishedVerdictFactory(rating="misleading", evidence_urls=["https://a.example/"])
    data = api.get(f"/api/v1/verdicts/{verdict.pk}/").json()
    assert data["rating"] == "misleading" and data["rating_label"] == "Misleading"
    assert data["rating_value"] == 2
    assert data["claim"] == verdict.claim_id and data["article"] == verdict.claim.article_id
    assert data["claim_text"] == verdict.claim.text
    assert data["evidence_urls"] == ["https://a.example/"]
    assert data["reviewer"] == verdict.reviewer.username
    assert data["published"] is True and data["is_current"] is True
    assert data["permalink"] == f"https://checks.example.org/claims/{verdict.claim_id}/"
    assert data["claimreview_url"].endswith(f"/api/v1/verdicts/{verdict.pk}/claimreview/")
    assert data["self_url"] == f"http://testserver/api/v1/verdicts/{verdict.pk}/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rating": "false"}, ["false_one"]),
        ({"kind": "event"}, ["event_one"]),
        ({"source": "Daily"}, ["daily_one"]),
        ({"reviewer": "alice"}, ["alice_one"]),
        ({"published_after": "2025-02-01", "published_before": "2025-02-02"}, ["february_one"]),
        ({"published_after": "2025-02-01T00:00:00Z"}, ["february_one"]),
    ],
)
def test_verdicts_filter_by_rating_kind_source_reviewer_and_date(api, params, expected):
    made = {
        "false_one": PublishedVerdictFactory(rating="false"),
        "event_one": PublishedVerdictFactory(claim=ClaimFactory(kind=Claim.Kind.EVENT)),
        "daily_one": PublishedVerdictFactory(
            claim=ClaimFactory(article__source="Daily"),
        ),
        "alice_one": PublishedVerdictFactory(reviewer=ReviewerFactory(username="alice")),
        "february_one": PublishedVerdictFactory(published_at=datetime(2025, 2, 1, 9, tzinfo=UTC)),
    }
    for name, verdict in made.items():
        if name != "february_one":
            verdict.published_at = datetime(2024, 1, 1, tzinfo=UTC)
            verdict.save()
    got = set(ids(api.get("/api/v1/verdicts/", params)))
    assert got == {made[name].pk for name in expected}


def test_verdicts_filter_by_article_and_claim(api):
    verdict = PublishedVerdictFactory()
    PublishedVerdictFactory()
    assert ids(api.get("/api/v1/verdicts/", {"article": verdict.claim.article_id})) == [verdict.pk]
    assert ids(api.get("/api/v1/verdicts/", {"claim": verdict.claim_id})) == [verdict.pk]


def test_bad_filters_are_a_400_naming_the_field(api):
    for params, field in [
        ({"rating": "sort of"}, "rating"),
        ({"updated_since": "last tuesday"}, "updated_since"),
        ({"page_size": "100000"}, "page_size"),
        ({"article": "0"}, "article"),
        ({"ordering": "rating"}, "ordering"),
    ]:
        response = api.get("/api/v1/verdicts/", params)
        assert response.status_code == 400, params
        assert field in response.json()["errors"], params


def test_updated_since_returns_what_changed_since_then_oldest_change_first(api):
    before = at(PublishedVerdictFactory(), T0 - timedelta(hours=1))
    later = at(PublishedVerdictFactory(), T0 + timedelta(hours=2))
    exactly = at(PublishedVerdictFactory(), T0)
    response = api.get("/api/v1/verdicts/", {"updated_since": "2025-03-01T12:00:00Z"})
    assert ids(response) == [exactly.pk, later.pk]
    # A plain date means its midnight UTC.
    on_the_day = ids(api.get("/api/v1/verdicts/", {"updated_since": "2025-03-01"}))
    assert on_the_day == [before.pk, exactly.pk, later.pk]


def test_a_superseded_verdict_comes_back_in_the_sync_when_it_changes(api):
    claim = ClaimFactory()
    reviewer = ReviewerFactory()
    from claims import services

    first = services.verdict_set(claim_id=claim.pk, reviewer=reviewer, rating="true",
                                 explanation="Yes.")  # fmt: skip
    at(first, T0)
    second = services.verdict_set(claim_id=claim.pk, reviewer=reviewer, rating="false",
                                  explanation="No, a correction.")  # fmt: skip
    synced = api.get("/api/v1/verdicts/", {"updated_since": (T0 + timedelta(seconds=1))})
    rows = {v["id"]: v for v in synced.json()["results"]}
    assert rows[first.pk]["is_current"] is False
    assert rows[first.pk]["superseded_by"] == second.pk
    assert rows[second.pk]["is_current"] is True


def follow(client, url, params=None):
    """Every row of every page, following the next links."""
    seen = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.json()
        seen.extend(v["id"] for v in response.json()["results"])
        if not response.json()["next"]:
            return seen
        response = client.get(response.json()["next"])


def test_paging_by_cursor_returns_every_row_once_while_rows_are_added(api):
    verdicts = [at(PublishedVerdictFactory(), T0 + timedelta(minutes=i % 3)) for i in range(7)]
    expected = list(
        Verdict.objects.filter(pk__in=[v.pk for v in verdicts])
        .order_by("updated_at", "id")
        .values_list("id", flat=True)
    )
    first_page = api.get("/api/v1/verdicts/", {"page_size": 3})
    assert ids(first_page) == expected[:3]
    # Rows added meanwhile (newer than everything) come at the end, shifting nothing.
    added = [PublishedVerdictFactory(), PublishedVerdictFactory()]
    rest = follow(api, first_page.json()["next"])
    assert expected[:3] + rest == expected + [v.pk for v in added]


def test_paging_newest_first_never_repeats_a_row(api):
    verdicts = [at(PublishedVerdictFactory(), T0) for _ in range(5)]  # all tied on updated_at
    seen = follow(api, "/api/v1/verdicts/", {"page_size": 2, "ordering": "-updated_at"})
    assert seen == sorted((v.pk for v in verdicts), reverse=True)


def test_a_cursor_from_another_ordering_or_forged_is_a_400(api):
    PublishedVerdictFactory.create_batch(3)
    cursor = api.get("/api/v1/verdicts/", {"page_size": 1}).json()["next_cursor"]
    wrong = api.get("/api/v1/verdicts/", {"cursor": cursor, "ordering": "-id"})
    assert wrong.status_code == 400
    assert "ordering=updated_at" in wrong.json()["detail"]
    for forged in ("nonsense", "eyJvIjoiaWQiLCJ2IjoxLCJpIjo5OTk5OTk5OTk5OTk5OTk5OTk5OTl9"):
        response = api.get("/api/v1/verdicts/", {"cursor": forged, "ordering": "id"})
        assert response.status_code == 400
        assert "cursor" in response.json()["errors"]


def test_articles_and_claims_page_by_cursor_too(api):
    claims = ClaimFactory.create_batch(5)
    assert follow(api, "/api/v1/claims/", {"page_size": 2}) == [c.pk for c in claims]
    articles = follow(api, "/api/v1/articles/", {"page_size": 2})
    assert articles == [c.article_id for c in reversed(claims)]


# --- Giving a verdict ------------------------------------------------------------------------------


def test_a_reviewer_gives_a_verdict_through_the_api(api):
    claim = ClaimFactory()
    response = api.post(
        "/api/v1/verdicts/",
        {"claim": claim.pk, "rating": "mostly_false", "explanation": "Only 2 lines.",
         "evidence_urls": ["https://council.example/minutes"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    data = response.json()
    verdict = Verdict.objects.get(pk=data["id"])
    assert verdict.rating == "mostly_false" and verdict.is_current
    assert data["evidence_urls"] == ["https://council.example/minutes"]
    assert data["rating_value"] == 2
    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERDICT


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rating": "false", "explanation": "x"}, "claim"),
        ({"claim": 10**6, "rating": "false", "explanation": "x"}, "claim"),
        ({"claim": "CLAIM", "rating": "sort of", "explanation": "x"}, "rating"),
        ({"claim": "CLAIM", "rating": "false", "explanation": "   "}, "explanation"),
        ({"claim": "CLAIM", "rating": "false", "explanation": "x", "evidence_urls": ["ftp://a"]},
         "web address"),
        ({"claim": "CLAIM", "rating": "false", "explanation": "x", "mood": "grumpy"}, "mood"),
    ],
)  # fmt: skip
def test_a_bad_verdict_is_a_400_with_a_message(api, payload, field):
    claim = ClaimFactory()
    payload = {k: (claim.pk if v == "CLAIM" else v) for k, v in payload.items()}
    response = api.post("/api/v1/verdicts/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert Verdict.objects.count() == 0


def test_a_verdict_on_a_claim_another_reviewer_holds_is_a_409(api):
    claim = ClaimFactory(
        assignee=ReviewerFactory(username="bob"),
        lease_expires_at=timezone.now() + timedelta(minutes=5),
        status=Claim.Status.IN_REVIEW,
    )
    response = api.post(
        "/api/v1/verdicts/",
        {"claim": claim.pk, "rating": "true", "explanation": "Checked."},
        format="json",
    )
    assert response.status_code == 409
    assert "bob" in response.json()["detail"]
    assert Verdict.objects.count() == 0


# --- ClaimReview per verdict ---------------------------------------------------------------------


def test_a_published_verdict_has_claimreview_json_ld(partner):
    verdict = PublishedVerdictFactory(rating="false")
    response = partner.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    data = response.json()
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["reviewRating"]["ratingValue"] == 1


def test_an_unpublished_verdict_has_no_claimreview_even_for_reviewers(api):
    verdict = VerdictFactory()
    response = api.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
