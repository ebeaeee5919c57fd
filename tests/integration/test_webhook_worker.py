"""A webhook through the real path: a verdict given over the API commits, the delivery goes to
the broker, a Celery worker posts it to a receiver on 127.0.0.1, retries after a 500, and logs
both attempts."""

from collections.abc import Iterator
from typing import Any

import pytest

from claims import services
from claims.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.factories import ClaimFactory, UserFactory, role, token_api_client
from tests.integration.conftest import wait_for
from tests.webhook_receiver import Receiver, start_receiver

pytestmark = pytest.mark.integration


@pytest.fixture
def receiver(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    # The test process (registration) and the worker (delivery, from its environment) alike.
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE = True
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    settings.FACTCHECK_BLIND_REVIEW_PERCENT = 0
    for name, value in {
        "FACTCHECK_WEBHOOK_ALLOW_PRIVATE": "true",
        "FACTCHECK_WEBHOOK_BACKOFF_SECONDS": "1",
        "FACTCHECK_WEBHOOK_BACKOFF_MAX_SECONDS": "2",
        "FACTCHECK_REQUIRE_SECOND_REVIEW": "false",
        "FACTCHECK_BLIND_REVIEW_PERCENT": "0",
    }.items():
        monkeypatch.setenv(name, value)
    yield from start_receiver()


def test_a_worker_delivers_a_signed_verdict_and_retries_after_a_500(
    start_worker: Any, receiver: Receiver, reviewer: Any
) -> None:
    partner = UserFactory()
    partner.groups.add(role("Partner"))
    endpoint = services.webhook_endpoint_create(
        owner=partner, url=receiver.url, events=[WebhookEndpoint.Event.VERDICT_PUBLISHED]
    )
    receiver.secret = endpoint.secret
    receiver.script = [500]
    start_worker()
    claim = ClaimFactory()
    response = token_api_client(reviewer).post(
        "/api/v1/verdicts/",
        {"claim": claim.pk, "rating": "false", "explanation": "The minutes say otherwise."},
        format="json",
    )
    assert response.status_code == 201, response.content

    def delivered() -> bool:
        return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).exists()

    wait_for(delivered, timeout=60, what="the webhook delivery")
    codes = list(WebhookAttempt.objects.order_by("number").values_list("status_code", flat=True))
    assert codes == [500, 200]
    [accepted] = receiver.accepted()
    assert accepted.payload["data"]["verdict_id"] == response.json()["id"]
