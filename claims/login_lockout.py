"""django-axes wiring: who is logging in (the client's address behind trusted proxies) and a
second, higher limit per username, counted over every address.

Behind nginx every request comes from the proxy's address: counted by ``REMOTE_ADDR``, five
wrong passwords from anyone would lock that account for everyone. Each trusted proxy appends the
address it saw to ``X-Forwarded-For``, so the client is the ``FACTCHECK_TRUSTED_PROXY_COUNT``-th
entry from the right; anything further left was sent by the client and is ignored."""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or behind N trusted proxies the N-th address from
    the right of ``X-Forwarded-For``."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.FACTCHECK_TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [a for a in chain if a]
    # Fewer entries than proxies: the request did not come through them all; trust no header.
    return chain[-proxies] if len(chain) >= proxies else remote


class LoginLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler, plus a lock on a username that failed
    ``FACTCHECK_USERNAME_FAILURE_LIMIT`` times from any addresses within the cool-off."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures: int = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username:
            return failures
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        total = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if total >= settings.FACTCHECK_USERNAME_FAILURE_LIMIT:
            limit: int = get_failure_limit(request, credentials)
            return max(failures, limit)
        return failures
