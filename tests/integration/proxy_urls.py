"""The project's URLs plus two probes, for tests/integration/test_reverse_proxy.py: one echoes what
the app received from nginx, one streams under the exports' path and waits for the client."""

import json
import threading
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import include, path

from claims.login_lockout import client_ip_address

# Set by the test once it has read the first chunk of the stream.
first_chunk_read = threading.Event()


def echo(request: HttpRequest) -> HttpResponse:
    seen = {
        "forwarded_proto": request.META.get("HTTP_X_FORWARDED_PROTO"),
        "forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR"),
        "forwarded_host": request.META.get("HTTP_X_FORWARDED_HOST"),
        "secure": request.is_secure(),
        "client": client_ip_address(request),
    }
    return HttpResponse(json.dumps(seen), content_type="application/json")


def stream(request: HttpRequest) -> StreamingHttpResponse:
    def chunks() -> Iterator[str]:
        yield "first\n"
        # A proxy that buffered the response would hold "first" back until this returns, so
        # the client could not read it and set the event: the wait would run out.
        yield f"second, the client had read the first: {first_chunk_read.wait(timeout=30)}\n"

    return StreamingHttpResponse(chunks(), content_type="text/plain")


urlpatterns = [
    path("_probe/echo/", echo),
    path("api/v1/export/_probe/stream/", stream),
    path("", include("factcheck.urls")),
]
