"""Blind double review from the article list: an editor puts every claim of the selected
articles in (or out of) the agreement sample."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from claims import services
from claims.admin.bulk import bulk_run
from claims.models import Article


class BlindReviewActionsMixin:
    """Adds the two actions; the admin lists them in ``actions``."""

    def _blind_review(self, request: HttpRequest, queryset: QuerySet[Article], on: bool) -> None:
        def run(ids: list[int]) -> None:
            changed = services.article_blind_review_set(article_ids=ids, on=on, by=request.user)
            state = "on" if on else "off"
            self.message_user(request, f"Blind double review {state} for {changed} article(s).")  # type: ignore[attr-defined]

        bulk_run(self, request, queryset, run)  # type: ignore[arg-type]

    @admin.action(permissions=["change"], description="Blind double review: every claim")
    def blind_review_on(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._blind_review(request, queryset, True)

    @admin.action(permissions=["change"], description="Blind double review: off")
    def blind_review_off(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._blind_review(request, queryset, False)
