import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Article
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db
BODY = "The council approved 12 new bus lines on Monday, the mayor said."


@pytest.fixture
def api(reviewer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reviewer).key}")
    return client


def test_a_token_holder_ingests_an_article_and_gets_it_back(api, reviewer):
    response = api.post(
        "/api/v1/articles/", {"title": "Buses", "body": BODY, "source": "Gazette"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "queued" and data["claim_count"] == 0
    article = Article.objects.get(pk=data["id"])
    assert article.ingested_by == reviewer
    detail = api.get(data["self_url"])
    assert detail.status_code == 200 and detail.json()["title"] == "Buses"


def test_anonymous_requests_get_401():
    response = APIClient().post("/api/v1/articles/", {"body": BODY}, format="json")
    assert response.status_code == 401
    assert Article.objects.count() == 0


def test_a_user_without_the_reviewer_role_gets_403():
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.get("/api/v1/articles/").status_code == 403
    assert client.post("/api/v1/articles/", {"body": BODY}, format="json").status_code == 403


def test_the_same_article_twice_is_a_409_pointing_at_the_stored_one(api):
    first = api.post("/api/v1/articles/", {"body": BODY}, format="json").json()
    response = api.post("/api/v1/articles/", {"body": BODY + "  "}, format="json")
    assert response.status_code == 409
    assert response.json()["existing"] == first["self_url"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": "   "}, "no text"),
        ({"title": "x"}, "body"),
        ({"body": BODY, "url": "javascript:alert(1)"}, "url"),
        ({"body": 12}, "body"),
        ({"body": BODY, "colour": "red"}, "colour"),
        ({"body": BODY, "published_on": "yesterday"}, "published_on"),
    ],
)
def test_bad_input_is_a_400_with_a_message(api, payload, field):
    response = api.post("/api/v1/articles/", payload, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert Article.objects.count() == 0


def test_malformed_json_is_a_400(api):
    response = api.post("/api/v1/articles/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_an_article_over_the_size_limit_is_a_413(api, settings):
    settings.FACTCHECK_MAX_ARTICLE_CHARS = 1000
    response = api.post("/api/v1/articles/", {"body": "word " * 500}, format="json")
    assert response.status_code == 413
    assert "limit is 1,000" in response.json()["detail"]


def test_claims_are_listed_by_article(api):
    claim = ClaimFactory()
    ClaimFactory()
    response = api.get("/api/v1/claims/", {"article": claim.article_id})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [claim.pk]
    assert api.get("/api/v1/claims/", {"status": "bogus"}).status_code == 400


def test_the_openapi_schema_is_served(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/articles/" in response.content
