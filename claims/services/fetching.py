"""Articles from a URL: stored as ``fetching`` by whichever door took the URL (the web process never
fetches), then fetched by a worker through the one safe fetcher (claims/fetch.py), reduced to their
main text, checked for duplicates by canonical URL and by text, and queued for the split."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any, Literal

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.fetch import ARTICLE_TYPES, FetchError, FetchResult, UnsafeURL, url_fetch, url_parse
from claims.html_extract import html_extract
from claims.models import Article, AuditEvent
from claims.services import splitting
from claims.services.articles import DuplicateArticle, article_create
from claims.services.audit import audit_record
from claims.text import (
    clean_text,
    content_hash,
    has_visible_text,
    language_guess,
    normalize_url,
    title_from_text,
)

logger = logging.getLogger(__name__)

FETCH_TASK_NAME = "workers.fetch_article"

Fetcher = Callable[..., FetchResult]


@dataclass(frozen=True)
class FetchOutcome:
    # "retry": a transient network error; the caller decides whether to try again.
    result: Literal["queued", "failed", "retry", "skipped"]
    reason: str = ""


def url_clean(url: str) -> str:
    """The URL in its stored (normalised) form; ``ValidationError`` saying what is wrong with it,
    judged by the fetcher's own parser (so a URL refused here is one it would refuse). Pure."""
    try:
        url_parse(url)
        return normalize_url(url)
    except UnsafeURL as exc:
        raise ValidationError(exc.reason, code="url") from None
    except (ValidationError, ValueError):
        raise ValidationError("Enter a valid http:// or https:// URL.", code="url") from None


def article_check_new_url(*, url: str) -> None:
    """Raise ``DuplicateArticle`` if an article with this URL is stored. Reads only."""
    existing = Article.objects.filter(url=url_clean(url)).first()
    if existing is not None:
        raise DuplicateArticle(existing, reason="same URL")


@transaction.atomic
def article_create_from_url(
    *,
    url: str,
    title: str = "",
    source: str = "",
    author: str = "",
    published_on: date | None = None,
    ingested_by: Any = None,
    via: str = "api",
    feed_id: int | None = None,
    feed_entry: str = "",
) -> Article:
    """Store an article to be fetched from ``url`` and queue the fetch after commit. Not
    idempotent: a URL already stored is refused with ``DuplicateArticle``."""
    normalized = url_clean(url)
    article_check_new_url(url=normalized)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=" ".join(title.split())[:500] or normalized[:500],
                body="",
                url=normalized,
                source=" ".join(source.split())[:200],
                author=" ".join(author.split())[:200],
                published_on=published_on,
                # Unique like a text hash, until the fetched text replaces it.
                content_hash=hashlib.sha256(f"fetching:{normalized}".encode()).hexdigest(),
                status=Article.Status.FETCHING,
                ingested_by=ingested_by
                if getattr(ingested_by, "is_authenticated", False)
                else None,
                feed_id=feed_id,
                feed_entry=feed_entry[:2000],
            )
    except IntegrityError:
        # Stored meanwhile by another request (same URL, or the same feed entry).
        existing = Article.objects.filter(url=normalized).first()
        if existing is not None:
            raise DuplicateArticle(existing, reason="same URL") from None
        raise
    audit_record(
        action=AuditEvent.Action.INGEST,
        actor=ingested_by,
        article=article,
        message=f"Ingested via {via} from {normalized}; to be fetched",
        data={"via": via, "url": normalized},
    )
    transaction.on_commit(partial(article_enqueue_fetch, article_id=article.pk))
    return article


def article_ingest(
    *,
    body: str = "",
    url: str | None = None,
    title: str = "",
    source: str = "",
    author: str = "",
    published_on: date | None = None,
    ingested_by: Any = None,
    via: str = "api",
) -> Article:
    """Store an article from its text, or from its URL alone (then fetched by a worker): what
    every door calls. Not idempotent: a repeat is refused with ``DuplicateArticle``."""
    fields: dict[str, Any] = {
        "title": title, "source": source, "author": author, "published_on": published_on,
        "ingested_by": ingested_by, "via": via,
    }  # fmt: skip
    if body.strip() or not url:
        return article_create(body=body, url=url, **fields)
    return article_create_from_url(url=url, **fields)


def article_enqueue_fetch(*, article_id: int) -> bool:
    """Send the fetch task. Idempotent in effect: a spare message finds the article fetched.

    Returns False instead of raising when the broker is unreachable; the sweep sends it again."""
    try:
        current_app.send_task(FETCH_TASK_NAME, args=[article_id])
    except Exception:  # the broker client raises many types; none may fail an ingest
        logger.warning("could not queue the fetch of article %s", article_id, exc_info=True)
        return False
    return True


def article_fetch(*, article_id: int, fetcher: Fetcher | None = None) -> FetchOutcome:
    """Fetch an article stored as ``fetching``, keep its main text and queue its split.
    Idempotent: an article no longer ``fetching`` is left alone.

    A transient network error comes back as ``retry`` with nothing changed; anything else that
    goes wrong marks the article failed with a reason a person can read."""
    row = Article.objects.filter(pk=article_id).values("status", "url").first()
    if row is None:
        return FetchOutcome("skipped", "article no longer exists")
    if row["status"] != Article.Status.FETCHING:
        return FetchOutcome("skipped", f"article is already {row['status']}")
    url = row["url"] or ""
    try:
        result = (fetcher or url_fetch)(url, accept=ARTICLE_TYPES)
    except FetchError as exc:
        if exc.transient:
            return FetchOutcome("retry", exc.reason)
        return _fail(article_id, f"Could not fetch the page: {exc.reason}")
    text = result.body.decode(result.charset or "utf-8", errors="replace")
    if result.content_type == "text/plain":
        page_title, body = "", clean_text(text)
        author, published_on, canonical = "", None, result.url
    else:
        page = html_extract(text, url=result.url)
        page_title, body = page.title, clean_text(page.text)
        author, published_on, canonical = page.author, page.published_on, page.canonical_url
    if not has_visible_text(body):
        return _fail(article_id, f"The page at {result.url} holds no article text.")
    if len(body) > settings.FACTCHECK_MAX_ARTICLE_CHARS:
        return _fail(
            article_id,
            f"The page's text has {len(body):,} characters; the limit is "
            f"{settings.FACTCHECK_MAX_ARTICLE_CHARS:,}.",
        )
    try:
        canonical = normalize_url(canonical or result.url)
    except (ValidationError, ValueError):
        canonical = url
    return _article_store_fetched(
        article_id=article_id,
        body=body,
        title=page_title or title_from_text(body),
        author=author,
        published_on=published_on,
        canonical=canonical,
    )


@transaction.atomic
def _article_store_fetched(
    *,
    article_id: int,
    body: str,
    title: str,
    author: str,
    published_on: date | None,
    canonical: str,
) -> FetchOutcome:
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None or article.status != Article.Status.FETCHING:
        return FetchOutcome("skipped", "another worker fetched it first")
    digest = content_hash(body)
    others = Article.objects.exclude(pk=article_id)
    same = others.filter(url=canonical).first()
    if same is not None:
        return _fail(
            article_id, f"Already stored as #{same.pk} “{same.title}” (same canonical URL)."
        )
    same = others.filter(content_hash=digest).first()
    if same is not None:
        return _fail(article_id, f"Already stored as #{same.pk} “{same.title}” (same text).")
    # What the person or feed said wins over what the page says; the URL stays a title of last resort.
    if not article.title or article.title == article.url:
        article.title = title[:500]
    article.author = article.author or author[:200]
    article.published_on = article.published_on or published_on
    article.body = body
    article.url = canonical
    article.content_hash = digest
    article.language = language_guess(body)
    article.status = Article.Status.QUEUED
    article.status_changed_at = timezone.now()
    article.failure_reason = ""
    article.save()
    audit_record(
        action=AuditEvent.Action.CHANGE,
        article=article,
        message=f"Fetched {canonical}: {len(body):,} characters of main text",
        data={"url": canonical, "chars": len(body)},
    )
    transaction.on_commit(partial(splitting.article_enqueue_split, article_id=article.pk))
    return FetchOutcome("queued")


def _fail(article_id: int, reason: str) -> FetchOutcome:
    splitting.article_mark_failed(article_id=article_id, reason=reason)
    return FetchOutcome("failed", reason)


def articles_fetch_resend(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Send the fetch again for articles left ``fetching`` since before the cut-off (the message
    was lost, the worker died). Idempotent: each one is re-sent at most once per cut-off."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than_seconds)
    stale = Article.objects.filter(
        status=Article.Status.FETCHING, status_changed_at__lt=cutoff
    ).values_list("pk", "status_changed_at")[:limit]
    resent = []
    for pk, changed_at in list(stale):
        # Conditional on the row being as read: a worker may have fetched it meanwhile.
        if Article.objects.filter(
            pk=pk, status=Article.Status.FETCHING, status_changed_at=changed_at
        ).update(status_changed_at=now):
            article_enqueue_fetch(article_id=pk)
            resent.append(pk)
    return resent
