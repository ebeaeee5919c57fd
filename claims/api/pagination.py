"""Keyset ("cursor") pagination for every list: a page is the rows after the (ordering field, id)
of the previous page's last row, so rows added meanwhile never shift the ones still to come."""

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from claims.api.base import MAX_ID, DateOrDateTimeField, QuerySerializer

ORDERINGS = ("id", "-id", "created_at", "-created_at", "updated_at", "-updated_at")


def cursor_encode(ordering: str, obj: Model) -> str:
    field = ordering.lstrip("-")
    value = getattr(obj, field)
    payload = {"o": ordering, "v": value.isoformat() if isinstance(value, datetime) else value}
    payload["i"] = obj.pk
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str, ordering: str) -> tuple[Any, int]:
    """The (ordering value, id) a cursor points after; a 400 for a forged cursor or one made
    for another ordering."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        last_id = int(payload["i"])
        value = payload["v"]
        if ordering.lstrip("-") != "id":
            value = datetime.fromisoformat(value)
            if timezone.is_naive(value):
                value = value.replace(tzinfo=UTC)
        order = payload["o"]
        if not 0 <= last_id <= MAX_ID:
            raise ValueError(last_id)
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise exceptions.ValidationError(
            {"cursor": ["Not a cursor from this API: use the `next` link of the last page."]}
        ) from None
    if order != ordering:
        raise exceptions.ValidationError(
            {"cursor": [f"This cursor pages by {order!r}; ask with ordering={order}."]}
        )
    return value, last_id


class PageFilterSerializer(QuerySerializer):
    """Query parameters every list takes."""

    updated_since = DateOrDateTimeField(
        required=False, help_text="Only rows changed at or after this time (ISO 8601 date-time)."
    )
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False)
    cursor = serializers.CharField(
        required=False, max_length=500, help_text="From `next_cursor` of the previous page."
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=settings.FACTCHECK_API_MAX_PAGE_SIZE
    )


def page_serializer(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
    """The OpenAPI shape of one page of ``item``: the rows and the link to the next page."""
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(
                allow_null=True, help_text="The next page; null on the last one."
            ),
            "next_cursor": serializers.CharField(allow_null=True),
            "results": item(many=True),
        },
    )


def keyset_page(
    request: Request, queryset: QuerySet[Any], *, params: dict[str, Any], default_ordering: str
) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``queryset`` after the cursor, and the links to the next one.

    Pages by (ordering field, id), so rows added while a client pages never shift the rows it has
    yet to see; a row changed meanwhile comes again, later, in ``updated_at`` order."""
    ordering = params.get("ordering") or default_ordering
    size = params.get("page_size") or settings.FACTCHECK_API_PAGE_SIZE
    field = ordering.lstrip("-")
    op = "lt" if ordering.startswith("-") else "gt"
    if params.get("cursor"):
        value, last_id = cursor_decode(params["cursor"], ordering)
        if field == "id":
            queryset = queryset.filter(**{f"id__{op}": last_id})
        else:
            queryset = queryset.filter(
                Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": last_id})
            )
    id_order = "-id" if ordering.startswith("-") else "id"
    rows = list(queryset.order_by(*dict.fromkeys([ordering, id_order]))[: size + 1])
    next_cursor = cursor_encode(ordering, rows[size - 1]) if len(rows) > size else None
    next_url = None
    if next_cursor:
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", next_cursor)
    return rows[:size], {"next": next_url, "next_cursor": next_cursor}
