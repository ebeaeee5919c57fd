"""The hourly prune: expired submission keys and long-finished webhook rows go, nothing else."""

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from claims import services
from claims.models import (
    IdempotencyKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from claims.services import housekeeping
from tests.factories import ReviewerFactory, UserFactory
from workers.tasks import prune_expired

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


def key(user: Any, name: str, *, expires_in: timedelta) -> IdempotencyKey:
    return IdempotencyKey.objects.create(
        user=user, key=name, request_hash="0" * 64, expires_at=timezone.now() + expires_in
    )


def delivery(endpoint: WebhookEndpoint, *, status: str, age_days: float) -> WebhookDelivery:
    created = timezone.now() - timedelta(days=age_days)
    event = WebhookEvent.objects.create(
        type=WebhookEndpoint.Event.VERDICT_PUBLISHED, payload={}, created_at=created
    )
    row = WebhookDelivery.objects.create(event=event, endpoint=endpoint, status=status)
    # auto_now_add ignores a value given to create(): set the age afterwards.
    WebhookDelivery.objects.filter(pk=row.pk).update(created_at=created)
    WebhookAttempt.objects.create(delivery=row, number=1, status_code=200)
    return row


@pytest.fixture
def endpoint() -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        owner=UserFactory(), url="https://partner.example/hook", events=["verdict.published"]
    )


def test_expired_keys_go_and_live_ones_stay() -> None:
    reviewer = ReviewerFactory()
    key(reviewer, "old", expires_in=timedelta(hours=-1))
    key(reviewer, "live", expires_in=timedelta(hours=1))
    result = services.expired_rows_prune()
    assert result.idempotency_keys == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["live"]


def test_only_finished_deliveries_older_than_the_keep_days_go_with_their_attempts_and_events(
    endpoint: WebhookEndpoint,
) -> None:
    old = settings.FACTCHECK_WEBHOOK_KEEP_DAYS + 1
    gone = [
        delivery(endpoint, status=Status.DELIVERED, age_days=old),
        delivery(endpoint, status=Status.FAILED, age_days=old),
    ]
    kept = [
        delivery(endpoint, status=Status.PENDING, age_days=old),
        delivery(endpoint, status=Status.HELD, age_days=old),
        delivery(endpoint, status=Status.DELIVERED, age_days=1),
    ]
    result = services.expired_rows_prune()
    assert (result.webhook_deliveries, result.webhook_events) == (2, 2)
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {d.pk for d in kept}
    assert not WebhookAttempt.objects.filter(delivery_id__in=[d.pk for d in gone]).exists()
    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {d.event_id for d in kept}


def test_an_event_still_owed_to_another_endpoint_is_kept(endpoint: WebhookEndpoint) -> None:
    old = settings.FACTCHECK_WEBHOOK_KEEP_DAYS + 1
    done = delivery(endpoint, status=Status.DELIVERED, age_days=old)
    other = WebhookEndpoint.objects.create(
        owner=UserFactory(), url="https://other.example/hook", events=["verdict.published"]
    )
    WebhookDelivery.objects.create(event=done.event, endpoint=other, status=Status.PENDING)
    services.expired_rows_prune()
    assert WebhookEvent.objects.filter(pk=done.event_id).exists()
    assert not WebhookDelivery.objects.filter(pk=done.pk).exists()


def test_a_backlog_larger_than_a_batch_is_deleted_in_several_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(housekeeping, "PRUNE_BATCH", 3)
    reviewer = ReviewerFactory()
    for number in range(8):
        key(reviewer, f"k{number}", expires_in=timedelta(minutes=-5))
    assert services.expired_rows_prune().idempotency_keys == 8
    assert not IdempotencyKey.objects.exists()


def test_the_task_runs_hourly_on_the_sweep_queue_and_prunes() -> None:
    assert settings.CELERY_BEAT_SCHEDULE["prune-expired"]["task"] == services.HOUSEKEEPING_TASK_NAME
    assert settings.CELERY_TASK_ROUTES[services.HOUSEKEEPING_TASK_NAME] == {"queue": "sweep"}
    key(ReviewerFactory(), "old", expires_in=timedelta(hours=-1))
    assert prune_expired() == {"idempotency_keys": 1, "webhook_deliveries": 0, "webhook_events": 0}
