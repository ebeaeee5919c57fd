"""Imported fact-checks (``manage.py import_factchecks``): listed and searchable, read-only.

They are other outlets' work: changed only by importing again, never sent out as our verdicts."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from claims.models import ExternalFactCheck


@admin.register(ExternalFactCheck)
class ExternalFactCheckAdmin(admin.ModelAdmin):
    list_display = ("claim_reviewed", "rating", "outlet", "reviewed_on", "imported_at")
    list_filter = ("outlet",)
    search_fields = ("claim_reviewed", "title", "url")
    date_hierarchy = "imported_at"
    readonly_fields = ("source_key", "claim_reviewed", "title", "rating", "outlet", "url",
                       "reviewed_on", "imported_at")  # fmt: skip
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
