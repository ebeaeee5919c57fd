from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from claims import services
from claims.models import Article, Feed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("claims.services.fetching.article_enqueue_fetch", lambda **kw: True)


def _poll(feed):
    """Poll now, whatever its next poll time says."""
    services.feed_poll_soon(feed_id=feed.pk)
    return services.feed_poll(feed_id=feed.pk)


def test_a_feed_that_gains_entries_brings_each_one_once_and_answers_304_when_unchanged(
    local_site,
):
    local_site.feed_add("a1")
    local_site.feed_add("a2")
    feed = services.feed_create(url=local_site.url("/feed.xml"), source="Daily Planet")

    first = _poll(feed)
    assert first.status == "ok" and len(first.created) == 2
    articles = Article.objects.filter(feed=feed)
    assert set(articles.values_list("feed_entry", flat=True)) == {"a1", "a2"}
    assert set(articles.values_list("status", flat=True)) == {Article.Status.FETCHING}
    assert set(articles.values_list("source", flat=True)) == {"Daily Planet"}

    unchanged = _poll(feed)
    assert unchanged.status == "not_modified"
    assert local_site.feed.not_modified == 1

    local_site.feed_add("a3")
    grown = _poll(feed)
    assert len(grown.created) == 1 and grown.known == 2
    assert Article.objects.filter(feed=feed).count() == 3
    feed.refresh_from_db()
    assert feed.status == Feed.Status.OK and feed.title == "Daily Planet"
    assert feed.etag == '"v3"'
    assert feed.next_poll_at > timezone.now()


def test_a_failing_feed_records_the_error_and_backs_off_without_stopping_the_others(
    local_site, settings
):
    settings.FACTCHECK_FEED_POLL_MINUTES = 10
    local_site.feed_add("b1")
    broken = services.feed_create(url=local_site.url("/gone"))
    good = services.feed_create(url=local_site.url("/feed.xml"))
    results = {r.feed_id: r for r in services.feeds_poll_due()}
    assert results[good.pk].status == "ok" and len(results[good.pk].created) == 1
    assert results[broken.pk].status == "failing"
    broken.refresh_from_db()
    assert broken.status == Feed.Status.FAILING and "404" in broken.last_error
    first_wait = broken.next_poll_at - broken.last_polled_at
    assert first_wait == timedelta(minutes=20)
    _poll(broken)
    broken.refresh_from_db()
    assert broken.failures == 2
    assert broken.next_poll_at - broken.last_polled_at == timedelta(minutes=40)


def test_a_feed_not_due_is_not_polled(local_site):
    feed = services.feed_create(url=local_site.url("/feed.xml"))
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))
    assert services.feeds_poll_due() == []
    assert local_site.feed.requests == 0


def test_a_page_that_is_not_a_feed_fails_with_a_reason(local_site):
    feed = services.feed_create(url=local_site.url("/plain"))
    assert _poll(feed).status == "failing"
    feed.refresh_from_db()
    assert "not an RSS or Atom feed" in feed.last_error


def test_the_same_feed_cannot_be_followed_twice(local_site):
    services.feed_create(url=local_site.url("/feed.xml"))
    with pytest.raises(ValidationError, match="already followed"):
        services.feed_create(url=local_site.url("/feed.xml"))


def test_add_feed_and_poll_feeds_commands(local_site, capsys):
    local_site.feed_add("c1")
    call_command("add_feed", local_site.url("/feed.xml"))
    call_command("poll_feeds")
    out = capsys.readouterr().out
    assert "polled 1, new articles 1" in out
    with pytest.raises(CommandError, match="Only http"):
        call_command("add_feed", "file:///etc/passwd")
