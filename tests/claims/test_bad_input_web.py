"""Bad input at the web doors gets a clear answer, never a 500: URLs with an impossible port,
digits that int() refuses, too many search words, over-long form fields, and the database gone
while the API is asked to store something."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import OperationalError

from claims.models import Article, Verdict
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, token_api_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]
BAD_PORT = "https://example.org:99999/story"
BODY = "The council approved 12 new bus lines on Monday, the mayor said."


@pytest.fixture
def reviewer_client(client):
    client.force_login(ReviewerFactory(is_staff=True))
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x"))
    return client


# --- A URL with an impossible port ------------------------------------------------------------


def test_the_api_answers_400_naming_the_url_for_an_impossible_port():
    response = token_api_client().post(
        "/api/v1/articles/", data={"body": BODY, "url": BAD_PORT}, format="json"
    )
    assert response.status_code == 400
    assert "url" in response.json()["errors"] and "port" in response.json()["detail"]
    assert not Article.objects.exists()


def test_the_ingest_form_shows_an_error_for_an_impossible_port(reviewer_client):
    response = reviewer_client.post("/articles/new/", {"body": BODY, "url": BAD_PORT})
    assert response.status_code == 400
    assert "port" in response.content.decode()
    assert not Article.objects.exists()


def test_the_admin_shows_an_error_for_an_impossible_port(superuser_client):
    response = superuser_client.post(
        "/admin/claims/article/add/", {"title": "T", "body": BODY, "url": BAD_PORT}
    )
    assert response.status_code == 200
    assert "port" in response.content.decode()
    assert not Article.objects.exists()


def test_one_bad_jsonl_line_is_reported_and_the_others_are_stored(tmp_path):
    lines = [
        {"body": "The council approved 12 new bus lines."},
        {"body": "Ridership rose by 40 percent in 2023.", "url": BAD_PORT},
        {"body": "The mayor opened 3 new parks."},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError, match="created 2, duplicates 0, errors 1"):
        call_command("ingest", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    assert f"{path}:2" in err.getvalue() and "port" in err.getvalue()
    assert Article.objects.count() == 2


# --- Digits that int() refuses, and ids too large -----------------------------------------------


@pytest.mark.parametrize("term", ["#²", "#١٢", "#99999999999999999999999"])
def test_the_admin_search_takes_odd_digits_as_words(superuser_client, term):
    ClaimFactory()
    response = superuser_client.get("/admin/claims/claim/", {"q": term})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/", "assignee"),
        ("/my-work/", "who"),
        ("/admin/claims/claim/", "assignee"),
        ("/admin/claims/claim/", "article"),
    ],
)
def test_odd_digits_in_a_filter_never_give_a_500(client, url, parameter, value):
    client.force_login(EditorFactory(is_staff=True))
    ClaimFactory()
    response = client.get(url, {parameter: value})
    assert response.status_code in (200, 302)


def test_the_admin_history_of_an_odd_id_is_not_a_500(superuser_client):
    response = superuser_client.get("/admin/claims/claim/²/history/")
    assert response.status_code in (200, 302, 404)


# --- Too many search words ------------------------------------------------------------------------


def test_the_admin_search_caps_the_words_and_says_so(superuser_client):
    claim = ClaimFactory()
    words = " ".join(claim.text.split()[:3] + [f"w{i}" for i in range(50)])
    response = superuser_client.get("/admin/claims/claim/", {"q": words}, follow=True)
    assert response.status_code == 200
    assert "first 10 words" in response.content.decode()


def test_the_article_admin_search_caps_the_words_too(superuser_client):
    words = " ".join(f"w{i}" for i in range(50))
    response = superuser_client.get("/admin/claims/article/", {"q": words})
    assert response.status_code == 200
    assert "first 10 words" in response.content.decode()


def test_the_queue_search_says_when_it_drops_words(reviewer_client):
    words = " ".join(f"w{i}" for i in range(30))
    response = reviewer_client.get("/", {"q": words})
    assert response.status_code == 200
    assert "first 10 words" in response.content.decode()


# --- Form fields hold what the API holds ------------------------------------------------------


def test_the_verdict_form_refuses_an_explanation_longer_than_the_api_allows(client):
    reviewer = ReviewerFactory()
    client.force_login(reviewer)
    claim = ClaimFactory()
    response = client.post(f"/claims/{claim.pk}/", {"rating": "true", "explanation": "x" * 20_001})
    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode().replace(",", "")
    assert not Verdict.objects.exists()


@pytest.mark.parametrize("field", ["note"])
def test_the_review_form_refuses_an_overlong_note(client, field):
    from claims.forms import VerdictReviewForm

    form = VerdictReviewForm({"agrees": "no", "rating": "true", field: "x" * 20_001})
    assert not form.is_valid() and field in form.errors


def test_the_settle_form_refuses_an_overlong_explanation():
    from claims.forms import VerdictSettleForm

    form = VerdictSettleForm({"rating": "true", "explanation": "x" * 20_001})
    assert not form.is_valid() and "explanation" in form.errors


# --- The database gone --------------------------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError, "InterfaceError"])
def test_the_api_answers_a_json_503_with_retry_after_when_the_database_is_gone(monkeypatch, error):
    from django import db

    exc = getattr(db, error) if isinstance(error, str) else error
    client = token_api_client()

    def gone(**kwargs):
        raise exc("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("claims.services.article_ingest", gone)
    response = client.post("/api/v1/articles/", data={"body": BODY}, format="json")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0
    assert "database" in response.json()["detail"]
    assert "127.0.0.1" not in response.json()["detail"]
