"""Blind double review for agreement statistics: which claims are in the sample, and an editor
putting every claim of chosen articles in it."""

import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from claims.models import Article, AuditEvent, Claim
from claims.services.audit import audit_record


def claim_in_sample(*, claim_id: int, percent: int) -> bool:
    """The same answer for a claim every time: its id hashed onto 0..99, below ``percent``."""
    digest = hashlib.sha256(f"blind-review:{claim_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def claim_blind_review_due(*, claim: Claim) -> bool:
    """Does a verdict on ``claim`` wait for a blind second review? Its article was chosen by an
    editor, or the claim falls in ``FACTCHECK_BLIND_REVIEW_PERCENT``. Reads only."""
    if Claim.article.is_cached(claim):
        chosen = claim.article.blind_review
    else:
        # The flag alone: loading the article would read its body (up to 200,000 characters).
        chosen = Article.objects.filter(pk=claim.article_id, blind_review=True).exists()
    if chosen:
        return True
    percent = settings.FACTCHECK_BLIND_REVIEW_PERCENT
    return percent > 0 and claim_in_sample(claim_id=claim.pk, percent=percent)


@transaction.atomic
def article_blind_review_set(*, article_ids: Iterable[int], on: bool, by: Any) -> int:
    """Put every claim of these articles in (or out of) blind double review, for verdicts given
    from now on. Idempotent. Returns how many articles changed."""
    articles = list(
        Article.objects.select_for_update()
        .filter(pk__in=list(article_ids))
        .exclude(blind_review=on)
        .only("pk", "title", "blind_review")
    )
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(blind_review=on)
    for article in articles:
        audit_record(
            action=AuditEvent.Action.CHANGE,
            actor=by,
            article=article,
            message="Blind double review " + ("on" if on else "off") + " for its claims",
            data={"blind_review": on},
        )
    return len(articles)
