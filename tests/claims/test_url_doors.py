"""A URL alone, from the web form and the admin: stored as fetching, never fetched by the web
process; a URL the fetcher would refuse is a form error."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.models import Article, Feed
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db
INGEST = reverse("claims:article-create")


@pytest.fixture(autouse=True)
def web_never_fetches(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the web process fetched a URL")

    monkeypatch.setattr("claims.services.fetching.url_fetch", fail)
    monkeypatch.setattr("claims.services.feeds.url_fetch", fail)
    monkeypatch.setattr("claims.services.fetching.article_enqueue_fetch", lambda **kw: True)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    client.force_login(user)
    return client


def test_the_web_form_takes_a_url_alone_and_stores_it_to_be_fetched(client):
    client.force_login(ReviewerFactory())
    response = client.post(INGEST, {"url": "https://example.org/news/7"})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.FETCHING and article.body == ""
    page = client.get(response["Location"])
    assert "Fetching" in page.content.decode()


@pytest.mark.parametrize(
    "url", ["http://example.org:99999/", "file:///etc/passwd", "http://user:pw@example.org/"]
)
def test_the_web_form_refuses_a_url_the_fetcher_would_refuse(client, url):
    client.force_login(ReviewerFactory())
    response = client.post(INGEST, {"url": url})
    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_pasted_html_is_reduced_to_its_main_text(client):
    client.force_login(ReviewerFactory())
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><article><h1>Buses</h1>"
        "<p>The council approved 12 new bus lines on Monday, officials said today.</p>"
        "</article><script>alert(1)</script></body></html>"
    )
    assert client.post(INGEST, {"body": html}).status_code == 302
    article = Article.objects.get()
    assert article.title == "Buses"
    assert "<" not in article.body and "alert" not in article.body
    assert "12 new bus lines" in article.body


def test_the_admin_takes_a_url_alone(admin_client):
    response = admin_client.post(
        "/admin/claims/article/add/", {"title": "", "url": "https://example.org/n/1", "body": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get().status == Article.Status.FETCHING


def test_the_admin_refuses_an_article_with_neither_text_nor_url(admin_client):
    response = admin_client.post("/admin/claims/article/add/", {"title": "x", "body": ""})
    assert response.status_code == 200
    assert "Give the article" in response.content.decode()
    assert Article.objects.count() == 0


def test_an_editor_adds_a_feed_in_the_admin_and_its_articles_name_it(admin_client):
    response = admin_client.post(
        "/admin/claims/feed/add/", {"url": "https://example.org/feed.xml", "active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    feed = Feed.objects.get()
    assert feed.status == Feed.Status.NEW
    assert admin_client.get("/admin/claims/feed/").status_code == 200
    article = Article.objects.create(
        title="From a feed", body="Text.", content_hash="x", feed=feed, feed_entry="g1"
    )
    page = admin_client.get(reverse("claims:article", args=[article.pk]))
    assert "from the feed “https://example.org/feed.xml”" in page.content.decode()
