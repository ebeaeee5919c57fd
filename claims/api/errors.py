"""How the API says no: the documented error bodies, the exception handler
(``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) and the JSON 404 for any other address under /api/v1/."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, in a sentence."),
        "errors": serializers.DictField(
            child=serializers.JSONField(),
            required=False,
            help_text="400 only: the messages for each field that was refused.",
        ),
        "existing": serializers.URLField(
            required=False, help_text="409 on ingest only: the article already stored."
        ),
    },
)
ERROR_DESCRIPTIONS = {
    400: "Bad input: `detail` sums it up, `errors` lists the messages for each field.",
    401: "No credentials, or an invalid or revoked token.",
    403: "Not allowed: the user lacks the permission, or the token is read-only.",
    404: "No such object (or, for a read-only token, not published).",
    409: "Conflict: the article is already stored, or another reviewer holds the claim.",
    413: "The request body (or the article) is over the configured limit.",
    415: "The request body is not JSON (send `Content-Type: application/json`).",
    503: "The database is unavailable for a moment: nothing was stored; retry after "
    "`Retry-After` seconds.",
    429: "Too many requests for this user (all their tokens together): wait the seconds in `Retry-After`.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Documented error responses: the ones given, and those every endpoint can answer."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in sorted({*codes, 401, 403, 429})
    }


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def max_body_bytes() -> int:
    return int(settings.FACTCHECK_API_MAX_BODY_BYTES)


def _summarise(data: Any, prefix: str = "") -> list[str]:
    if isinstance(data, dict):
        return [m for key, value in data.items() for m in _summarise(value, f"{prefix}{key}: ")]
    if isinstance(data, list):
        return [m for value in data for m in _summarise(value, prefix)]
    return [f"{prefix}{data}"]


class DatabaseUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable for a moment: nothing was stored; try again."
    default_code = "database_unavailable"


# How long a client waits before trying again when the database is gone.
RETRY_AFTER_SECONDS = 30


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a body over Django's limit is a JSON 413 (not an HTML 400), the
    database unreachable is a JSON 503 with ``Retry-After`` (not an HTML 500), and a 400 always
    has a one-line ``detail`` besides the per-field ``errors``."""
    if isinstance(exc, OperationalError | InterfaceError):
        # The driver's message names hosts and ports: logged, never sent.
        logger.warning("API request refused, database unavailable: %s", exc)
        response = drf_exception_handler(DatabaseUnavailable(), context)
        if response is not None:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(f"The request body is over the limit of {max_body_bytes():,} bytes.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        data = response.data
        field_errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {
            "detail": "Invalid input: " + "; ".join(_summarise(field_errors)),
            "errors": field_errors,
        }
    return response


# No CSRF check: it answers 404 whatever the method, and the check would answer a PATCH or DELETE
# sent with a session cookie by Django's HTML 403 page instead.
@csrf_exempt
def endpoint_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 (the site's own 404 page is HTML)."""
    detail = f"No API endpoint at {request.path}; the endpoints are listed at /api/v1/docs/."
    try:
        match = resolve(request.path + "/")
    except Resolver404:
        match = None
    if match is not None and match.func is not endpoint_not_found and request.path[-1:] != "/":
        detail = f"No API endpoint at {request.path}; did you mean {request.path}/ ?"
    return JsonResponse({"detail": detail}, status=status.HTTP_404_NOT_FOUND)
