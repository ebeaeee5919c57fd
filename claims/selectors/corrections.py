"""A claim's published ratings over time: what partners need to show a correction."""

from django.db.models import QuerySet

from claims.models import Verdict


def claim_rating_history(*, claim_id: int) -> QuerySet[Verdict]:
    """Every verdict on the claim that was ever published, oldest first, with what replaced it
    (for when). Never a verdict that was not published: partners read this."""
    return (
        Verdict.objects.filter(claim_id=claim_id, published_at__isnull=False)
        .select_related("superseded_by")
        .only(
            "id",
            "claim_id",
            "rating",
            "published_at",
            "is_current",
            "correction",
            "superseded_by__id",
            "superseded_by__created_at",
        )  # fmt: skip
        .order_by("published_at", "id")
    )
