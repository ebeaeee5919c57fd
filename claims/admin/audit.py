"""The audit trail: its own read-only list, and the inlines that show an object's history."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.admin.large_tables import ScalableAdmin
from claims.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ScalableAdmin):
    """Written by the services only: nobody adds, edits or deletes an event here."""

    list_display = ("created_at", "actor", "action", "article", "claim", "message")
    list_filter = ("action", "actor")
    list_select_related = ("actor", "article", "claim")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditInline(admin.TabularInline):
    """Who did what to this object, newest first. Shown to those who may read the audit trail."""

    model = AuditEvent
    fields = ("created_at", "actor", "action", "message")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    extra = 0
    can_delete = False
    verbose_name = "audit event"
    verbose_name_plural = "history (audit trail)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).select_related("actor")


class ClaimAuditInline(AuditInline):
    fk_name = "claim"


class ArticleAuditInline(AuditInline):
    fk_name = "article"
    verbose_name_plural = "history of the article itself (its claims' events: History button)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).filter(claim__isnull=True)
