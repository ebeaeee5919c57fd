"""Bad input through the web forms and pages: each case gets a clear message and changes nothing already
stored (the other doors are beside this module; the browser proof that no script runs is
tests/integration/test_xss_browser.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import Article, Claim
from tests.claims.bad_input._inputs import (
    ARTICLES,
    BLANKS,
    ENGLISH,
    HOSTILE,
    INGEST,
    _snapshot,
)
from tests.factories import ArticleFactory, ClaimFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


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
