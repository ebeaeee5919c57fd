import pytest
from django.core.exceptions import ValidationError

from claims import services
from claims.fetch import FetchError
from claims.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The tasks the services send, by name, instead of a broker."""
    messages: list[tuple[str, int]] = []
    monkeypatch.setattr(
        "claims.services.fetching.article_enqueue_fetch",
        lambda *, article_id: messages.append(("fetch", article_id)) or True,
    )
    monkeypatch.setattr(
        "claims.services.splitting.article_enqueue_split",
        lambda *, article_id: messages.append(("split", article_id)) or True,
    )
    return messages


def test_a_url_alone_is_stored_as_fetching_and_the_fetch_is_queued_after_commit(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create_from_url(url="https://example.org/a?utm_source=x")
    article.refresh_from_db()
    assert article.status == Article.Status.FETCHING
    assert article.url == "https://example.org/a"
    assert article.body == ""
    assert sent == [("fetch", article.pk)]


@pytest.mark.parametrize("url", ["http://example.org:99999/", "file:///etc/passwd", "nope"])
def test_a_bad_url_is_refused_and_nothing_is_stored(url):
    with pytest.raises(ValidationError):
        services.article_create_from_url(url=url)
    assert Article.objects.count() == 0


def test_a_url_already_stored_is_a_duplicate():
    stored = ArticleFactory(url="https://example.org/a")
    with pytest.raises(services.DuplicateArticle) as caught:
        services.article_create_from_url(url="https://EXAMPLE.org/a/")
    assert caught.value.existing == stored


def test_the_worker_keeps_the_main_text_and_metadata_and_queues_the_split(
    local_site, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create_from_url(url=local_site.url("/news/jobless-rate"))
        outcome = services.article_fetch(article_id=article.pk)
    assert outcome.result == "queued"
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED
    assert article.title == "Jobless rate falls to 3.9 percent"
    assert article.author == "Lois Lane"
    assert article.published_on.isoformat() == "2024-05-31"
    assert "The unemployment rate fell to 3.9 percent in May" in article.body
    for boilerplate in ("Subscribe now", "cookies", "All rights reserved", "<"):
        assert boilerplate not in article.body
    assert article.url == local_site.url("/news/jobless-rate")  # canonical, tracking dropped
    assert ("split", article.pk) in sent


def test_running_the_fetch_twice_changes_nothing_the_second_time(local_site, sent):
    article = services.article_create_from_url(url=local_site.url("/news/jobless-rate"))
    assert services.article_fetch(article_id=article.pk).result == "queued"
    body = Article.objects.get(pk=article.pk).body
    assert services.article_fetch(article_id=article.pk).result == "skipped"
    assert Article.objects.get(pk=article.pk).body == body


def test_the_same_page_behind_another_url_is_caught_by_its_canonical_url(local_site, sent):
    first = services.article_create_from_url(url=local_site.url("/news/jobless-rate"))
    services.article_fetch(article_id=first.pk)
    again = services.article_create_from_url(url=local_site.url("/chain/2"))
    outcome = services.article_fetch(article_id=again.pk)
    assert outcome.result == "failed"
    again.refresh_from_db()
    assert again.status == Article.Status.FAILED
    assert f"Already stored as #{first.pk}" in again.failure_reason
    assert "canonical URL" in again.failure_reason


def test_the_same_text_at_another_url_is_caught_by_its_content(local_site, sent):
    ArticleFactory(body="The mayor said 12 new schools opened in 2024.")
    article = services.article_create_from_url(url=local_site.url("/plain"))
    assert services.article_fetch(article_id=article.pk).result == "failed"
    assert "same text" in Article.objects.get(pk=article.pk).failure_reason


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/binary", "image/png"),
        ("/no-type", "no Content-Type"),
        ("/gone", "404"),
        ("/to-file", "not an http(s) URL"),
    ],
)
def test_a_page_that_cannot_be_used_ends_failed_with_a_readable_reason(
    local_site, sent, path, reason
):
    article = services.article_create_from_url(url=local_site.url(path))
    assert services.article_fetch(article_id=article.pk).result == "failed"
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert article.failure_reason.startswith("Could not fetch the page:")
    assert reason in article.failure_reason


def test_a_private_address_ends_failed_when_private_fetching_is_off(site, sent):
    article = services.article_create_from_url(url=site.url("/news/jobless-rate"))
    services.article_fetch(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "not a public internet address" in article.failure_reason


def test_a_transient_error_asks_for_a_retry_and_changes_nothing(sent):
    article = services.article_create_from_url(url="https://example.org/a")

    def refused(url, **kwargs):
        raise FetchError("connection refused", transient=True)

    outcome = services.article_fetch(article_id=article.pk, fetcher=refused)
    assert outcome.result == "retry"
    assert Article.objects.get(pk=article.pk).status == Article.Status.FETCHING


def test_a_failed_fetch_is_fetched_again_on_retry(local_site, sent):
    article = services.article_create_from_url(url=local_site.url("/gone"))
    services.article_fetch(article_id=article.pk)
    services.article_resplit(article_id=article.pk, by=None)
    assert Article.objects.get(pk=article.pk).status == Article.Status.FETCHING
