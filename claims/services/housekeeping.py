"""Rows that only grow unless something clears them: used verdict-submission keys past their
expiry, and webhook deliveries that ended (delivered, or failed for good) long ago."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from claims.models import IdempotencyKey, WebhookDelivery, WebhookEvent

HOUSEKEEPING_TASK_NAME = "workers.prune_expired"
# Rows deleted per transaction: a backlog of millions never holds one long lock.
PRUNE_BATCH = 5_000


@dataclass(frozen=True)
class PruneResult:
    idempotency_keys: int
    webhook_deliveries: int
    webhook_events: int


def _delete_in_batches(queryset: QuerySet[Model]) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True)[:PRUNE_BATCH])
            if not ids:
                return deleted
            queryset.model._default_manager.filter(pk__in=ids).delete()
        deleted += len(ids)


def expired_rows_prune(*, now: datetime | None = None) -> PruneResult:
    """Delete expired idempotency keys and webhook rows older than ``FACTCHECK_WEBHOOK_KEEP_DAYS``
    that are finished: delivered or failed deliveries (with their attempts), and events no
    delivery refers to any more. Pending and held deliveries are kept whatever their age.
    Idempotent."""
    now = now or timezone.now()
    keys = _delete_in_batches(IdempotencyKey.objects.filter(expires_at__lte=now))
    kept_since = now - timedelta(days=settings.FACTCHECK_WEBHOOK_KEEP_DAYS)
    ended = (WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED)
    deliveries = _delete_in_batches(
        WebhookDelivery.objects.filter(status__in=ended, created_at__lt=kept_since)
    )
    events = _delete_in_batches(
        WebhookEvent.objects.filter(created_at__lt=kept_since, deliveries__isnull=True)
    )
    return PruneResult(idempotency_keys=keys, webhook_deliveries=deliveries, webhook_events=events)
