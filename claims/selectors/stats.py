"""The stats page, read from the rollups (services.stats_rollup_refresh): claims by status,
verdicts by rating, day and reviewer, and the queue's age, as of the last rollup."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from claims.models import Claim, ClaimCount, Rating, StatsRollup, VerdictDayCount
from claims.services.rollups import QUEUE_AGE_BUCKETS


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
    refreshed_at: datetime


def claim_status_counts_rollup(*, kinds_hidden: tuple[str, ...] = ()) -> dict[str, int] | None:
    """Claims per status at the last rollup, leaving out ``kinds_hidden``; None before the first."""
    rows = list(
        ClaimCount.objects.exclude(kind__in=kinds_hidden)
        .values_list("status")
        .annotate(n=Sum("n"))
        .order_by()
    )
    # No rows: before the first rollup, or none of these claims at its last run.
    if not rows and not StatsRollup.objects.exists():
        return None
    counts = {status: 0 for status in Claim.Status.values}
    counts.update({status: int(n) for status, n in rows})
    return counts


def dashboard_stats(*, now: datetime | None = None, days: int = 14) -> DashboardStats | None:
    """Counts for the stats page from the rollups (a few small queries); None before the first
    rollup ran."""
    rollup = StatsRollup.objects.order_by("pk").first()
    status_counts = claim_status_counts_rollup()
    if rollup is None or status_counts is None:
        return None
    by_status = [
        Bar(label, status_counts[value], f"status-{value}") for value, label in Claim.Status.choices
    ]

    verdict_days = VerdictDayCount.objects.all()
    rating_rows = dict(
        verdict_days.filter(is_current=True).values_list("rating").annotate(n=Sum("n")).order_by()
    )
    by_rating = [
        Bar(label, int(rating_rows.get(value, 0)), f"rating-{value}")
        for value, label in Rating.choices
    ]

    today = timezone.localdate(now or timezone.now())
    first_day = today - timedelta(days=days - 1)
    day_rows: dict[date, int] = dict(
        verdict_days.filter(day__gte=first_day).values_list("day").annotate(n=Sum("n")).order_by()
    )
    per_day = [
        Bar(f"{d:%b %d}", int(day_rows.get(d, 0)))
        for d in (first_day + timedelta(days=i) for i in range(days))
    ]

    reviewer_rows = (
        verdict_days.values_list("reviewer__username")
        .annotate(n=Sum("n"))
        .order_by("-n", "reviewer__username")[:20]
    )
    per_reviewer = [Bar(name, int(n)) for name, n in reviewer_rows]

    ages = list(rollup.queue_age) or [0] * len(QUEUE_AGE_BUCKETS)
    queue_age = [Bar(label, n) for (label, _), n in zip(QUEUE_AGE_BUCKETS, ages, strict=True)]
    return DashboardStats(
        claims_by_status=by_status,
        verdicts_by_rating=by_rating,
        verdicts_per_day=per_day,
        verdicts_per_reviewer=per_reviewer,
        queue_age=queue_age,
        open_claims=rollup.open_claims,
        oldest_open=rollup.oldest_open,
        refreshed_at=rollup.refreshed_at,
    )
