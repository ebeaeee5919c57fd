"""API tokens: superusers only.

The key exists only in the response to the add form; the database keeps its SHA-256.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from rest_framework.authtoken.admin import TokenProxy  # type: ignore[attr-defined]

from claims import services
from claims.admin.bulk import bulk_run
from claims.models import ApiToken

# DRF's own tokens (stored in clear) are not used: ApiTokenAuthentication replaces them.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "read_only", "created_at", "last_used_at",
                    "revoked_at")  # fmt: skip
    list_filter = ("read_only", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    actions = ["revoke"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Revoked, never deleted: the audit trail names them.
        return False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ("user", "name", "read_only")
        return ("user", "name", "prefix", "read_only", "created_at", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        # Only the name may change; a token's owner and scope are fixed at creation.
        return ("user", "prefix", "read_only", "created_at", "last_used_at", "revoked_at")

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None:
            return form

        class AddForm(form):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                # A refusal is a form error here, not a 500 from save_model.
                data = super().clean()
                if data.get("user") is not None:
                    try:
                        services.api_token_refuse_unless_allowed(user=data["user"])
                    except ValidationError as exc:
                        self.add_error("user", exc)
                return data

        return AddForm

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            token, key = services.api_token_create(
                user=obj.user, name=obj.name, read_only=obj.read_only, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            raise
        obj.pk = token.pk
        obj.refresh_from_db()
        request._api_token_key = key  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        # Shown once, in this response; never stored, so never shown again.
        response = TemplateResponse(
            request,
            "claims/tokens_admin_created.html",
            {
                **self.admin_site.each_context(request),
                "token": obj,
                "key": getattr(request, "_api_token_key", ""),
                "opts": self.opts,
                "title": "API token created",
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        def run(ids: list[int]) -> None:
            for token_id in ids:
                services.api_token_revoke(token_id=token_id, by=request.user)
            messages.success(request, f"Revoked {len(ids)} token(s).")

        bulk_run(self, request, queryset.filter(revoked_at__isnull=True), run)
