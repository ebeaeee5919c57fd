"""The stats page: claims by status, verdicts by rating, day and reviewer, and the queue's age."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from claims.models import OPEN_STATUSES, Claim, Rating, Verdict
from claims.selectors.common import HIDDEN_BY_DEFAULT_KINDS
from claims.selectors.dashboard import claim_status_counts


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    css: str = ""


@dataclass(frozen=True)
class DashboardStats:
    claims_by_status: list[Bar]
    verdicts_by_rating: list[Bar]
    verdicts_per_day: list[Bar]
    verdicts_per_reviewer: list[Bar]
    queue_age: list[Bar]
    open_claims: int
    oldest_open: datetime | None


QUEUE_AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("under 1 hour", timedelta(hours=1)),
    ("1–24 hours", timedelta(days=1)),
    ("1–7 days", timedelta(days=7)),
    ("1–4 weeks", timedelta(days=28)),
    ("older", None),
)


def dashboard_stats(*, now: datetime | None = None, days: int = 14) -> DashboardStats:
    """Counts for the stats page: a handful of grouped queries, no per-row work in Python
    beyond bucketing open claims' ages."""
    now = now or timezone.now()
    status_counts = claim_status_counts()
    by_status = [
        Bar(label, status_counts[value], f"status-{value}") for value, label in Claim.Status.choices
    ]

    current = Verdict.objects.filter(is_current=True)
    rating_rows = dict(current.values_list("rating").annotate(n=Count("id")).order_by())
    by_rating = [
        Bar(label, rating_rows.get(value, 0), f"rating-{value}") for value, label in Rating.choices
    ]

    today = timezone.localdate(now)
    first_day = today - timedelta(days=days - 1)
    day_rows = dict(
        Verdict.objects.filter(created_at__date__gte=first_day)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_day = [
        Bar(f"{d:%b %d}", day_rows.get(d, 0))
        for d in (first_day + timedelta(days=i) for i in range(days))
    ]

    reviewer_rows = (
        Verdict.objects.values_list("reviewer__username")
        .annotate(n=Count("id"))
        .order_by("-n", "reviewer__username")[:20]
    )
    per_reviewer = [Bar(name, n) for name, n in reviewer_rows]

    open_created = list(
        Claim.objects.filter(status__in=OPEN_STATUSES)
        .exclude(kind__in=HIDDEN_BY_DEFAULT_KINDS)
        .values_list("created_at", flat=True)
    )
    ages = [0] * len(QUEUE_AGE_BUCKETS)
    for created in open_created:
        age = now - created
        for i, (_, limit) in enumerate(QUEUE_AGE_BUCKETS):
            if limit is None or age < limit:
                ages[i] += 1
                break
    queue_age = [Bar(label, n) for (label, _), n in zip(QUEUE_AGE_BUCKETS, ages, strict=True)]
    return DashboardStats(
        claims_by_status=by_status,
        verdicts_by_rating=by_rating,
        verdicts_per_day=per_day,
        verdicts_per_reviewer=per_reviewer,
        queue_age=queue_age,
        open_claims=len(open_created),
        oldest_open=min(open_created, default=None),
    )
