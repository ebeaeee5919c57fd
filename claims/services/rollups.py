"""The stats rollup: claims per status and kind, verdicts per day, reviewer and rating, and the
queue's age, counted once by a periodic task so the stats page reads a few hundred rows instead of
scanning a million claims per load."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from claims.models import (
    QUEUE_DEFAULT_Q,
    Claim,
    ClaimCount,
    StatsRollup,
    Verdict,
    VerdictDayCount,
)

STATS_ROLLUP_TASK_NAME = "workers.stats_rollup_refresh"

QUEUE_AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("under 1 hour", timedelta(hours=1)),
    ("1–24 hours", timedelta(days=1)),
    ("1–7 days", timedelta(days=7)),
    ("1–4 weeks", timedelta(days=28)),
    ("older", None),
)
# A verdict saved by a transaction that commits after a run began is recounted by the next run:
# each run recounts the days of verdicts changed since shortly before the previous one.
LATE_COMMIT_SLACK = timedelta(minutes=5)


def _queue_age(now: datetime) -> tuple[list[int], int, datetime | None]:
    """Open, checkable claims per age bucket (one aggregate), their number and the oldest."""
    cuts = {
        f"b{i}": Count("id", filter=Q(created_at__gt=now - limit))
        for i, (_, limit) in enumerate(QUEUE_AGE_BUCKETS)
        if limit is not None
    }
    row = Claim.objects.filter(QUEUE_DEFAULT_Q).aggregate(
        total=Count("id"), oldest=Min("created_at"), **cuts
    )
    # Each cut counts every claim younger than it: the buckets are the differences.
    cumulative = [row[f"b{i}"] for i in range(len(cuts))] + [row["total"]]
    buckets = [cumulative[0]] + [b - a for a, b in zip(cumulative, cumulative[1:], strict=False)]
    return buckets, row["total"], row["oldest"]


def _verdict_days_recount(days: list | None) -> None:
    """Recount VerdictDayCount for ``days`` (every day when None)."""
    stale = VerdictDayCount.objects.all()
    verdicts = Verdict.objects.annotate(day=TruncDate("created_at"))
    if days is not None:
        stale = stale.filter(day__in=days)
        verdicts = verdicts.filter(day__in=days)
    stale.delete()
    rows = (
        verdicts.values("day", "reviewer_id", "rating", "is_current")
        .annotate(n=Count("id"))
        .order_by()
    )
    VerdictDayCount.objects.bulk_create(
        [VerdictDayCount(**row) for row in rows.iterator(chunk_size=5000)], batch_size=5000
    )


@transaction.atomic
def stats_rollup_refresh(*, now: datetime | None = None, full: bool = False) -> StatsRollup:
    """Recount the stats rollups: every claim count and the queue's age, and the verdict counts of
    the days whose verdicts changed since the last run (all days with ``full``). Idempotent."""
    now = now or timezone.now()
    # One run at a time: a second one waits here, then recounts from the first one's result.
    previous = StatsRollup.objects.select_for_update().order_by("pk").first()

    ClaimCount.objects.all().delete()
    ClaimCount.objects.bulk_create(
        ClaimCount(status=row["status"], kind=row["kind"], n=row["n"])
        for row in Claim.objects.values("status", "kind").annotate(n=Count("id")).order_by()
    )

    if full or previous is None:
        _verdict_days_recount(None)
    else:
        changed_since = previous.verdicts_counted_until - LATE_COMMIT_SLACK
        days = list(
            Verdict.objects.filter(updated_at__gte=changed_since)
            .annotate(day=TruncDate("created_at"))
            .values_list("day", flat=True)
            .distinct()
            .order_by()
        )
        if days:
            _verdict_days_recount(days)

    ages, open_claims, oldest = _queue_age(now)
    rollup = previous or StatsRollup(verdicts_counted_until=now)
    rollup.refreshed_at = now
    rollup.verdicts_counted_until = now
    rollup.queue_age = ages
    rollup.open_claims = open_claims
    rollup.oldest_open = oldest
    rollup.save()
    return rollup
