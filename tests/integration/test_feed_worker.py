"""Following an outlet with real processes: a feed polled by a Celery worker brings each new entry
once, the worker fetches every page through the safe fetcher and splits it into claims."""

import pytest
from django.utils import timezone

from claims import services
from claims.models import Article, Feed
from factcheck.celery import app
from tests.fetch_server import LocalSite
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration

# The worker fetches from the test's own server on 127.0.0.1: production never allows this.
WORKER_ENV = {"FACTCHECK_FETCH_ALLOW_PRIVATE": "true"}


def _poll_now(feed: Feed) -> None:
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    app.send_task(services.FEEDS_POLL_TASK_NAME)


def _feed_articles(feed: Feed) -> list[tuple[str, str]]:
    return list(
        Article.objects.filter(feed=feed).order_by("pk").values_list("feed_entry", "status")
    )


def test_a_followed_feed_brings_each_new_entry_once_fetched_and_split(
    start_worker, local_site: LocalSite
) -> None:
    local_site.feed_add("one")
    local_site.feed_add("two")
    feed = services.feed_create(url=local_site.url("/feed.xml"), source="Daily Planet")
    start_worker(env=WORKER_ENV)

    _poll_now(feed)
    wait_for(
        lambda: [s for _, s in _feed_articles(feed)] == ["split", "split"],
        timeout=180,
        what="both entries fetched and split",
    )
    for article in Article.objects.filter(feed=feed):
        assert article.source == "Daily Planet"
        assert "4.5 million pounds" in article.body
        assert "<" not in article.body  # main text only, never the markup
        assert article.claims.exists()

    # The feed gains an entry: the next poll brings only that one; an unchanged feed answers 304.
    local_site.feed_add("three")
    _poll_now(feed)
    wait_for(
        lambda: [s for _, s in _feed_articles(feed)] == ["split"] * 3,
        timeout=180,
        what="the new entry fetched and split",
    )
    _poll_now(feed)
    wait_for(lambda: local_site.feed.not_modified >= 1, timeout=60, what="a conditional poll (304)")
    assert [entry for entry, _ in _feed_articles(feed)] == ["one", "two", "three"]
    feed.refresh_from_db()
    assert feed.status == Feed.Status.OK and feed.last_error == ""
