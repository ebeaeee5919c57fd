import pytest
from rest_framework.test import APIClient

from claims import services
from claims.matching.encoder import sentence_encoder
from claims.matching.formats import FactCheckRecord
from claims.matching.ranking import ranker
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    PublishedVerdictFactory,
    UserFactory,
    VerdictFactory,
    token_api_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

PUBLISHED = "The city council approved twelve new bus lines for the northern districts."
UNPUBLISHED = "The mayor cut the water tax by a third for pensioners last spring."


@pytest.fixture
def archive():
    published = ClaimFactory(article=ArticleFactory(), text=PUBLISHED)
    PublishedVerdictFactory(claim=published)
    unpublished = ClaimFactory(article=ArticleFactory(), text=UNPUBLISHED)
    VerdictFactory(claim=unpublished)
    for claim in (published, unpublished):
        services.article_match_claims(
            article_id=claim.article_id, encoder=sentence_encoder(), ranker=ranker()
        )
    services.factchecks_import(
        records=[
            FactCheckRecord(
                source_key="x:1", claim_reviewed="The mayor cut the water tax for pensioners.",
                rating="Half true", outlet="Checker", url="https://checker.example/1",
            )
        ],
        encoder=sentence_encoder(),
    )  # fmt: skip
    return published, unpublished


def test_a_partner_may_ask_whether_a_sentence_was_checked_and_gets_the_published_verdict(archive):
    response = token_api_client(read_only=True).post(
        "/api/v1/match/", {"text": "Council approves 12 new bus lines"}, format="json"
    )
    assert response.status_code == 200
    best = response.json()[0]
    assert best["claim"] == archive[0].pk
    assert best["source"] == "desk"
    assert best["verdict"]["published"] is True
    assert best["similarity"] > 0.5


def test_a_partner_never_sees_a_claim_whose_verdict_is_unpublished(archive):
    response = token_api_client(read_only=True).post(
        "/api/v1/match/", {"text": UNPUBLISHED}, format="json"
    )
    found = response.json()
    assert archive[1].pk not in [m["claim"] for m in found]
    # The imported fact-check is shown, as the other outlet's, not ours.
    assert found[0]["source"] == "external"
    assert found[0]["factcheck"]["outlet"] == "Checker"
    assert found[0]["verdict"] is None


def test_the_desk_sees_the_unpublished_verdict_too(archive):
    response = token_api_client().post("/api/v1/match/", {"text": UNPUBLISHED}, format="json")
    best = response.json()[0]
    assert best["claim"] == archive[1].pk
    assert best["verdict"]["published"] is False


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_over_long_text_is_a_400_naming_the_field(text):
    response = token_api_client(read_only=True).post(
        "/api/v1/match/", {"text": text}, format="json"
    )
    assert response.status_code == 400
    assert "text" in response.json()["errors"]


def test_a_user_without_a_role_may_not_match_and_anonymous_must_log_in():
    # Without a role no token can be made (tokens need a role): a logged-in session, then.
    session = APIClient()
    session.force_login(UserFactory())
    assert session.post("/api/v1/match/", {"text": "x"}, format="json").status_code == 403
    assert APIClient().post("/api/v1/match/", {"text": "x"}, format="json").status_code == 401


def test_a_claims_stored_matches_are_listed_best_first(archive):
    later = ClaimFactory(article=ArticleFactory(), text=PUBLISHED)
    services.article_match_claims(
        article_id=later.article_id, encoder=sentence_encoder(), ranker=ranker()
    )
    response = token_api_client(read_only=True).get(f"/api/v1/claims/{later.pk}/matches/")
    assert response.status_code == 200
    assert [m["claim"] for m in response.json()][:1] == [archive[0].pk]
    assert response.json()[0]["rank"] == 1


def test_matches_of_a_missing_claim_are_a_404():
    assert token_api_client().get("/api/v1/claims/999999/matches/").status_code == 404
