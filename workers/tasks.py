"""Celery tasks: thin wrappers that load by ID, call one service, and decide about retries."""

import logging
import random
import uuid
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from claims.services import (
    FEEDS_POLL_TASK_NAME,
    FETCH_TASK_NAME,
    HOUSEKEEPING_TASK_NAME,
    MATCH_TASK_NAME,
    SPLIT_TASK_NAME,
    STATS_ROLLUP_TASK_NAME,
    SWEEP_TASK_NAME,
    WEBHOOK_SWEEP_TASK_NAME,
    WEBHOOK_TASK_NAME,
    article_enqueue_match,
    article_extract_claims,
    article_fetch,
    article_mark_failed,
    article_match_claims,
    articles_fetch_resend,
    articles_sweep,
    expired_rows_prune,
    feeds_poll_due,
    stats_rollup_refresh,
    webhook_deliveries_sweep,
    webhook_delivery_attempt,
)
from workers.broker import prune_delivered_messages

logger = logging.getLogger(__name__)

# Only these are worth another try: the database or the network went away for a while.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class ArticleBusy(Exception):
    """Another worker holds the article; come back when its lease runs out."""


class SplitTask(Task):
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        # Retries exhausted on a transient error: leave the article for the sweep, which will
        # re-queue it once the lease runs out (and give up after the attempt cap).
        if isinstance(exc, (*TRANSIENT_ERRORS, ArticleBusy)):
            return
        article_id = args[0] if args else kwargs.get("article_id")
        try:
            article_mark_failed(
                article_id=article_id,
                reason=f"Internal error while splitting ({type(exc).__name__}); "
                "an administrator can re-queue it once fixed.",
            )
        except Exception:
            logger.exception("could not mark article %s failed", article_id)


@shared_task(
    bind=True,
    base=SplitTask,
    name=SPLIT_TASK_NAME,
    autoretry_for=TRANSIENT_ERRORS,
    # Exponential with jitter, capped (seconds): 2, 4, 8... up to 120 by default.
    retry_backoff=settings.FACTCHECK_SPLIT_RETRY_BACKOFF,
    retry_backoff_max=settings.FACTCHECK_SPLIT_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=5,
)
def split_article(self: Task, article_id: int) -> dict[str, Any]:
    """Split one article into claims. Idempotent (see ``article_extract_claims``)."""
    # Imported here: autodiscovery imports this module in web processes too, and they must
    # never load spaCy.
    from workers.nlp import extract_article

    # Retries of this task keep its id, so they share a token and may take back the article
    # they already hold; a different task must wait for the lease to run out.
    token = uuid.uuid5(uuid.NAMESPACE_OID, self.request.id) if self.request.id else None
    try:
        outcome = article_extract_claims(
            article_id=article_id, token=token, extractor=extract_article
        )
    except SoftTimeLimitExceeded:
        reason = (
            f"The split took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} s and was "
            "stopped; the article may be too long or unusual."
        )
        article_mark_failed(article_id=article_id, reason=reason)
        return {"result": "failed", "reason": reason}
    if outcome.result == "split" and outcome.claims:
        # Its own queue: embedding and matching never wait behind a backlog of splits.
        article_enqueue_match(article_id=article_id)
    if outcome.result == "busy":
        # A redelivered message (its worker died) finds the article still leased: wait the lease out.
        raise self.retry(exc=ArticleBusy(), countdown=outcome.retry_in)
    return {"result": outcome.result, "claims": outcome.claims, "reason": outcome.reason}


@shared_task(name=SWEEP_TASK_NAME, ignore_result=True)
def sweep_articles() -> dict[str, int]:
    """Re-queue lost splits and prune the embedded broker. Idempotent."""
    result = articles_sweep()
    # Fetches whose message was lost: sent again once they have waited longer than a split may.
    resent = articles_fetch_resend(older_than_seconds=settings.FACTCHECK_SPLIT_LEASE_SECONDS)
    pruned = prune_delivered_messages(
        settings.CELERY_BROKER_URL,
        older_than=timedelta(seconds=settings.FACTCHECK_BROKER_PRUNE_AFTER_SECONDS),
    )
    if result.requeued or result.given_up or pruned or resent:
        logger.info(
            "sweep: requeued %s, gave up on %s, fetch resent %s, pruned %d broker messages",
            result.requeued, result.given_up, resent, pruned,
        )  # fmt: skip
    return {"requeued": len(result.requeued), "given_up": len(result.given_up), "pruned": pruned}


@shared_task(
    bind=True,
    name=WEBHOOK_TASK_NAME,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=settings.FACTCHECK_WEBHOOK_BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    # The service caps the attempts (FACTCHECK_WEBHOOK_MAX_ATTEMPTS); this is the backstop.
    max_retries=settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS + 2,
    ignore_result=True,
)
def deliver_webhook(self: Task, delivery_id: int) -> dict[str, Any]:
    """Try one webhook delivery; on a failed attempt, come back after the service's backoff.
    Idempotent in effect (see ``webhook_delivery_attempt``)."""
    outcome = webhook_delivery_attempt(delivery_id=delivery_id)
    if outcome.result == "retry":
        raise self.retry(countdown=outcome.retry_in)
    return {"result": outcome.result, "reason": outcome.reason}


@shared_task(name=WEBHOOK_SWEEP_TASK_NAME, ignore_result=True)
def sweep_webhooks() -> dict[str, int]:
    """Queue again the webhook deliveries whose message was lost. Idempotent."""
    return {"requeued": len(webhook_deliveries_sweep())}


@shared_task(name=HOUSEKEEPING_TASK_NAME, ignore_result=True)
def prune_expired() -> dict[str, int]:
    """Delete expired idempotency keys and long-finished webhook rows. Idempotent."""
    result = expired_rows_prune()
    return {
        "idempotency_keys": result.idempotency_keys,
        "webhook_deliveries": result.webhook_deliveries,
        "webhook_events": result.webhook_events,
    }


@shared_task(name=STATS_ROLLUP_TASK_NAME, ignore_result=True)
def refresh_stats_rollup() -> None:
    """Recount the stats page's rollups (claims by status, verdicts per day). Idempotent."""
    stats_rollup_refresh()


@shared_task(bind=True, name=FETCH_TASK_NAME, max_retries=5)
def fetch_article(self: Task, article_id: int) -> dict[str, Any]:
    """Fetch an article stored from a URL and queue its split. Idempotent (see ``article_fetch``).

    A transient network error is retried with capped exponential backoff; when the tries run out
    the article fails with the last reason."""
    outcome = article_fetch(article_id=article_id)
    if outcome.result == "retry":
        if self.request.retries >= (self.max_retries or 0):
            reason = (
                f"Could not fetch the page after {self.request.retries + 1} tries: {outcome.reason}"
            )
            article_mark_failed(article_id=article_id, reason=reason)
            return {"result": "failed", "reason": reason}
        raise self.retry(countdown=fetch_retry_delay(self.request.retries))
    return {"result": outcome.result, "reason": outcome.reason}


def fetch_retry_delay(retries: int) -> float:
    """Seconds before the next try: doubling from the backoff setting, capped, with jitter."""
    base = settings.FACTCHECK_SPLIT_RETRY_BACKOFF * 2**retries
    return min(float(settings.FACTCHECK_SPLIT_RETRY_BACKOFF_MAX), base * random.uniform(0.5, 1.0))


@shared_task(name=FEEDS_POLL_TASK_NAME, ignore_result=True)
def poll_feeds() -> dict[str, int]:
    """Poll the feeds that are due (run every minute by beat). Idempotent in effect."""
    results = feeds_poll_due()
    return {
        "polled": len(results),
        "created": sum(len(r.created) for r in results),
        "failing": sum(1 for r in results if r.status == "failing"),
    }


@shared_task(
    name=MATCH_TASK_NAME,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def match_claims(article_id: int) -> int:
    """Embed an article's claims and store their matches. Idempotent (see ``article_match_claims``)."""
    from claims.matching.encoder import sentence_encoder
    from claims.matching.ranking import ranker

    return article_match_claims(article_id=article_id, encoder=sentence_encoder(), ranker=ranker())
