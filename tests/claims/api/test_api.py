import pytest
from django.core.exceptions import RequestDataTooBig
from rest_framework.test import APIClient

from claims.api.errors import exception_handler
from claims.models import Article, Claim, Verdict
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    UserFactory,
    VerdictFactory,
    token_api_client,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]
token_client = token_api_client
BODY = "The council approved 12 new bus lines on Monday, the mayor said."


@pytest.fixture
def api(reviewer):
    return token_client(reviewer)


# --- The auth matrix -----------------------------------------------------------------------------


def anonymous():
    return APIClient()


def read_only_token():
    return token_client(read_only=True)


def reviewer_token():
    return token_client()


def editor_session():
    client = APIClient()
    client.force_login(EditorFactory())
    return client


def user_without_role():
    # Logged in, as no token can be made for a user without a role.
    client = APIClient()
    client.force_login(UserFactory())
    return client


READS = [
    "/api/v1/articles/",
    "/api/v1/claims/",
    "/api/v1/verdicts/",
    "/api/v1/export/verdicts.csv",
    "/api/v1/export/verdicts.ndjson",
    "/api/v1/export/claimreview.json",
    "/api/v1/export/claimreview.ndjson",
]


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (anonymous, 401),
        (read_only_token, 200),
        (reviewer_token, 200),
        (editor_session, 200),
        (user_without_role, 403),
    ],
)
def test_who_may_read(path, who, expected):
    response = who().get(path)
    assert response.status_code == expected
    if expected != 200:
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (anonymous, 401),
        (read_only_token, 403),
        (reviewer_token, 201),
        (editor_session, 201),
        (user_without_role, 403),
    ],
)
def test_who_may_ingest(who, expected):
    response = who().post("/api/v1/articles/", {"body": BODY}, format="json")
    assert response.status_code == expected
    assert Article.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (anonymous, 401),
        (read_only_token, 403),
        (reviewer_token, 201),
        (editor_session, 201),
        (user_without_role, 403),
    ],
)
def test_who_may_give_a_verdict(who, expected):
    claim = ClaimFactory()
    payload = {"claim": claim.pk, "rating": "false", "explanation": "The minutes show 2 lines."}
    response = who().post("/api/v1/verdicts/", payload, format="json")
    assert response.status_code == expected
    assert Verdict.objects.count() == (1 if expected == 201 else 0)


def test_a_read_only_token_is_told_why_it_may_not_write():
    response = read_only_token().post("/api/v1/articles/", {"body": BODY}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_anonymous_requests_get_401_with_a_www_authenticate_header():
    response = APIClient().post("/api/v1/articles/", {"body": BODY}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert Article.objects.count() == 0


# --- Articles ----------------------------------------------------------------------------------


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


def test_articles_are_listed_newest_first_with_their_claim_counts(api):
    older = ClaimFactory().article
    ClaimFactory(article=older)
    newer = ClaimFactory().article
    results = api.get("/api/v1/articles/").json()["results"]
    assert [(a["id"], a["claim_count"]) for a in results] == [(newer.pk, 1), (older.pk, 2)]


def test_the_same_article_twice_is_a_409_pointing_at_the_stored_one(api):
    first = api.post("/api/v1/articles/", {"body": BODY}, format="json").json()
    response = api.post("/api/v1/articles/", {"body": BODY + "  "}, format="json")
    assert response.status_code == 409
    assert response.json()["existing"] == first["self_url"]
    assert "already stored" in response.json()["detail"]
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
    assert field in response.json()["detail"]
    assert Article.objects.count() == 0


def test_a_400_lists_the_errors_of_each_field(api):
    response = api.post("/api/v1/articles/", {"title": 5}, format="json")
    errors = response.json()["errors"]
    assert set(errors) == {"title", "body"}
    assert errors["body"] == [
        "This field is required, unless a url is given: the article is then fetched from it."
    ]


def test_malformed_json_is_a_400(api):
    response = api.post("/api/v1/articles/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_form_encoded_body_is_a_415(api):
    response = api.post("/api/v1/articles/", {"body": BODY})
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]


def test_an_article_over_the_size_limit_is_a_413(api, settings):
    settings.FACTCHECK_MAX_ARTICLE_CHARS = 1000
    response = api.post("/api/v1/articles/", {"body": "word " * 500}, format="json")
    assert response.status_code == 413
    assert "limit is 1,000" in response.json()["detail"]


def test_a_body_over_the_byte_limit_is_a_json_413_before_it_is_read(api, settings):
    settings.FACTCHECK_API_MAX_BODY_BYTES = 2048
    response = api.post("/api/v1/articles/", {"body": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "the limit is 2,048 bytes" in response.json()["detail"]
    assert Article.objects.count() == 0


def test_djangos_request_too_big_error_becomes_a_json_413_not_an_html_400():
    response = exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert "over the limit" in response.data["detail"]


@pytest.mark.parametrize("article_id", [999, 2**63, 10**30])
def test_an_unknown_article_is_a_json_404(api, article_id):
    response = api.get(f"/api/v1/articles/{article_id}/")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No article #{article_id}."}


def test_an_unknown_address_under_the_api_is_a_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert "/api/v1/docs/" in response.json()["detail"]
    no_slash = api.get("/api/v1/articles")
    assert no_slash.status_code == 404
    assert "did you mean /api/v1/articles/" in no_slash.json()["detail"]


# --- Claims ------------------------------------------------------------------------------------


def test_claims_are_listed_by_article(api):
    claim = ClaimFactory()
    ClaimFactory()
    response = api.get("/api/v1/claims/", {"article": claim.article_id})
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [claim.pk]
    bad = api.get("/api/v1/claims/", {"status": "bogus"})
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


def test_a_claim_shows_its_quantities_speaker_and_duplicates(api):
    claim = ClaimFactory(
        speaker="the mayor",
        speaker_via="told CNN",
        quantities=[{"value": 12, "unit": "bus lines", "start": 26, "end": 28}],
    )
    restated = ClaimFactory(duplicate_of=claim, status=Claim.Status.DUPLICATE)
    data = api.get(f"/api/v1/claims/{claim.pk}/").json()
    assert data["speaker"] == "the mayor" and data["speaker_via"] == "told CNN"
    assert data["quantities"] == [{"value": 12, "unit": "bus lines", "start": 26, "end": 28}]
    assert data["duplicates"] == [restated.pk]
    assert api.get(f"/api/v1/claims/{restated.pk}/").json()["duplicate_of"] == claim.pk


def test_claims_filter_by_kind_source_and_speaker(api):
    wanted = ClaimFactory(kind=Claim.Kind.EVENT, speaker="Mayor Jane Doe")
    wanted.article.source = "Daily"
    wanted.article.save()
    ClaimFactory(kind=Claim.Kind.EVENT, speaker="Someone else")
    ClaimFactory(kind=Claim.Kind.QUANTITY, speaker="Mayor Jane Doe")
    response = api.get("/api/v1/claims/", {"kind": "event", "speaker": "jane", "source": "Daily"})
    assert [c["id"] for c in response.json()["results"]] == [wanted.pk]


# --- Throttling --------------------------------------------------------------------------------


def test_each_user_is_throttled_on_their_own_whichever_token_they_use(settings):
    settings.FACTCHECK_API_THROTTLE_RATES = {"api": "3/min", "export": "1/min"}
    user = ReviewerFactory()
    first, second = token_client(user), token_client(user)
    assert [first.get("/api/v1/claims/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = first.get("/api/v1/claims/")
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"]
    assert int(throttled["Retry-After"]) > 0
    # Another token of the same user shares the count; another user has their own.
    assert second.get("/api/v1/claims/").status_code == 429
    assert token_client().get("/api/v1/claims/").status_code == 200


def test_exports_have_their_own_lower_rate(settings):
    settings.FACTCHECK_API_THROTTLE_RATES = {"api": "100/min", "export": "1/min"}
    client = token_client()
    assert client.get("/api/v1/export/verdicts.csv").status_code == 200
    assert client.get("/api/v1/export/verdicts.ndjson").status_code == 429
    assert client.get("/api/v1/verdicts/").status_code == 200


# --- Schema ------------------------------------------------------------------------------------


def test_the_openapi_schema_documents_every_endpoint_and_its_errors(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/articles/", "/api/v1/articles/{article_id}/", "/api/v1/claims/",
        "/api/v1/claims/{claim_id}/", "/api/v1/verdicts/", "/api/v1/verdicts/{verdict_id}/",
        "/api/v1/verdicts/{verdict_id}/claimreview/", "/api/v1/export/verdicts.csv",
        "/api/v1/export/verdicts.ndjson", "/api/v1/export/claimreview.json",
        "/api/v1/export/claimreview.ndjson",
    ):  # fmt: skip
        for operation in paths[path].values():
            assert {"401", "403", "429"} <= set(operation["responses"]), path
    assert {"400", "409", "413"} <= set(paths["/api/v1/articles/"]["post"]["responses"])
    params = {p["name"] for p in paths["/api/v1/verdicts/"]["get"]["parameters"]}
    assert {"updated_since", "cursor", "rating", "article", "source", "reviewer", "kind",
            "published_after", "published_before", "ordering"} <= params  # fmt: skip
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_is_served_without_a_cdn(api):
    client = APIClient()
    client.force_login(ReviewerFactory())
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"cdn." not in response.content


def test_verdict_fixtures_are_distinct():
    # Guards the factories the other API tests rely on.
    assert PublishedVerdictFactory().published_at is not None
    assert VerdictFactory().published_at is None


def test_an_article_url_that_is_not_http_is_refused_naming_the_field(api):
    response = api.post(
        "/api/v1/articles/",
        {"body": "The council approved 12 new bus lines.", "url": "ftp://example.org/story"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["url"] == [
        "Only http:// and https:// URLs can be fetched, not “ftp:”."
    ]
    assert Article.objects.count() == 0
