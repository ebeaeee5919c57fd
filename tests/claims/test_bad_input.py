"""Bad input, through every door (API, web form, service): each case gets a clear message and
changes nothing already stored. Hostile HTML is stored and shown as text only (the browser proof
that no script runs is tests/integration/test_xss_browser.py)."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services
from claims.models import Article, AuditEvent, Claim, Verdict
from claims.text import LANGUAGE_UNDETERMINED, language_guess
from tests.factories import ArticleFactory, ClaimFactory, ReviewerFactory, VerdictFactory

pytestmark = pytest.mark.django_db

ARTICLES = reverse("api:articles")
INGEST = reverse("claims:article-create")
ENGLISH = (
    "The council approved 12 new bus lines on Monday, the mayor said.\n\nOfficials told reporters "
    "that ridership rose by 14 percent in 2023 and that the city will add more routes next year."
)
FRENCH = (
    "Le conseil municipal a approuvé lundi douze nouvelles lignes de bus, a déclaré le maire. "
    "Selon les responsables, la fréquentation a augmenté de 14 pour cent en 2023 et la ville "
    "ajoutera des lignes l'année prochaine."
)
GERMAN = (
    "Der Stadtrat hat am Montag zwölf neue Buslinien genehmigt, sagte der Bürgermeister. Die "
    "Zahl der Fahrgäste ist nach Angaben der Verwaltung im Jahr 2023 um 14 Prozent gestiegen, "
    "und die Stadt will im nächsten Jahr noch mehr Linien einrichten."
)
RUSSIAN = (
    "Городской совет в понедельник одобрил двенадцать новых автобусных маршрутов, сообщил мэр. "
    "По словам чиновников, число пассажиров в 2023 году выросло на 14 процентов."
)
HOSTILE = (
    "The council approved 12 new bus lines <script>window.__pwned = 'script'</script> on Monday.\n\n"
    '<img src="x" onerror="window.__pwned = \'img\'"> Officials said ridership rose by 14 percent.\n\n'
    "<a href=\"javascript:window.__pwned = 'link'\">Read the minutes</a>, the mayor said."
)


# --- What "nothing changed" means -------------------------------------------------------------


def _snapshot() -> dict[str, list[Any]]:
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "claims": list(Claim.objects.order_by("pk").values()),
        "verdicts": list(Verdict.objects.order_by("pk").values()),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


@pytest.fixture
def stored() -> dict[str, list[Any]]:
    """An article with claims, one of them judged: what bad input must leave alone."""
    claim = ClaimFactory(article__body=ENGLISH, article__title="Stored")
    ClaimFactory(article=claim.article, start=0, end=10)
    VerdictFactory(claim=claim)
    return _snapshot()


@pytest.fixture
def api(reviewer) -> APIClient:
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


@pytest.fixture
def web(client, reviewer):  # type: ignore[no-untyped-def]
    client.force_login(reviewer)
    return client


def _detail(response: Any) -> str:
    return str(response.json().get("detail", ""))


# --- Empty text -------------------------------------------------------------------------------

BLANKS = ["", "   ", "\n\t \r\n", "\u00a0\u2003\u3000"]


@pytest.mark.parametrize("body", BLANKS, ids=["empty", "spaces", "newlines", "unicode-spaces"])
def test_an_empty_or_whitespace_article_is_refused_by_the_api(api, stored, body):
    response = api.post(ARTICLES, {"title": "Nothing", "body": body}, format="json")
    assert response.status_code == 400
    assert "body" in _detail(response) or "no text" in _detail(response)
    assert _snapshot() == stored


@pytest.mark.parametrize("body", BLANKS, ids=["empty", "spaces", "newlines", "unicode-spaces"])
def test_an_empty_or_whitespace_article_is_refused_by_the_ingest_form(web, stored, body):
    response = web.post(INGEST, {"title": "Nothing", "body": body})
    assert response.status_code == 400
    assert "Paste the article text or upload a file." in response.content.decode()
    assert _snapshot() == stored


def test_an_empty_uploaded_file_is_refused(web, stored):
    upload = SimpleUploadedFile("empty.txt", b" \n \n", content_type="text/plain")
    response = web.post(INGEST, {"file": upload})
    assert response.status_code == 400
    assert "The article has no text." in response.content.decode()
    assert _snapshot() == stored


# --- Size -------------------------------------------------------------------------------------


@pytest.fixture
def small_limit(settings) -> int:
    settings.FACTCHECK_MAX_ARTICLE_CHARS = 1000
    return 1000


def test_an_article_over_the_size_limit_is_a_413_from_the_api(api, stored, small_limit):
    response = api.post(ARTICLES, {"body": "word " * 300}, format="json")
    assert response.status_code == 413
    assert "the limit is 1,000" in _detail(response)
    assert _snapshot() == stored


def test_an_article_over_the_size_limit_is_a_form_error_on_the_page(web, stored, small_limit):
    response = web.post(INGEST, {"title": "Long", "body": "word " * 300})
    assert response.status_code == 400
    assert "the limit is 1,000" in response.content.decode()
    assert _snapshot() == stored


def test_an_upload_far_over_the_size_limit_is_refused_before_it_is_read(web, stored, small_limit):
    upload = SimpleUploadedFile("huge.txt", b"word " * 2000, content_type="text/plain")
    response = web.post(INGEST, {"file": upload})
    assert response.status_code == 400
    assert "“huge.txt” is larger than 4,000 bytes." in response.content.decode()
    assert _snapshot() == stored


# --- Encodings and binary files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("latin1.txt", "Le maire a approuvé".encode("latin-1"), "is not valid UTF-8 text"),
        ("broken.txt", b"The council \xff\xfe approved", "is not valid UTF-8 text"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        ("story.html", b"<html>\x00\x01\x02</html>", "looks like a binary file"),
        ("story.pdf", b"%PDF-1.7\n", "is not a .txt or .html file"),
        ("story.exe", b"MZ\x90\x00", "is not a .txt or .html file"),
    ],
)
def test_invalid_utf8_and_binary_uploads_are_refused_with_the_reason(
    web, stored, name, data, message
):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = web.post(INGEST, {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
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


# --- Hostile HTML: stored as text, shown as text ----------------------------------------------


def test_an_uploaded_html_file_keeps_its_text_and_drops_scripts_handlers_and_links(web, stored):
    html = (
        "<html><head><title>Buses</title><script>window.__pwned = 1</script></head><body>"
        "<h1>Bus lines</h1>"
        '<p onmouseover="window.__pwned = 2">The council approved 12 new bus lines.</p>'
        '<p><a href="javascript:window.__pwned = 3">Read the minutes</a> of the meeting.</p>'
        '<svg onload="window.__pwned = 4"><text>ignored</text></svg>'
        '<iframe src="javascript:window.__pwned = 5"></iframe><noscript>no</noscript>'
        "</body></html>"
    )
    upload = SimpleUploadedFile("story.html", html.encode(), content_type="text/html")
    response = web.post(INGEST, {"file": upload})
    assert response.status_code == 302
    article = Article.objects.exclude(pk__in=[a["id"] for a in stored["articles"]]).get()
    assert "The council approved 12 new bus lines." in article.body
    assert "Read the minutes of the meeting." in article.body
    for hostile in ("<", "__pwned", "javascript:", "onmouseover", "onload", "ignored"):
        assert hostile not in article.body
    assert article.title == "Bus lines"


def test_html_sent_as_text_is_stored_verbatim_and_escaped_on_every_page(api, web):
    response = api.post(ARTICLES, {"title": "<b>Buses</b>", "body": HOSTILE}, format="json")
    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    assert "<script>" in article.body  # text is text: nothing is silently rewritten
    claim = ClaimFactory(
        article=article,
        start=0,
        end=article.body.index("\n"),
        text="12 new bus lines <script>window.__pwned = 'claim'</script>",
        speaker='<img src=x onerror="window.__pwned = 1">',
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SPLIT)
    pages = [
        reverse("claims:article", args=[article.pk]),
        reverse("claims:claim", args=[claim.pk]),
        reverse("claims:queue"),
        reverse("claims:articles"),
    ]
    for url in pages:
        page = web.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert "<script>window.__pwned" not in html, url
        assert 'onerror="window.__pwned' not in html, url
        assert 'href="javascript:' not in html, url
        assert "<b>Buses</b>" not in html, url
    claim_page = web.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "&lt;script&gt;window.__pwned" in claim_page


# --- A 5,000-word sentence --------------------------------------------------------------------

RUN_ON = (
    "the council said that the new bus lines would carry more than twelve thousand people every "
    "day and officials told reporters that ridership rose by fourteen percent in 2023 while the "
    "mayor promised that the city would add routes"
)


def test_a_5000_word_sentence_without_punctuation_splits_without_crashing(worker_extractor):
    words = RUN_ON.split()
    body = " ".join(words[i % len(words)] for i in range(5000))
    article = services.article_create(title="Run-on", body=body)
    assert article.language == "en"

    outcome = services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)

    article.refresh_from_db()
    assert outcome.result in ("split", "failed")
    assert article.status in (Article.Status.SPLIT, Article.Status.FAILED)
    if article.status == Article.Status.FAILED:
        assert article.failure_reason  # refused with a reason people can read
    for claim in article.claims.all():
        assert 0 <= claim.start <= claim.end <= len(article.body)
        assert len(claim.text) > 0


# --- Non-English text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ENGLISH, "en"),
        (FRENCH, "fr"),
        (GERMAN, "de"),
        (RUSSIAN, LANGUAGE_UNDETERMINED),
        (
            "政府は火曜日、失業者数が3%減少したと発表した。国家統計局が発表した数字によるものである。",
            "und",
        ),
        ("12 buses.", ""),
        # English with foreign names and a quote stays English.
        (
            "The Bundestag in Berlin passed the law on Friday, the chancellor said, calling it "
            "a « grande victoire » for the coalition and its partners in the region.",
            "en",
        ),
    ],
    ids=["en", "fr", "de", "ru", "ja", "too-short", "en-with-names"],
)
def test_the_language_guess_names_the_language_or_says_it_cannot_tell(text, expected):
    assert language_guess(text) == expected


def _extractor_never_called(body: str) -> Any:
    raise AssertionError("the English extractor ran on a non-English article")


@pytest.mark.parametrize(
    ("body", "language", "named"),
    [(FRENCH, "fr", "French"), (GERMAN, "de", "German"), (RUSSIAN, "und", "other than English")],
)
def test_a_non_english_article_is_stored_marked_and_not_split_into_nonsense(body, language, named):
    article = services.article_create(title="Abroad", body=body)
    assert article.language == language

    outcome = services.article_extract_claims(
        article_id=article.pk, extractor=_extractor_never_called
    )

    article.refresh_from_db()
    assert outcome.result == "split" and outcome.claims == 0
    assert article.status == Article.Status.SPLIT
    assert not article.claims.exists()
    assert named in article.failure_reason and "English only" in article.failure_reason
    event = AuditEvent.objects.filter(article=article, action=AuditEvent.Action.SPLIT).get()
    assert "English only" in event.message


def test_an_english_article_still_goes_to_the_extractor():
    article = services.article_create(title="Home", body=ENGLISH)
    calls: list[str] = []

    def extractor(body: str) -> Any:
        calls.append(body)
        return [], "test-1"

    services.article_extract_claims(article_id=article.pk, extractor=extractor)
    article.refresh_from_db()
    assert calls == [article.body]
    assert article.failure_reason == ""


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


def test_the_same_article_twice_on_the_form_names_and_links_the_stored_one(web):
    first = web.post(INGEST, {"title": "Buses", "body": ENGLISH})
    existing = Article.objects.get()
    before = _snapshot()
    response = web.post(INGEST, {"title": "Buses again", "body": ENGLISH.lower()})
    assert first.status_code == 302 and response.status_code == 409
    html = response.content.decode()
    assert f"#{existing.pk}" in html and "Buses" in html
    assert reverse("claims:article", args=[existing.pk]) in html
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


# --- Queue search with SQL and LIKE wildcards -------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("%", ["percent"]),
        ("_", ["underscore"]),
        ("\\", ["backslash"]),
        ("' OR 1=1 --", []),
        ("'; DROP TABLE claims_claim; --", []),
        ('" OR ""="', []),
        ("%' OR '%'='", []),
        ("rose by 50%", ["percent"]),
    ],
)
def test_the_queue_search_takes_sql_and_wildcards_literally(web, q, expected):
    article = ArticleFactory(status=Article.Status.SPLIT)
    texts = {
        "percent": "Ridership rose by 50% in 2023.",
        "underscore": "The file bus_lines.csv lists 12 routes.",
        "backslash": "The path C:\\routes holds 12 files.",
        "plain": "The council approved 12 new bus lines.",
    }
    ids = {}
    for position, (name, text) in enumerate(texts.items()):
        ids[name] = ClaimFactory(article=article, position=position, text=text, sentence=text).pk
    before = _snapshot()
    response = web.get(reverse("claims:queue"), {"q": q})
    assert response.status_code == 200
    found = {c.pk for c in response.context["page"].object_list}
    assert found == {ids[name] for name in expected}
    assert _snapshot() == before
    assert "claims_claim" in connection.introspection.table_names()


# --- Verdicts: evidence links and leases ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.org/report.pdf",
        "mailto:desk@example.org",
        "//example.org/no-scheme",
        "https://",
    ],
)
def test_evidence_links_that_are_not_http_are_refused_and_nothing_is_stored(web, url):
    claim = ClaimFactory()
    before = _snapshot()
    response = web.post(
        reverse("claims:claim", args=[claim.pk]),
        {
            "rating": "true",
            "explanation": "Minutes confirm it.",
            "evidence_urls": f"https://example.org/ok\n{url}",
        },
    )
    assert response.status_code == 200
    assert "is not a web address (only http:// and https:// links)" in response.content.decode()
    assert _snapshot() == before
    with pytest.raises(ValidationError, match="not a web address"):
        services.verdict_set(
            claim_id=claim.pk, reviewer=ReviewerFactory(), rating="true",
            explanation="Minutes confirm it.", evidence_urls=[url],
        )  # fmt: skip
    assert _snapshot() == before


def test_a_verdict_on_a_claim_another_reviewer_holds_is_refused_naming_the_holder(web):
    holder = ReviewerFactory(username="holder")
    claim = ClaimFactory(
        status=Claim.Status.IN_REVIEW,
        assignee=holder,
        lease_expires_at=timezone.now() + timedelta(minutes=10),
    )
    before = _snapshot()
    response = web.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "false", "explanation": "Wrong.", "evidence_urls": ""},
    )
    assert response.status_code == 200
    assert f"Claim #{claim.pk} is being reviewed by holder" in response.content.decode()
    assert _snapshot() == before


def test_the_api_error_bodies_are_json_even_for_bad_input(api):
    # A partner's client parses every answer: no HTML error page for any of the cases above.
    for response in (
        api.post(ARTICLES, b"{", content_type="application/json"),
        api.post(ARTICLES, {"body": 12}, format="json"),
        api.get(reverse("api:claims"), {"status": "bogus"}),
    ):
        assert response["Content-Type"].startswith("application/json")
        assert isinstance(json.loads(response.content), dict)
