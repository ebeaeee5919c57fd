import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Article, Claim, Verdict
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.mark.parametrize("name", ["claims:queue", "claims:articles", "claims:article-create"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_the_reviewer_role_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(reverse("claims:queue")).status_code == 403


def test_the_queue_lists_open_claims_most_check_worthy_first(reviewer_client):
    low = ClaimFactory(score=0.3)
    high = ClaimFactory(score=0.9)
    ClaimFactory(score=0.99, status=Claim.Status.DISMISSED)
    ClaimFactory(score=0.98, kind=Claim.Kind.NOT_CHECKABLE)
    response = reviewer_client.get(reverse("claims:queue"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [high, low]
    shown_all = reviewer_client.get(reverse("claims:queue"), {"all": "1"})
    assert len(shown_all.context["page"].object_list) == 4


def test_the_queue_search_treats_like_wildcards_literally(reviewer_client):
    ClaimFactory()
    response = reviewer_client.get(reverse("claims:queue"), {"q": "%_%"})
    assert list(response.context["page"].object_list) == []
    response = reviewer_client.get(reverse("claims:queue"), {"q": "bus lines"})
    assert len(response.context["page"].object_list) == 1


def test_the_claim_page_highlights_the_evidence_in_its_paragraph(reviewer_client):
    claim = ClaimFactory()
    response = reviewer_client.get(reverse("claims:claim", args=[claim.pk]))
    assert response.status_code == 200
    assert (
        f"<mark>{claim.article.body[claim.start : claim.end]}</mark>" in response.content.decode()
    )


def test_a_verdict_from_the_form_is_stored_and_the_next_claim_opens(reviewer_client, reviewer):
    claim = ClaimFactory(score=0.9)
    following = ClaimFactory(score=0.5)
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {
            "rating": "false",
            "explanation": "Minutes show 3.",
            "evidence_urls": "https://example.org/m\n",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("claims:claim", args=[following.pk])
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.rating, verdict.reviewer, verdict.evidence_urls) == (
        "false",
        reviewer,
        ["https://example.org/m"],
    )


def test_a_verdict_with_a_javascript_link_is_refused_with_a_form_error(reviewer_client):
    claim = ClaimFactory()
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "true", "explanation": "x", "evidence_urls": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    assert "not a web address" in response.content.decode()
    assert not Verdict.objects.exists()


def test_pasting_an_article_stores_it_and_lands_on_its_page(reviewer_client):
    response = reviewer_client.post(
        reverse("claims:article-create"),
        {"title": "Buses", "body": "The council approved 12 new bus lines on Monday."},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("claims:article", args=[article.pk])
    page = reviewer_client.get(response.url)
    assert "Queued" in page.content.decode()


def test_an_uploaded_html_file_is_stored_as_text_without_its_scripts(reviewer_client):
    html = (
        b"<html><head><title>T</title><script>alert('x')</script></head><body>"
        b'<h1>Bus lines</h1><p onclick="evil()">The council approved 12 new bus lines.</p>'
        b"</body></html>"
    )
    upload = SimpleUploadedFile("story.html", html, content_type="text/html")
    response = reviewer_client.post(reverse("claims:article-create"), {"file": upload})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Bus lines"
    assert "alert" not in article.body and "evil" not in article.body
    assert "The council approved 12 new bus lines." in article.body


def test_a_binary_upload_is_refused_with_a_clear_error(reviewer_client):
    upload = SimpleUploadedFile(
        "story.txt", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="text/plain"
    )
    response = reviewer_client.post(reverse("claims:article-create"), {"file": upload})
    assert response.status_code == 400
    assert "binary" in response.content.decode()
    assert not Article.objects.exists()


def test_the_same_article_twice_gets_a_form_error_naming_the_stored_one(reviewer_client):
    data = {"title": "Buses", "body": "The council approved 12 new bus lines on Monday."}
    reviewer_client.post(reverse("claims:article-create"), data)
    response = reviewer_client.post(reverse("claims:article-create"), data)
    assert response.status_code == 409
    stored = Article.objects.get()
    assert f"#{stored.pk}" in response.content.decode()
    assert Article.objects.count() == 1
