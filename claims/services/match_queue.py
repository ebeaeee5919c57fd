"""Sending the embedding/matching task: a module of its own so that the verdict service can queue
it without importing the matching service (which imports the verdict service)."""

import logging

from celery import current_app
from django.conf import settings
from django.db import transaction

from claims.models import Claim

MATCH_TASK_NAME = "workers.match_claims"
logger = logging.getLogger(__name__)


def article_enqueue_match(*, article_id: int) -> bool:
    """Send the embedding/matching task on its own queue. Idempotent in effect (the task is).

    False instead of raising when the broker is unreachable: the split stands, and re-splitting
    the article sends the task again."""
    try:
        current_app.send_task(
            MATCH_TASK_NAME, args=[article_id], queue=settings.FACTCHECK_MATCH_QUEUE
        )
    except Exception:  # the broker client raises many types; none may fail a split
        logger.warning("could not queue matching for article %s", article_id, exc_info=True)
        return False
    return True


def claim_archive_when_judged(*, claim: Claim) -> None:
    """A claim the split left out of the archive (not checkable) goes in once it is judged, so a
    later restatement finds its verdict: its article's matching is sent once the verdict commits.
    Idempotent in effect: the task embeds only what is not in the archive yet."""
    if claim.kind == Claim.Kind.NOT_CHECKABLE:
        article_id = claim.article_id
        transaction.on_commit(lambda: article_enqueue_match(article_id=article_id))
