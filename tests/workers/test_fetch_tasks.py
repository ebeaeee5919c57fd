"""The fetch and feed tasks: their names, retries on transient errors, and giving up."""

import pytest
from django.conf import settings

from claims import services
from claims.fetch import FetchError
from claims.models import Article
from workers import tasks
from workers.tasks import fetch_article, fetch_retry_delay, poll_feeds

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("claims.services.fetching.article_enqueue_fetch", lambda **kw: True)
    monkeypatch.setattr("claims.services.splitting.article_enqueue_split", lambda **kw: True)


def test_the_tasks_are_registered_under_the_names_the_web_side_sends():
    assert fetch_article.name == services.FETCH_TASK_NAME == "workers.fetch_article"
    assert poll_feeds.name == services.FEEDS_POLL_TASK_NAME == "workers.poll_feeds"
    assert settings.CELERY_BEAT_SCHEDULE["poll-feeds"]["task"] == services.FEEDS_POLL_TASK_NAME


def test_the_fetch_task_fetches_and_queues_the_split(local_site):
    article = services.article_create_from_url(url=local_site.url("/news/jobless-rate"))
    assert fetch_article.apply(args=[article.pk]).get() == {"result": "queued", "reason": ""}
    assert Article.objects.get(pk=article.pk).status == Article.Status.QUEUED


def test_a_transient_error_is_retried_then_the_article_fails_with_the_reason(monkeypatch):
    article = services.article_create_from_url(url="https://example.org/a")
    calls = []

    def refused(url, **kwargs):
        calls.append(url)
        raise FetchError("connection refused", transient=True)

    monkeypatch.setattr("claims.services.fetching.url_fetch", refused)
    monkeypatch.setattr(tasks, "fetch_retry_delay", lambda retries: 0)
    fetch_article.apply(args=[article.pk])
    article.refresh_from_db()
    assert len(calls) == fetch_article.max_retries + 1
    assert article.status == Article.Status.FAILED
    assert article.failure_reason == ("Could not fetch the page after 6 tries: connection refused")


def test_the_retry_delay_doubles_and_is_capped(settings):
    settings.FACTCHECK_SPLIT_RETRY_BACKOFF = 2
    settings.FACTCHECK_SPLIT_RETRY_BACKOFF_MAX = 120
    assert 1 <= fetch_retry_delay(0) <= 2
    assert 32 <= fetch_retry_delay(5) <= 64
    assert fetch_retry_delay(20) == 120


def test_the_feed_task_polls_due_feeds(local_site):
    local_site.feed_add("t1")
    services.feed_create(url=local_site.url("/feed.xml"))
    assert poll_feeds.apply().get() == {"polled": 1, "created": 1, "failing": 0}
