"""The delivery task: one attempt per run, a retry after a failed one, nothing after success."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from claims import services
from claims.models import Rating, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.factories import ClaimFactory, ReviewerFactory, UserFactory, role
from tests.webhook_receiver import Receiver, start_receiver
from workers.tasks import deliver_webhook, sweep_webhooks

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE = True
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    settings.FACTCHECK_BLIND_REVIEW_PERCENT = 0
    yield from start_receiver()


def pending_delivery(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("claims.services.webhooks.current_app.send_task", lambda *a, **k: None)
    owner = UserFactory()
    owner.groups.add(role("Partner"))
    endpoint = services.webhook_endpoint_create(
        owner=owner, url=receiver.url, events=[WebhookEndpoint.Event.VERDICT_PUBLISHED]
    )
    receiver.secret = endpoint.secret
    services.verdict_set(
        claim_id=ClaimFactory().pk, reviewer=ReviewerFactory(), rating=Rating.TRUE, explanation="x"
    )
    return WebhookDelivery.objects.get().pk


def test_the_task_retries_after_500s_until_the_receiver_accepts(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivery_id = pending_delivery(receiver, monkeypatch)
    receiver.script = [500, 502]
    # Run eagerly, Celery runs each retry at once (the countdown is the broker's business).
    result = deliver_webhook.apply(args=[delivery_id]).get()
    assert result["result"] == "delivered"
    codes = list(
        WebhookAttempt.objects.filter(delivery_id=delivery_id)
        .order_by("number")
        .values_list("status_code", flat=True)
    )
    assert codes == [500, 502, 200]
    assert len(receiver.accepted()) == 1


def test_the_task_does_nothing_for_a_delivery_already_made(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivery_id = pending_delivery(receiver, monkeypatch)
    deliver_webhook.apply(args=[delivery_id]).get()
    assert deliver_webhook.apply(args=[delivery_id]).get()["result"] == "skipped"
    assert len(receiver.requests) == 1


def test_the_sweep_queues_again_a_delivery_whose_message_was_lost(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivery_id = pending_delivery(receiver, monkeypatch)
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.services.webhooks.current_app.send_task",
        lambda name, args, countdown=0: sent.append(args[0]),
    )
    assert sweep_webhooks() == {"requeued": 0}  # not late yet
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert sweep_webhooks() == {"requeued": 1}
    assert sent == [delivery_id]
    assert sweep_webhooks() == {"requeued": 0}  # not sent twice in a row
