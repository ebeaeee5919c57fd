"""Verdicts: read-only (given on the claim page, under its lease rules), published by editors."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from claims import selectors, services
from claims.admin.bulk import EditorActionsMixin, bulk_run
from claims.admin.large_tables import ScalableAdmin
from claims.models import Verdict


class PublishedFilter(admin.SimpleListFilter):
    title = "published"
    parameter_name = "published"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Published"), ("no", "Not published")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Verdict]) -> QuerySet[Verdict]:
        published = selectors.verdict_published_q()
        if self.value() == "yes":
            return queryset.filter(published)
        if self.value() == "no":
            return queryset.exclude(published)
        return queryset


@admin.register(Verdict)
class VerdictAdmin(EditorActionsMixin, ScalableAdmin):
    list_display = ("claim", "rating", "reviewer", "is_current", "published_at", "created_at")
    list_filter = ("rating", "is_current", PublishedFilter)
    search_fields = ("claim__text", "explanation")
    list_select_related = ("claim", "reviewer")
    date_hierarchy = "created_at"
    fields = (
        "claim", "reviewer", "rating", "explanation", "evidence_urls", "is_current",
        "superseded_by", "published_at", "created_at", "updated_at", "claim_history",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["publish"]
    audit_field = "verdict"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Verdicts are given on the claim page, where the lease and history rules apply.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # never edited: a new verdict supersedes the current one

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="the claim's history")
    def claim_history(self, obj: Verdict) -> str:
        history = selectors.verdict_claim_history(verdict=obj)
        verdicts = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    formats.localize(timezone.localtime(v.created_at)),
                    v.reviewer,
                    v.get_rating_display(),
                    "superseded" if v.is_superseded else "current" if v.is_current else "pending",
                )
                for v in history["verdicts"]
            ),
        )
        events = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    formats.localize(timezone.localtime(e.created_at)),
                    e.actor or "system",
                    e.get_action_display(),
                    e.message,
                )
                for e in history["events"]
            ),
        )
        return format_html(
            "<p>Verdicts</p><table>{}</table><p>Audit trail</p><table>{}</table>",
            verdicts,
            events,
        )

    @admin.action(permissions=["editor"], description="Publish")
    def publish(self, request: HttpRequest, queryset: QuerySet[Verdict]) -> None:
        def run(ids: list[int]) -> None:
            published, refused = 0, 0
            for verdict_id in ids:
                try:
                    services.verdict_publish(verdict_id=verdict_id, by=request.user)
                    published += 1
                except ValidationError:
                    refused += 1  # superseded, or the editor's own
            self.message_user(request, f"{published} verdict(s) published.")
            if refused:
                self.message_user(
                    request,
                    f"{refused} verdict(s) left unpublished: superseded, or your own.",
                    messages.WARNING,
                )

        bulk_run(self, request, queryset, run)
