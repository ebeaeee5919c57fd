"""Rollups for the stats page and the queue's status tabs: counts rebuilt by
``services.stats_rollup_refresh``, never edited by hand. Imported by ``claims.models``."""

from django.conf import settings
from django.db import models

from claims.models import Claim, Rating


class ClaimCount(models.Model):
    """Claims per status and kind at the last rollup: the stats page and the queue's status tabs
    read these few rows instead of counting a million claims on every load."""

    status = models.CharField(max_length=16, choices=Claim.Status.choices)
    kind = models.CharField(max_length=16, choices=Claim.Kind.choices)
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status", "kind"], name="claimcount_status_kind")
        ]

    def __str__(self) -> str:
        return f"{self.status}/{self.kind}: {self.n}"


class VerdictDayCount(models.Model):
    """Verdicts given per day (in TIME_ZONE), reviewer and rating, and whether still current."""

    day = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rating = models.CharField(max_length=16, choices=Rating.choices)
    is_current = models.BooleanField()
    n = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "reviewer", "rating", "is_current"], name="verdictdaycount_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reviewer_id} {self.rating}: {self.n}"


class StatsRollup(models.Model):
    """The one row saying when the rollup last ran, with what is relative to that moment."""

    refreshed_at = models.DateTimeField()
    # Verdicts changed at or after this were not yet counted; the next run recounts their days.
    verdicts_counted_until = models.DateTimeField()
    queue_age = models.JSONField(default=list)
    open_claims = models.PositiveIntegerField(default=0)
    oldest_open = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"stats as of {self.refreshed_at:%Y-%m-%d %H:%M}"
