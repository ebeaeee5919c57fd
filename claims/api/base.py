"""What every endpoint shares: the base view (who may in, how often, how much), strict fields,
and the query-string serializer that refuses empty values."""

from datetime import UTC, datetime, time
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_date
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.views import APIView

from claims.api.errors import PayloadTooLarge, max_body_bytes
from claims.authentication import ApiRateThrottle, ReadOnlyTokenPermission
from claims.text import MAX_ID

M = TypeVar("M", bound=Model)


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would quietly turn 12 into "12"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DateOrDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time, or a plain date meaning its midnight UTC."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str) and len(value) == 10:
            try:
                day = parse_date(value)
            except ValueError:
                day = None
            if day is not None:
                return datetime.combine(day, time.min, tzinfo=UTC)
        return super().to_internal_value(value)


class QuerySerializer(serializers.Serializer):
    """Query-string parameters. DRF reads ``?rating=`` as "not given" (a form's empty field); an
    API client that sends an empty value made a mistake, so it is refused instead."""

    def to_internal_value(self, data: Any) -> Any:
        names: list[str] = list(self.fields.keys())
        blank = sorted(name for name in names if name in data and data.get(name) == "")
        if blank:
            raise exceptions.ValidationError(
                {name: ["Empty value: give one, or leave the parameter out."] for name in blank}
            )
        return super().to_internal_value(data)


VIEW_PERMISSION = ["%(app_label)s.view_%(model_name)s"]


class StrictModelPermissions(DjangoModelPermissions):
    """Reading needs the view permission too, not only writing: GET, and HEAD and OPTIONS as well
    (a HEAD's Content-Length, or an OPTIONS's 200, tells whether rows exist)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": VIEW_PERMISSION,
        "HEAD": VIEW_PERMISSION,
        "OPTIONS": VIEW_PERMISSION,
    }


class BaseApi(APIView):
    """Model permissions, read-only tokens refused writes, per-user throttling, body limit."""

    permission_classes = [ReadOnlyTokenPermission, StrictModelPermissions]
    throttle_classes = [ApiRateThrottle]
    parser_classes = [JSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before the body is parsed: a huge body is refused without reading it.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_body_bytes():
            raise PayloadTooLarge(
                f"The request body is {length:,} bytes; the limit is {max_body_bytes():,} bytes."
            )


def get_or_404(queryset: QuerySet[M], pk: int) -> M:
    obj = queryset.filter(pk=pk).first() if pk <= MAX_ID else None
    if obj is None:
        raise Http404(f"No {queryset.model._meta.verbose_name} #{pk}.")
    return obj


def refuse_unknown_fields(request: Request, serializer: type[serializers.Serializer]) -> None:
    if hasattr(request.data, "keys"):
        unknown = set(request.data.keys()) - set(serializer().fields)
        if unknown:
            raise exceptions.ValidationError(
                {name: ["Unknown field."] for name in sorted(unknown, key=str)}
            )
