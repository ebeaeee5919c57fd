"""Webhook endpoints and their recent deliveries, as their owners see them."""

from typing import Any

from django.db.models import QuerySet

from claims.models import WebhookDelivery, WebhookEndpoint


def webhook_endpoint_list(*, owner: Any, active: bool | None = None) -> QuerySet[WebhookEndpoint]:
    """The owner's endpoints (a superuser's API lists only their own too; the admin lists all)."""
    qs = WebhookEndpoint.objects.filter(owner=owner).order_by("id")
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def webhook_delivery_list(*, endpoint_id: int, limit: int = 50) -> list[WebhookDelivery]:
    """The endpoint's latest deliveries with their attempts, newest first."""
    return list(
        WebhookDelivery.objects.filter(endpoint_id=endpoint_id)
        .select_related("event")
        .prefetch_related("tries")
        .order_by("-created_at", "-id")[:limit]
    )
