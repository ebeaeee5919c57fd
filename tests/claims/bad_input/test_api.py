"""Bad input through the REST API: each case gets a clear message and changes nothing already
stored (the other doors are beside this module; the browser proof that no script runs is
tests/integration/test_xss_browser.py)."""

import json

import pytest
from django.urls import reverse

from claims.models import Article
from tests.claims.bad_input._inputs import (
    ARTICLES,
    BLANKS,
    ENGLISH,
    GERMAN,
    _detail,
    _snapshot,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", BLANKS, ids=["empty", "spaces", "newlines", "unicode-spaces"])
def test_an_empty_or_whitespace_article_is_refused_by_the_api(api, stored, body):
    response = api.post(ARTICLES, {"title": "Nothing", "body": body}, format="json")
    assert response.status_code == 400
    assert "body" in _detail(response) or "no text" in _detail(response)
    assert _snapshot() == stored


def test_an_article_over_the_size_limit_is_a_413_from_the_api(api, stored, small_limit):
    response = api.post(ARTICLES, {"body": "word " * 300}, format="json")
    assert response.status_code == 413
    assert "the limit is 1,000" in _detail(response)
    assert _snapshot() == stored


def test_invalid_utf8_in_an_api_body_is_a_400(api, stored):
    raw = b'{"title": "Bad", "body": "The council \xff approved 12 bus lines."}'
    response = api.post(ARTICLES, raw, content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in _detail(response) or "utf-8" in _detail(response).lower()
    assert _snapshot() == stored


def test_a_nul_character_in_api_text_is_a_400_not_a_database_error(api, stored):
    response = api.post(
        ARTICLES, {"title": "Nul\u0000title", "body": ENGLISH + "\u0000"}, format="json"
    )
    assert response.status_code == 400
    assert "Null characters are not allowed" in _detail(response)
    assert _snapshot() == stored


def test_a_non_english_article_posted_to_the_api_is_stored_with_its_language(api):
    response = api.post(ARTICLES, {"title": "Busse", "body": GERMAN}, format="json")
    assert response.status_code == 201
    assert Article.objects.get(pk=response.json()["id"]).language == "de"


# --- The same article twice -------------------------------------------------------------------


@pytest.mark.parametrize(
    "second",
    [
        {"body": ENGLISH},
        {"body": "  " + ENGLISH.upper().replace(" ", "   \n") + "\n"},
        {"body": ENGLISH + " And more.", "url": "https://NEWS.example.org/buses/?utm_source=x#top"},
    ],
    ids=["same-text", "same-text-other-spacing-and-case", "same-url"],
)
def test_the_same_article_twice_is_a_409_naming_the_stored_one(api, second):
    first = api.post(
        ARTICLES, {"body": ENGLISH, "url": "https://news.example.org/buses"}, format="json"
    )
    assert first.status_code == 201
    before = _snapshot()
    response = api.post(ARTICLES, {"title": "Again", **second}, format="json")
    assert response.status_code == 409
    assert f"#{first.json()['id']}" in _detail(response)
    assert response.json()["existing"].endswith(reverse("api:article", args=[first.json()["id"]]))
    assert _snapshot() == before


# --- Malformed JSON, wrong types, unknown fields ----------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b'{"body": "The council', b"", b"[]", b'"just a string"', b"null", b"{'body': 'x'}"],
    ids=["truncated", "empty", "array", "string", "null", "single-quotes"],
)
def test_malformed_json_is_a_400_with_a_message(api, stored, raw):
    response = api.post(ARTICLES, raw, content_type="application/json")
    assert response.status_code == 400
    assert _detail(response)
    assert _snapshot() == stored


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": 12}, "body"),
        ({"body": ["The council approved"]}, "body"),
        ({"body": {"text": "The council approved"}}, "body"),
        ({"body": None}, "body"),
        ({"body": True}, "body"),
        ({"title": 5, "body": ENGLISH}, "title"),
        ({"title": "x" * 501, "body": ENGLISH}, "title"),
        ({"body": ENGLISH, "published_on": "yesterday"}, "published_on"),
        ({"body": ENGLISH, "published_on": "2024-13-45"}, "published_on"),
        ({"body": ENGLISH, "url": "javascript:alert(1)"}, "url"),
        ({"body": ENGLISH, "url": "ftp://example.org/a"}, "url"),
        ({"body": ENGLISH, "url": 42}, "url"),
        ({"title": "No body"}, "body"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(api, stored, payload, field):
    response = api.post(ARTICLES, payload, format="json")
    assert response.status_code == 400
    assert field in _detail(response).lower()
    assert _snapshot() == stored


def test_a_body_that_is_not_json_is_a_415(api, stored):
    response = api.post(ARTICLES, "body=The council", content_type="text/plain")
    assert response.status_code == 415
    assert _snapshot() == stored


def test_unknown_fields_are_refused_by_name(api, stored):
    response = api.post(
        ARTICLES, {"body": ENGLISH, "status": "split", "is_admin": True}, format="json"
    )
    assert response.status_code == 400
    assert "status" in _detail(response) and "is_admin" in _detail(response)
    assert _snapshot() == stored


@pytest.mark.parametrize(
    "query",
    [
        {"article": "abc"},
        {"article": "-1"},
        {"article": "1.5"},
        {"article": "99999999999999999999999"},
        {"status": "bogus"},
        {"kind": "'; DROP TABLE claims_claim; --"},
    ],
)
def test_bad_claim_filters_are_a_400_naming_the_parameter(api, stored, query):
    response = api.get(reverse("api:claims"), query)
    assert response.status_code == 400
    assert next(iter(query)) in _detail(response)
    assert _snapshot() == stored


@pytest.mark.parametrize("path", ["articles", "claims"])
def test_an_id_too_large_for_the_database_is_a_404_not_a_500(api, stored, path):
    response = api.get(f"/api/v1/{path}/99999999999999999999999/")
    assert response.status_code == 404
    assert _snapshot() == stored


def test_the_api_error_bodies_are_json_even_for_bad_input(api):
    # A partner's client parses every answer: no HTML error page for any of the cases above.
    for response in (
        api.post(ARTICLES, b"{", content_type="application/json"),
        api.post(ARTICLES, {"body": 12}, format="json"),
        api.get(reverse("api:claims"), {"status": "bogus"}),
    ):
        assert response["Content-Type"].startswith("application/json")
        assert isinstance(json.loads(response.content), dict)
