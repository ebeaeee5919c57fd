"""Verdicts: giving one, the second review, publishing, and an editor settling a dispute.

A verdict is never edited: a new one supersedes the current one, so the history stays."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import AuditEvent, Claim, Rating, Verdict, VerdictReview, verdict_pending_q
from claims.services import events
from claims.services.agreement import claim_blind_review_due
from claims.services.audit import audit_record_claim
from claims.services.match_queue import claim_archive_when_judged
from claims.services.queue import (
    LEASE_FIELDS,
    claim_refuse_if_held_by_other,
    lease_clear_and_audit,
)

MAX_EVIDENCE_URLS = 20
# The longest explanation (or review note) the API and the forms take.
MAX_EXPLANATION_CHARS = 20_000


def evidence_urls_clean(urls: Iterable[str]) -> list[str]:
    """The evidence links, trimmed and without repeats; ``ValidationError`` for one that is not an
    http(s) address or for too many. The verdict form and the service both check with this."""
    validator = URLValidator(schemes=["http", "https"])
    cleaned: list[str] = []
    for raw in urls:
        url = raw.strip()
        if not url:
            continue
        try:
            validator(url)
        except ValidationError:
            raise ValidationError(
                f"“{url[:200]}” is not a web address (only http:// and https:// links).",
                code="invalid_url",
            ) from None
        if url not in cleaned:
            cleaned.append(url)
    if len(cleaned) > MAX_EVIDENCE_URLS:
        raise ValidationError(f"At most {MAX_EVIDENCE_URLS} evidence links.", code="too_many")
    return cleaned


@transaction.atomic
def verdict_set(
    *,
    claim_id: int,
    reviewer: Any,
    rating: str,
    explanation: str,
    evidence_urls: Iterable[str] = (),
) -> Verdict:
    """Record a verdict on a claim, superseding the current one. Not idempotent: each call adds a
    verdict to the claim's history; none is ever overwritten.

    Refused while someone else holds the claim, and while a verdict on it awaits a second review
    or is disputed: that one is reviewed, or settled by an editor, first."""
    rating, explanation, urls = _verdict_clean(rating, explanation, evidence_urls)
    # The article comes along for its blind-review flag (claim_blind_review_due), without its
    # body; only the claim's row is locked.
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("assignee", "article")
        .defer("article__body")
        .get(pk=claim_id)
    )
    claim_refuse_if_held_by_other(claim, user=reviewer)
    previous, pending = _current_and_pending(claim)
    if pending is not None:
        disputed = pending.reviews.filter(agrees=False).exists()
        raise ValidationError(
            f"Claim #{claim.pk} has a verdict that "
            + ("is disputed: an editor settles it" if disputed else "awaits a second review")
            + " before another can be given.",
            code="disputed" if disputed else "pending",
        )
    # With second review required, or a blind double review due, the verdict waits for another
    # reviewer (verdict_review).
    blind = claim_blind_review_due(claim=claim)
    return _verdict_add(
        claim,
        reviewer=reviewer,
        rating=rating,
        explanation=explanation,
        urls=urls,
        publish=not (settings.FACTCHECK_REQUIRE_SECOND_REVIEW or blind),
        blind=blind,
        locked=(previous, None),
    )


def _verdict_clean(
    rating: str, explanation: str, evidence_urls: Iterable[str]
) -> tuple[str, str, list[str]]:
    if rating not in Rating.values:
        raise ValidationError(f"“{rating}” is not a rating; use one of {', '.join(Rating.values)}.")
    explanation = explanation.strip()
    if not explanation:
        raise ValidationError("Explain the verdict: the explanation is empty.", code="empty")
    return rating, explanation, evidence_urls_clean(evidence_urls)


def _current_and_pending(claim: Claim) -> tuple[Verdict | None, Verdict | None]:
    """The claim's current verdict and its newest pending one (often the same row), locked, in
    one query."""
    rows = list(
        Verdict.objects.select_for_update(of=("self",)).filter(
            Q(is_current=True) | verdict_pending_q(), claim=claim
        )
    )  # newest first (Verdict.Meta.ordering), as .first() picked each before
    current = next((v for v in rows if v.is_current), None)
    pending = next((v for v in rows if v.is_pending), None)
    return current, pending


def _verdict_add(
    claim: Claim,
    *,
    reviewer: Any,
    rating: str,
    explanation: str,
    urls: list[str],
    publish: bool,
    blind: bool = False,
    locked: tuple[Verdict | None, Verdict | None] | None = None,
) -> Verdict:
    """Add a verdict to a locked claim. Published at once (``publish``), it supersedes the current
    verdict and any pending one; unpublished, it waits for review, and a published current verdict
    stays current (partners keep seeing it) until the new one is published (``_publish``).

    ``locked``: the claim's current and pending verdicts when the caller has just read them
    (``_current_and_pending``) in this transaction."""
    now = timezone.now()
    previous, pending = locked if locked is not None else _current_and_pending(claim)
    keep_published = not publish and previous is not None and previous.published_at is not None
    if previous is not None and not keep_published:
        # Cleared before the insert: at most one current verdict per claim is a constraint.
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    verdict = Verdict.objects.create(
        claim=claim,
        reviewer=reviewer,
        rating=rating,
        explanation=explanation,
        evidence_urls=urls,
        is_current=not keep_published,
        published_at=now if publish else None,
        blind_review=blind,
    )
    claim_archive_when_judged(claim=claim)
    # The history stays a chain (superseded_by is one-to-one): a published verdict replaced by a
    # pending one that is now settled reads published -> pending -> this one.
    chain = [v for v in (previous, pending) if v is not None]
    if len(chain) == 2 and chain[0].pk == chain[1].pk:
        chain = chain[:1]
    if keep_published:
        chain = [v for v in chain if v.pk != previous.pk]  # type: ignore[union-attr]
    for replaced, successor in zip(chain, [*chain[1:], verdict], strict=False):
        replaced.superseded_by = successor
        replaced.save(update_fields=["superseded_by", "updated_at"])
    # A published verdict kept current is not withdrawn: partners keep it until this one is out.
    events.verdict_change_record(verdict=verdict, previous=None if keep_published else previous)

    lease_clear_and_audit(
        claim,
        status=Claim.Status.VERDICT,
        actor=reviewer,
        action=AuditEvent.Action.VERDICT,
        verdict=verdict,
        message=f"Rated {verdict.get_rating_display()}"
        + (f" (was {previous.get_rating_display()})" if previous else "")
        + ("" if verdict.published_at else ", awaiting a second review"),
        data={"rating": rating, "previous": previous.rating if previous else None},
    )
    claim.save(update_fields=LEASE_FIELDS)
    return verdict


def _publish(verdict: Verdict, *, by: Any, message: str) -> Verdict:
    if verdict.reviewer_id == by.pk:
        raise ValidationError(
            "Nobody publishes their own verdict: another reviewer or editor does.", code="own"
        )
    verdict.published_at = timezone.now()
    if not verdict.is_current:
        # A replacement of a published verdict: it becomes current only now.
        replaced = (
            Verdict.objects.select_for_update()
            .filter(claim_id=verdict.claim_id, is_current=True)
            .first()
        )
        if replaced is not None:
            replaced.is_current = False
            replaced.save(update_fields=["is_current", "updated_at"])
        verdict.is_current = True
        verdict.save(update_fields=["published_at", "is_current", "updated_at"])
        if replaced is not None:
            replaced.superseded_by = verdict
            replaced.save(update_fields=["superseded_by", "updated_at"])
    else:
        verdict.save(update_fields=["published_at", "updated_at"])
    events.verdict_change_record(verdict=verdict)
    audit_record_claim(
        verdict.claim, action=AuditEvent.Action.PUBLISH, actor=by, verdict=verdict, message=message
    )
    return verdict


def _verdict_for_update(verdict_id: int) -> Verdict:
    verdict = (
        Verdict.objects.select_for_update(of=("self",))
        .select_related("claim", "reviewer")
        .get(pk=verdict_id)
    )
    if verdict.is_superseded:
        raise ValidationError(
            "This verdict has been superseded by a newer one; review that instead.",
            code="superseded",
        )
    return verdict


@transaction.atomic
def verdict_review(
    *,
    verdict_id: int,
    reviewer: Any,
    agrees: bool,
    rating: str = "",
    note: str = "",
    blind: bool = False,
) -> VerdictReview:
    """Record a second reviewer's agreement or disagreement with an unpublished verdict.

    Not idempotent: a reviewer reviews a verdict once; a second try is refused. Agreement publishes
    the verdict unless someone already disagreed; a disagreement (with the rating this reviewer
    would give and why) leaves it unpublished for an editor to settle."""
    verdict = _verdict_for_update(verdict_id)
    if verdict.published_at is not None:
        raise ValidationError("This verdict is already published.", code="published")
    if verdict.reviewer_id == reviewer.pk:
        raise ValidationError(
            "A second review must come from someone else than the verdict's author.", code="own"
        )
    if verdict.reviews.filter(reviewer=reviewer).exists():
        raise ValidationError("You have already reviewed this verdict.", code="reviewed")
    if verdict.blind_review and not blind:
        # Agreeing with a rating one has seen would not measure agreement (verdict_review_blind).
        raise ValidationError("This verdict is under blind review: give your own rating.")
    note = note.strip()
    if agrees:
        rating = ""
    else:
        if rating not in Rating.values:
            raise ValidationError("Say which rating you would give instead.", code="rating")
        if rating == verdict.rating:
            raise ValidationError(
                "Disagreeing with the same rating: pick the rating you would give.",
                code="same_rating",
            )
        if not note:
            raise ValidationError("Say why you disagree: the note is empty.", code="empty")
    review = VerdictReview.objects.create(
        verdict=verdict, reviewer=reviewer, agrees=agrees, rating=rating, note=note, blind=blind
    )
    audit_record_claim(
        verdict.claim,
        action=AuditEvent.Action.REVIEW,
        actor=reviewer,
        verdict=verdict,
        message=f"{'Agreed' if agrees else 'Disagreed'} with {verdict.get_rating_display()}"
        + ("" if agrees else f": would rate {Rating(rating).label}"),
        data={"agrees": agrees, "rating": rating},
    )
    disputed = verdict.reviews.filter(agrees=False).exists()
    if agrees and not disputed:
        _publish(verdict, by=reviewer, message=f"Published after {reviewer} agreed")
    return review


@transaction.atomic
def verdict_publish(*, verdict_id: int, by: Any) -> Verdict:
    """Publish a verdict as it stands (an editor settling a dispute). Idempotent. Refused for the
    editor's own verdict."""
    verdict = _verdict_for_update(verdict_id)
    if verdict.published_at is not None:
        return verdict
    return _publish(verdict, by=by, message=f"Published by {by}")


@transaction.atomic
def verdict_settle(*, verdict_id: int, by: Any, rating: str, explanation: str = "") -> Verdict:
    """An editor settles a disputed verdict: the same rating publishes it as it stands; another
    rating records the editor's verdict (superseding it) and publishes that at once.

    Not idempotent when the rating changes: each call adds a verdict to the history."""
    verdict = _verdict_for_update(verdict_id)
    if verdict.published_at is not None and rating == verdict.rating:
        return verdict
    if verdict.reviewer_id == by.pk:
        raise ValidationError("Nobody settles their own verdict: another editor does.", code="own")
    if rating == verdict.rating:
        return _publish(verdict, by=by, message=f"Settled by {by}: published as it stands")
    rating, explanation, urls = _verdict_clean(
        rating, explanation or verdict.explanation, verdict.evidence_urls
    )
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=verdict.claim_id)
    settled = _verdict_add(
        claim, reviewer=by, rating=rating, explanation=explanation, urls=urls, publish=True
    )
    audit_record_claim(
        claim,
        action=AuditEvent.Action.PUBLISH,
        actor=by,
        verdict=settled,
        message=f"Settled by {by}: {verdict.get_rating_display()} → {settled.get_rating_display()}",
    )
    return settled
