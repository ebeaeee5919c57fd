"""RSS and Atom feeds: subscribing, and polling each one with conditional GET (ETag,
Last-Modified) through the one safe fetcher, each new entry ingested once (by GUID, else by
link) as an article to fetch. A failing feed backs off without holding up the others."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims.fetch import FEED_TYPES, FetchError, url_fetch
from claims.models import Article, Feed
from claims.services.articles import DuplicateArticle
from claims.services.fetching import Fetcher, article_create_from_url, url_clean

logger = logging.getLogger(__name__)

FEEDS_POLL_TASK_NAME = "workers.poll_feeds"
# Some servers label feeds as plain text or HTML; feedparser decides whether it is one.
_FEED_RESPONSE_TYPES = FEED_TYPES | {"text/plain", "text/html"}


@dataclass
class FeedPollResult:
    feed_id: int
    status: str  # "ok", "not_modified", "failing", "skipped"
    created: list[int] = field(default_factory=list)
    known: int = 0
    error: str = ""


def feed_create(*, url: str, source: str = "", added_by: Any = None) -> Feed:
    """Subscribe to a feed; it is polled at the next beat. Not idempotent: a feed already
    followed is refused with a ``ValidationError`` naming it."""
    cleaned = url_clean(url)
    existing = Feed.objects.filter(url=cleaned).first()
    if existing is not None:
        raise ValidationError(f"This feed is already followed: #{existing.pk} “{existing}”.")
    return Feed.objects.create(
        url=cleaned,
        source=" ".join(source.split())[:200],
        added_by=added_by if getattr(added_by, "is_authenticated", False) else None,
    )


def feed_poll_soon(*, feed_id: int) -> None:
    """Have the next beat poll this feed (the web process never fetches). Idempotent."""
    Feed.objects.filter(pk=feed_id).update(next_poll_at=timezone.now(), active=True)


def feeds_poll_due(
    *, fetcher: Fetcher | None = None, now: datetime | None = None, limit: int = 100
) -> list[FeedPollResult]:
    """Poll every active feed whose next poll is due. Idempotent in effect: each feed is taken
    by one poller, and entries already stored are skipped."""
    now = now or timezone.now()
    due = Feed.objects.filter(active=True, next_poll_at__lte=now).order_by("next_poll_at")
    return [
        feed_poll(feed_id=pk, fetcher=fetcher, now=now)
        for pk in list(due.values_list("pk", flat=True)[:limit])
    ]


def feed_poll(
    *, feed_id: int, fetcher: Fetcher | None = None, now: datetime | None = None
) -> FeedPollResult:
    """Poll one feed and ingest its new entries. Idempotent: an entry is ingested once."""
    now = now or timezone.now()
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return FeedPollResult(feed_id, "skipped", error="feed no longer exists")
    # Take the feed with a conditional update, so two pollers never fetch it at once.
    interval = timedelta(minutes=settings.FACTCHECK_FEED_POLL_MINUTES)
    if not Feed.objects.filter(pk=feed_id, next_poll_at=feed.next_poll_at).update(
        next_poll_at=now + interval
    ):
        return FeedPollResult(feed_id, "skipped", error="another poller took it")
    try:
        result = (fetcher or url_fetch)(
            feed.url, accept=_FEED_RESPONSE_TYPES, etag=feed.etag, last_modified=feed.last_modified
        )
        if result.not_modified:
            _feed_ok(feed, now=now, etag=result.etag or feed.etag)
            return FeedPollResult(feed_id, "not_modified")
        parsed = feedparser.parse(result.body, response_headers={"content-location": result.url})
        if not parsed.entries and (parsed.bozo or not parsed.feed):
            raise FetchError(f"{result.url} is not an RSS or Atom feed factcheck can read.")
    except FetchError as exc:
        return _feed_failed(feed, now=now, reason=exc.reason)
    if not feed.title and parsed.feed.get("title"):
        feed.title = " ".join(str(parsed.feed["title"]).split())[:500]
    outcome = FeedPollResult(feed_id, "ok")
    for entry in parsed.entries:
        _entry_ingest(feed, entry, outcome)
    _feed_ok(feed, now=now, etag=result.etag, last_modified=result.last_modified)
    return outcome


def _entry_ingest(feed: Feed, entry: Any, outcome: FeedPollResult) -> None:
    link = str(entry.get("link") or "")
    key = str(entry.get("id") or link)[:2000]
    if not key or not link:
        outcome.known += 1  # nothing to fetch; counted, never retried
        return
    if Article.objects.filter(feed=feed, feed_entry=key).exists():
        outcome.known += 1
        return
    try:
        article = article_create_from_url(
            url=link,
            title=str(entry.get("title") or ""),
            source=feed.source or feed.title,
            author=str(entry.get("author") or ""),
            published_on=_entry_date(entry),
            via="feed",
            feed_id=feed.pk,
            feed_entry=key,
        )
    except DuplicateArticle:
        outcome.known += 1  # stored already, from this feed under another id or elsewhere
    except ValidationError as exc:
        logger.info("feed %s: entry %s skipped: %s", feed.pk, key, " ".join(exc.messages))
        outcome.known += 1
    else:
        outcome.created.append(article.pk)


def _entry_date(entry: Any) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None


def _feed_ok(feed: Feed, *, now: datetime, etag: str = "", last_modified: str = "") -> None:
    feed.status = Feed.Status.OK
    feed.failures = 0
    feed.last_error = ""
    feed.etag = etag[:500]
    feed.last_modified = last_modified[:100] or feed.last_modified
    feed.last_polled_at = now
    feed.next_poll_at = now + timedelta(minutes=settings.FACTCHECK_FEED_POLL_MINUTES)
    # Only what polling owns: an editor may have renamed or paused the feed meanwhile.
    feed.save(
        update_fields=["title", "status", "failures", "last_error", "etag", "last_modified",
                       "last_polled_at", "next_poll_at"]
    )  # fmt: skip


def _feed_failed(feed: Feed, *, now: datetime, reason: str) -> FeedPollResult:
    failures = feed.failures + 1
    wait = min(
        settings.FACTCHECK_FEED_POLL_MINUTES * 2**failures,
        settings.FACTCHECK_FEED_MAX_BACKOFF_MINUTES,
    )
    Feed.objects.filter(pk=feed.pk).update(
        status=Feed.Status.FAILING,
        failures=failures,
        last_error=reason,
        last_polled_at=now,
        next_poll_at=now + timedelta(minutes=wait),
    )
    return FeedPollResult(feed.pk, "failing", error=reason)
