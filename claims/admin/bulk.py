"""How an admin action that changes many rows runs: on at most MAX_BULK_CLAIMS selected rows, and
refused as a whole, the same way for every action, when the selection is larger or a service
says no.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from claims import selectors
from claims.roles import EDITOR_PERMISSION
from claims.services import MAX_BULK_CLAIMS

T = TypeVar("T")


def bulk_run(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    run: Callable[[list[int]], T],
) -> T | None:
    """``run`` on the ids of the selection, which calls the service; or None, once the user has
    been told why nothing was done.

    A selection over MAX_BULK_CLAIMS, or a ``ValidationError`` from the service (whose
    transaction has then rolled back), is shown as an error message."""
    try:
        ids = selectors.queryset_ids(queryset=queryset, limit=MAX_BULK_CLAIMS)
        if len(ids) > MAX_BULK_CLAIMS:
            raise ValidationError(
                f"More than {MAX_BULK_CLAIMS:,} {modeladmin.opts.verbose_name_plural} selected; "
                "narrow the list with filters first. Nothing was changed.",
                code="too_many",
            )
        return run(ids)
    except ValidationError as exc:
        modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
        return None


class EditorActionsMixin:
    """Actions declared with ``permissions=["editor"]`` are offered to editors only."""

    def has_editor_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EDITOR_PERMISSION)
