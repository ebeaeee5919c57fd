"""Submitting a verdict once, however often the request arrives: a double click on the form, or
a client retrying ``POST /api/v1/verdicts/`` after a timeout with the same ``Idempotency-Key``."""

import hashlib
import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims.models import IdempotencyKey, Verdict
from claims.services.verdicts import verdict_set

MAX_IDEMPOTENCY_KEY_CHARS = 200


class IdempotencyKeyReused(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used for a different request: use a new key for "
            "each new verdict.",
            code="key_reused",
        )


def idempotency_key_clean(key: str) -> str:
    """The key, or ``ValidationError``: 1 to 200 printable ASCII characters."""
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_CHARS or not key.isascii():
        raise ValidationError(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable ASCII characters.",
            code="bad_key",
        )
    if not key.isprintable():
        raise ValidationError("Idempotency-Key must be printable ASCII.", code="bad_key")
    return key


def _request_hash(**fields: Any) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def verdict_set_once(
    *,
    key: str,
    claim_id: int,
    reviewer: Any,
    rating: str,
    explanation: str,
    evidence_urls: Iterable[str] = (),
) -> tuple[Verdict, bool]:
    """``verdict_set`` at most once per (reviewer, key). Idempotent: a repeat returns the verdict
    the first call made, and False. A key reused for another request raises
    ``IdempotencyKeyReused``; a refused verdict leaves the key free for a retry."""
    key = idempotency_key_clean(key)
    urls = list(evidence_urls)
    digest = _request_hash(claim=claim_id, rating=rating, explanation=explanation, urls=urls)
    now = timezone.now()
    mine = IdempotencyKey.objects.filter(user=reviewer)
    # The owner's expired keys go first, so a key may be used again as soon as it expires; the
    # hourly prune (services.expired_rows_prune) clears those of users who never come back.
    mine.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=reviewer,
                key=key,
                request_hash=digest,
                expires_at=now + timedelta(hours=settings.FACTCHECK_IDEMPOTENCY_KEY_HOURS),
            )
    except IntegrityError:
        # Seen before (or a concurrent request with the same key committed first).
        seen = mine.select_related("verdict").get(key=key)
        if seen.request_hash != digest or seen.verdict is None:
            raise IdempotencyKeyReused() from None
        return seen.verdict, False
    verdict = verdict_set(
        claim_id=claim_id,
        reviewer=reviewer,
        rating=rating,
        explanation=explanation,
        evidence_urls=urls,
    )
    record.verdict = verdict
    record.save(update_fields=["verdict"])
    return verdict, True
