"""Storing articles, checking for ones already stored, editing, deleting and re-splitting them."""

from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import Article, AuditEvent
from claims.services import splitting
from claims.services.audit import audit_record
from claims.services.duplicate_links import claim_duplicates_relink
from claims.services.splitting import article_claims_worked_on
from claims.text import (
    clean_text,
    content_hash,
    has_visible_text,
    language_guess,
    normalize_url,
    strip_controls,
    title_from_text,
)

# What an editor may change on a stored article; its text and URL are what the claims point into.
ARTICLE_EDITABLE_FIELDS = ("title", "source", "author", "published_on", "language")


class DuplicateArticle(ValidationError):
    """The article (same text, or same URL) is already stored."""

    def __init__(self, existing: Article, *, reason: str) -> None:
        self.existing = existing
        super().__init__(
            f"This article is already stored ({reason}): #{existing.pk} “{existing.title}”.",
            code="duplicate",
        )


class ArticleTooLarge(ValidationError):
    def __init__(self, length: int) -> None:
        limit = settings.FACTCHECK_MAX_ARTICLE_CHARS
        super().__init__(
            f"The article has {length:,} characters; the limit is {limit:,}.", code="too_large"
        )


@transaction.atomic
def article_create(
    *,
    title: str,
    body: str,
    url: str | None = None,
    source: str = "",
    author: str = "",
    published_on: date | None = None,
    ingested_by: Any = None,
    via: str = "api",
) -> Article:
    """Store a new article and queue its split after commit. Not idempotent: a repeat is refused
    with ``DuplicateArticle`` naming the stored one."""
    body = clean_text(body)
    title, source, author = (strip_controls(v) for v in (title, source, author))
    if not has_visible_text(body):
        raise ValidationError("The article has no text.", code="empty")
    if len(body) > settings.FACTCHECK_MAX_ARTICLE_CHARS:
        raise ArticleTooLarge(len(body))
    title = " ".join(title.split())[:500] or title_from_text(body)
    normalized_url = normalize_url(url) if url and url.strip() else None
    digest = content_hash(body)

    _refuse_duplicate(digest=digest, url=normalized_url)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title,
                body=body,
                url=normalized_url,
                source=" ".join(source.split())[:200],
                author=" ".join(author.split())[:200],
                published_on=published_on,
                language=language_guess(body),
                content_hash=digest,
                ingested_by=ingested_by
                if getattr(ingested_by, "is_authenticated", False)
                else None,
            )
    except IntegrityError:
        # Another request stored the same article between our check and our insert.
        _refuse_duplicate(digest=digest, url=normalized_url)
        raise
    audit_record(
        action=AuditEvent.Action.INGEST,
        actor=ingested_by,
        article=article,
        message=f"Ingested via {via}",
        data={"via": via, "chars": len(body)},
    )
    transaction.on_commit(partial(splitting.article_enqueue_split, article_id=article.pk))
    return article


def article_check_new(*, body: str, url: str | None = None) -> None:
    """Raise ``DuplicateArticle`` if this text or URL is already stored. Reads only."""
    _refuse_duplicate(
        digest=content_hash(clean_text(body)), url=normalize_url(url) if url else None
    )


def _refuse_duplicate(*, digest: str, url: str | None) -> None:
    same_text = Article.objects.filter(content_hash=digest).first()
    if same_text is not None:
        raise DuplicateArticle(same_text, reason="same text")
    if url is not None:
        same_url = Article.objects.filter(url=url).first()
        if same_url is not None:
            raise DuplicateArticle(same_url, reason="same URL")


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@transaction.atomic
def article_update(*, article_id: int, by: Any, changes: dict[str, Any]) -> Article:
    """Edit an article's descriptive fields and audit each change. Idempotent: equal values
    write nothing."""
    refused = sorted(set(changes) - set(ARTICLE_EDITABLE_FIELDS))
    if refused:
        raise ValidationError(f"These fields cannot be edited: {', '.join(refused)}.")
    article = Article.objects.select_for_update().get(pk=article_id)
    diff = {
        name: [_audit_value(getattr(article, name)), _audit_value(value)]
        for name, value in changes.items()
        if getattr(article, name) != value
    }
    if not diff:
        return article
    for name in diff:
        setattr(article, name, changes[name])
    article.save(update_fields=[*diff, "updated_at"])
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        article=article,
        message=f"Changed {', '.join(diff)}",
        data={"fields": diff},
    )
    return article


@transaction.atomic
def article_delete(*, article_id: int, by: Any) -> bool:
    """Delete an article with its claims, leaving an audit row that names it. Idempotent.

    Raises ``ProtectedError`` (and deletes nothing) when any of its claims has a verdict."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        return False
    claims = article.claims.count()
    title = article.title
    # Other articles' claims that restate these must not be left duplicates of nothing.
    claim_duplicates_relink(article_id=article_id, actor=by)
    article.delete()
    audit_record(
        action=AuditEvent.Action.DELETE,
        actor=by,
        message=f"Deleted article #{article_id} “{title}” with its {claims} claims",
        data={"article_id": article_id, "title": title, "claims": claims},
    )
    return True


@transaction.atomic
def article_resplit(*, article_id: int, by: Any) -> Article:
    """Queue an article to be split again (after a failure, or with a newer extractor).

    Idempotent: an article already queued or splitting is left as it is. Refused, with the
    reason, when people are already working on its claims."""
    article = Article.objects.select_for_update().get(pk=article_id)
    if article.status in (Article.Status.QUEUED, Article.Status.SPLITTING, Article.Status.FETCHING):
        return article
    if article_claims_worked_on(article_id=article.pk):
        raise ValidationError(
            f"“{article.title}” cannot be split again: reviewers have already worked on its "
            "claims, and a new split would discard that work.",
            code="reviewed",
        )
    # An article from a URL whose fetch failed has no text yet: it is fetched again instead.
    fetch_again = not article.body and bool(article.url)
    article.status = Article.Status.FETCHING if fetch_again else Article.Status.QUEUED
    article.status_changed_at = timezone.now()
    article.attempts = 0
    article.failure_reason = ""
    article.split_token = None
    article.save()
    audit_record(
        action=AuditEvent.Action.REQUEUE,
        actor=by,
        article=article,
        message="Fetch requested again" if fetch_again else "Re-split requested",
    )
    if fetch_again:
        # Imported here: fetching builds on this module (DuplicateArticle).
        from claims.services.fetching import article_enqueue_fetch

        transaction.on_commit(partial(article_enqueue_fetch, article_id=article.pk))
    else:
        transaction.on_commit(partial(splitting.article_enqueue_split, article_id=article.pk))
    return article
