"""What partners must learn of, recorded in the transaction of the change itself (an outbox):
a verdict published, a correction superseding a published one, a published one withdrawn, an
article split. Each event gets a delivery per subscribed endpoint, queued once the transaction
commits; a rolled-back change leaves neither event nor delivery.

Published-only: a verdict's content goes out only when it is published; a withdrawal carries ids
and times, never the content of what replaced it."""

import uuid
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from claims.claimreview import Publisher, claimreview_build, iso_datetime
from claims.models import (
    Article,
    Rating,
    Verdict,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from claims.services.webhooks import EVENT_PERMISSIONS, webhook_deliveries_enqueue_on_commit

Event = WebhookEndpoint.Event
# What a correction compares with the verdict it replaces.
CORRECTION_FIELDS = ("rating", "explanation", "evidence_urls")


def _subscribers(event_type: str) -> list[WebhookEndpoint]:
    needed = EVENT_PERMISSIONS[event_type]
    return [
        endpoint
        for endpoint in WebhookEndpoint.objects.select_related("owner").order_by("pk")
        if event_type in endpoint.events
        and endpoint.owner.is_active
        and endpoint.owner.has_perm(needed)
    ]


def webhook_event_record(
    *,
    event_type: str,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    verdict: Verdict | None = None,
    article: Article | None = None,
) -> WebhookEvent | None:
    """Store one event and its deliveries, sent after commit. Not idempotent: each call is an
    event. None when no endpoint wants it (nothing stored, and a callable ``data`` not called)."""
    endpoints = _subscribers(event_type)
    if not endpoints:
        return None
    if callable(data):
        data = data()
    event_id = uuid.uuid4()
    now = timezone.now()
    payload = {
        "id": str(event_id),
        "type": event_type,
        "created_at": iso_datetime(now),
        "data": data,
    }
    event = WebhookEvent.objects.create(
        id=event_id, type=event_type, payload=payload, verdict=verdict, article=article
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            event=event,
            endpoint=endpoint,
            status=WebhookDelivery.Status.PENDING
            if endpoint.is_active
            else WebhookDelivery.Status.HELD,
        )
        for endpoint in endpoints
    )
    pending = [d.pk for d in deliveries if d.status == WebhookDelivery.Status.PENDING]
    webhook_deliveries_enqueue_on_commit(delivery_ids=pending)
    return event


def _verdict_data(verdict: Verdict, publisher: Publisher) -> dict[str, Any]:
    return {
        "verdict_id": verdict.pk,
        "claim_id": verdict.claim_id,
        "claimreview_id": publisher.claimreview_id(verdict.claim_id),
        "rating": verdict.rating,
        "rating_label": Rating(verdict.rating).label,
        "published_at": iso_datetime(verdict.published_at),
        "correction": verdict.correction or None,
        "claimreview": claimreview_build(verdict, publisher=publisher),
    }


def _correction_mark(verdict: Verdict) -> bool:
    """When the claim had a published verdict before this one, record what changed. True then."""
    earlier = Verdict.objects.filter(claim_id=verdict.claim_id, published_at__isnull=False).exclude(
        pk=verdict.pk
    )
    last = earlier.order_by("-published_at", "-id").first()
    if last is None:
        return False
    first_published = earlier.order_by("published_at", "id").values_list("published_at", flat=True)
    verdict.correction = {
        "previous_verdict": last.pk,
        "previous_rating": last.rating,
        "changed": [f for f in CORRECTION_FIELDS if getattr(verdict, f) != getattr(last, f)],
        "first_published_at": iso_datetime(first_published[0]),
    }
    verdict.save(update_fields=["correction", "updated_at"])
    return True


def verdict_change_record(*, verdict: Verdict, previous: Verdict | None = None) -> None:
    """Call in the transaction that gave or published ``verdict`` (``previous``: the verdict it
    just replaced as current, if any). A published verdict is announced, as a correction when
    the claim had a published one before; a published ``previous`` replaced by one not yet
    published is withdrawn. Not idempotent: call once per change."""
    publisher = Publisher.from_settings()
    if verdict.published_at is not None:
        corrected = _correction_mark(verdict)
        given = verdict

        def data() -> dict[str, Any]:
            # Read only when an endpoint wants the event: the article comes with its body.
            loaded = Verdict.objects.select_related("claim__article").get(pk=given.pk)
            return _verdict_data(loaded, publisher)

        webhook_event_record(
            event_type=Event.VERDICT_SUPERSEDED if corrected else Event.VERDICT_PUBLISHED,
            data=data,
            verdict=verdict,
        )
    elif previous is not None and previous.published_at is not None:
        webhook_event_record(
            event_type=Event.VERDICT_WITHDRAWN,
            data={
                "verdict_id": previous.pk,
                "claim_id": previous.claim_id,
                "claimreview_id": publisher.claimreview_id(previous.claim_id),
                "withdrawn_at": iso_datetime(timezone.now()),
                # The replacement is not published: only its id, never its content.
                "superseded_by": verdict.pk,
            },
            verdict=previous,
        )


def article_split_record(*, article: Article, claims: int) -> None:
    """Call in the transaction that stored an article's claims. Not idempotent."""
    webhook_event_record(
        event_type=Event.ARTICLE_SPLIT,
        data={
            "article_id": article.pk,
            "title": article.title,
            "url": article.url,
            "source": article.source,
            "claims": claims,
            "split_at": iso_datetime(article.split_at),
        },
        article=article,
    )
