"""Duplicate links across articles when an article's claims go away (re-split or deleted).

A claim in another article that restated one of them would be left ``duplicate`` of nothing: out
of the queue for good, and a first statement the next split would link to. Instead it points at
the next surviving copy of the claim it restated, or, when no copy is left, the earliest one
becomes the first statement again (reopened) and the rest point at it."""

from itertools import groupby
from typing import Any

from django.db import transaction

from claims.models import AuditEvent, Claim
from claims.services.audit import audit_record_claim


@transaction.atomic
def claim_duplicates_relink(*, article_id: int, actor: Any = None) -> int:
    """Re-link or reopen other articles' claims that restate claims of ``article_id``, before
    those are deleted; returns how many changed. Idempotent (a second call finds none).

    Runs in the caller's transaction, so the links change only if the deletion happens too."""
    orphans = list(
        Claim.objects.select_for_update(of=("self",))
        .filter(duplicate_of__article_id=article_id)
        .exclude(article_id=article_id)
        .select_related("duplicate_of")
        .order_by("duplicate_of_id", "created_at", "id")
    )
    changed: list[Claim] = []
    for _, group in groupby(orphans, key=lambda c: c.duplicate_of_id):
        claims = list(group)
        gone = claims[0].duplicate_of
        assert gone is not None  # the filter above joined on it
        survivor = _surviving_copy(fingerprint=gone.fingerprint, article_id=article_id)
        if survivor is None:
            # The earliest copy among the orphans becomes the first statement.
            copies = [c for c in claims if c.fingerprint and c.fingerprint == gone.fingerprint]
            survivor = min(copies, key=lambda c: (c.created_at, c.pk)) if copies else None
        for claim in claims:
            if survivor is None or claim.pk == survivor.pk:
                claim.duplicate_of = None
                claim.status = Claim.Status.NEW
                message = (
                    f"Reopened: claim #{gone.pk}, which it restated, was removed with its "
                    f"article #{article_id}"
                )
                action = AuditEvent.Action.CHANGE
            else:
                claim.duplicate_of = survivor
                message = (
                    f"Now a duplicate of claim #{survivor.pk}: claim #{gone.pk}, which it "
                    f"restated, was removed with its article #{article_id}"
                )
                action = AuditEvent.Action.DUPLICATE
            audit_record_claim(
                claim,
                action=action,
                actor=actor,
                message=message,
                data={"was_duplicate_of": gone.pk, "duplicate_of": claim.duplicate_of_id},
            )
            changed.append(claim)
    Claim.objects.bulk_update(changed, ["duplicate_of", "status"])
    return len(changed)


def _surviving_copy(*, fingerprint: str, article_id: int) -> Claim | None:
    """The earliest first statement of the same claim outside the article, if any."""
    if not fingerprint:
        return None
    return (
        Claim.objects.filter(fingerprint=fingerprint, duplicate_of__isnull=True)
        .exclude(status=Claim.Status.DUPLICATE)
        .exclude(article_id=article_id)
        .order_by("created_at", "id")
        .first()
    )
