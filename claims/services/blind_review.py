"""A blind second review: the reviewer gives their own rating without seeing the verdict's; the
same rating agrees (and publishes, as a second review does), another one is a disagreement for
an editor to settle. Both ratings feed the agreement statistics."""

from typing import Any

from django.core.exceptions import ValidationError

from claims.models import Rating, Verdict, VerdictReview
from claims.services.verdicts import verdict_review


def verdict_review_blind(
    *, verdict_id: int, reviewer: Any, rating: str, note: str = ""
) -> VerdictReview:
    """Record a blind review of a verdict under blind review. Not idempotent: a reviewer reviews
    a verdict once; a second try is refused."""
    if rating not in Rating.values:
        raise ValidationError("Give your rating: pick one of the ratings.", code="rating")
    verdict = Verdict.objects.only("pk", "rating", "blind_review").get(pk=verdict_id)
    if not verdict.blind_review:
        raise ValidationError("This verdict is not under blind review.", code="not_blind")
    agrees = rating == verdict.rating
    return verdict_review(
        verdict_id=verdict_id,
        reviewer=reviewer,
        agrees=agrees,
        rating="" if agrees else rating,
        note=note.strip() or f"Blind review: rated {Rating(rating).label}.",
        blind=True,
    )
