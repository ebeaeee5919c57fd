"""Webhook endpoints (register, change, pause, resume) and deliveries (one attempt, re-send, the
sweep). Events are recorded by ``claims.services.events`` in the transaction of each change;
their deliveries are queued once it commits, and each attempt is logged."""

import logging
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from claims.netcheck import url_check_public, url_parts
from claims.services.webhook_http import webhook_body, webhook_post, webhook_signature

logger = logging.getLogger(__name__)

WEBHOOK_TASK_NAME = "workers.deliver_webhook"
WEBHOOK_SWEEP_TASK_NAME = "workers.sweep_webhooks"
SECRET_PREFIX = "whsec_"
MAX_ENDPOINTS_PER_OWNER = 20
# Which permission an owner needs to be sent each event: partners read published verdicts only.
EVENT_PERMISSIONS: dict[str, str] = {
    WebhookEndpoint.Event.VERDICT_PUBLISHED: "claims.view_verdict",
    WebhookEndpoint.Event.VERDICT_SUPERSEDED: "claims.view_verdict",
    WebhookEndpoint.Event.VERDICT_WITHDRAWN: "claims.view_verdict",
    WebhookEndpoint.Event.ARTICLE_SPLIT: "claims.view_article",
}


def webhook_url_clean(url: str) -> str:
    """The endpoint's address, or ``ValidationError``: https only (http with the test setting),
    and never a local name or a private, loopback or link-local address. DNS is checked again
    at every delivery, since what a name points at can change."""
    url = url.strip()
    allow_private = settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE
    url_parts(url, allow_http=allow_private)
    url_check_public(url, allow_private=allow_private, resolve=False)
    if len(url) > 2000:
        raise ValidationError("The address is longer than 2,000 characters.", code="too_long")
    return url


def _events_clean(events: Iterable[str], *, owner: Any) -> list[str]:
    chosen = list(dict.fromkeys(events))
    if not chosen:
        raise ValidationError("Choose at least one event.", code="empty")
    for event in chosen:
        if event not in WebhookEndpoint.Event.values:
            raise ValidationError(
                f"“{event}” is not an event; use {', '.join(WebhookEndpoint.Event.values)}.",
                code="event",
            )
        if not owner.has_perm(EVENT_PERMISSIONS[event]):
            raise ValidationError(f"This account may not receive “{event}”.", code="event_perm")
    return chosen


def webhook_secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def webhook_endpoint_create(
    *, owner: Any, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint with a new signing secret. Not idempotent: each call adds one."""
    url = webhook_url_clean(url)
    chosen = _events_clean(events, owner=owner)
    if WebhookEndpoint.objects.filter(owner=owner).count() >= MAX_ENDPOINTS_PER_OWNER:
        raise ValidationError(f"At most {MAX_ENDPOINTS_PER_OWNER} endpoints per account.")
    return WebhookEndpoint.objects.create(
        owner=owner,
        url=url,
        events=chosen,
        description=" ".join(description.split())[:200],
        secret=webhook_secret_new(),
    )


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint_id: int,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint; ``active=True`` resumes a paused one (see ``webhook_endpoint_resume``),
    ``active=False`` pauses it. Idempotent."""
    endpoint = (
        WebhookEndpoint.objects.select_for_update().select_related("owner").get(pk=endpoint_id)
    )
    if url is not None:
        endpoint.url = webhook_url_clean(url)
    if events is not None:
        endpoint.events = _events_clean(events, owner=endpoint.owner)
    if description is not None:
        endpoint.description = " ".join(description.split())[:200]
    endpoint.save()
    if active is True and not endpoint.is_active:
        return webhook_endpoint_resume(endpoint_id=endpoint.pk)
    if active is False and endpoint.is_active:
        _pause(endpoint, reason="Paused by its owner.")
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint_id: int) -> None:
    """Remove an endpoint with its delivery log. Idempotent."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).delete()


def _pause(endpoint: WebhookEndpoint, *, reason: str) -> None:
    endpoint.is_active = False
    endpoint.paused_at = timezone.now()
    endpoint.pause_reason = reason
    endpoint.save(update_fields=["is_active", "paused_at", "pause_reason", "updated_at"])


@transaction.atomic
def webhook_endpoint_resume(*, endpoint_id: int) -> WebhookEndpoint:
    """Resume a paused endpoint and send what was held for it, afresh. Idempotent."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.is_active = True
    endpoint.paused_at = None
    endpoint.pause_reason = ""
    endpoint.consecutive_failures = 0
    endpoint.save()
    held = list(
        endpoint.deliveries.filter(status=WebhookDelivery.Status.HELD).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=held).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    webhook_deliveries_enqueue_on_commit(delivery_ids=held)
    return endpoint


@transaction.atomic
def webhook_delivery_resend(*, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again (an administrator's re-send), with the same event id so a receiver
    that had it already drops it. Idempotent while it is pending."""
    delivery = (
        WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery_id)
    )
    if not delivery.endpoint.is_active:
        raise ValidationError("The endpoint is paused: resume it first (that re-sends too).")
    if delivery.status != WebhookDelivery.Status.PENDING:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    webhook_deliveries_enqueue_on_commit(delivery_ids=[delivery.pk])
    return delivery


def webhook_delivery_enqueue(*, delivery_id: int, countdown: int = 0) -> bool:
    """Send the delivery task. False (logged) when the broker is unreachable: the sweep sends
    pending deliveries again later."""
    try:
        current_app.send_task(WEBHOOK_TASK_NAME, args=[delivery_id], countdown=countdown)
    except Exception:  # the broker client raises many types; none may fail the change
        logger.warning("could not queue webhook delivery %s", delivery_id, exc_info=True)
        return False
    return True


def webhook_deliveries_enqueue_on_commit(*, delivery_ids: list[int]) -> None:
    def send() -> None:
        for delivery_id in delivery_ids:
            webhook_delivery_enqueue(delivery_id=delivery_id)

    if delivery_ids:
        transaction.on_commit(send)


def webhook_backoff(attempt: int) -> int:
    """Seconds before try ``attempt + 1``: doubling from the base, capped, with equal jitter."""
    base = settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS
    cap = settings.FACTCHECK_WEBHOOK_BACKOFF_MAX_SECONDS
    delay = min(cap, base * 2 ** max(attempt - 1, 0))
    return max(1, delay // 2 + random.randint(0, delay - delay // 2))  # noqa: S311 - not crypto


@dataclass(frozen=True)
class DeliveryOutcome:
    result: str  # "delivered", "retry", "failed", "held" or "skipped"
    retry_in: int = 0
    reason: str = ""


def _claim_attempt(delivery_id: int) -> tuple[WebhookDelivery | None, DeliveryOutcome | None]:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("event", "endpoint__owner")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None, DeliveryOutcome("skipped", reason="not pending")
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            delivery.status = WebhookDelivery.Status.HELD
            delivery.save(update_fields=["status"])
            return None, DeliveryOutcome("held", reason="endpoint paused")
        needed = EVENT_PERMISSIONS[delivery.event.type]
        if not endpoint.owner.is_active or not endpoint.owner.has_perm(needed):
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = "The endpoint's owner may no longer receive this event."
            delivery.save(update_fields=["status", "last_error"])
            return None, DeliveryOutcome("failed", reason=delivery.last_error)
        # Counted before the request: a worker killed mid-request still used an attempt.
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
        return delivery, None


def webhook_delivery_attempt(*, delivery_id: int) -> DeliveryOutcome:
    """Try a pending delivery once and log the attempt. Safe to run twice: only a pending
    delivery is sent, and receivers drop a repeated event id."""
    delivery, outcome = _claim_attempt(delivery_id)
    if delivery is None:
        assert outcome is not None
        return outcome
    event, endpoint = delivery.event, delivery.endpoint
    body = webhook_body(event.payload)
    timestamp = int(time.time())
    headers = {
        "Factcheck-Event-Id": str(event.pk),
        "Factcheck-Event": event.type,
        "Factcheck-Timestamp": str(timestamp),
        "Factcheck-Signature": webhook_signature(
            secret=endpoint.secret, timestamp=timestamp, body=body
        ),
        "Factcheck-Delivery-Attempt": str(delivery.attempts),
    }
    result = webhook_post(url=endpoint.url, body=body, headers=headers)
    return _record(delivery, result)


@transaction.atomic
def _record(delivery: WebhookDelivery, result: Any) -> DeliveryOutcome:
    now = timezone.now()
    error = result.error or ("" if result.ok else f"HTTP {result.status_code}")
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        error=error,
        response_excerpt=result.excerpt,
    )
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    delivery.last_status_code = result.status_code
    delivery.last_error = error
    fields = ["last_status_code", "last_error", "status", "next_attempt_at", "delivered_at"]
    if result.ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.save(update_fields=fields)
        if endpoint.consecutive_failures:
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["consecutive_failures"])
        return DeliveryOutcome("delivered")

    endpoint.consecutive_failures += 1
    endpoint.save(update_fields=["consecutive_failures"])
    limit = settings.FACTCHECK_WEBHOOK_PAUSE_AFTER_FAILURES
    if endpoint.is_active and endpoint.consecutive_failures >= limit:
        _pause(
            endpoint,
            reason=f"Paused after {endpoint.consecutive_failures} failed deliveries in a row; "
            f"the last: {error}.",
        )
    if not endpoint.is_active:
        delivery.status = WebhookDelivery.Status.HELD
        delivery.save(update_fields=fields)
        return DeliveryOutcome("held", reason=endpoint.pause_reason)
    if delivery.attempts >= settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.save(update_fields=fields)
        return DeliveryOutcome("failed", reason=error)
    retry_in = webhook_backoff(delivery.attempts)
    delivery.next_attempt_at = now + timedelta(seconds=retry_in)
    delivery.save(update_fields=fields)
    return DeliveryOutcome("retry", retry_in=retry_in, reason=error)


def webhook_deliveries_sweep(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Queue again the pending deliveries whose task should have run long ago (its message was
    lost, or the broker was down at commit). Idempotent in effect."""
    now = now or timezone.now()
    late = now - timedelta(seconds=settings.FACTCHECK_WEBHOOK_TIMEOUT_SECONDS * 2 + 300)
    ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=late
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    # Not due again until the window passes: the next sweep leaves them to their new message.
    WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
    for delivery_id in ids:
        webhook_delivery_enqueue(delivery_id=delivery_id)
    return ids
