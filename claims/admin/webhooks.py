"""Webhooks: endpoints (a superuser registers one for a partner, pauses or resumes it) and the
delivery log, one row per event and endpoint with every attempt, where a delivery can be re-sent.
Superusers only: partners manage their own endpoints through the API."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from claims import services
from claims.admin.bulk import bulk_run
from claims.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class SuperuserOnlyMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("owner", "url", "description", "events")

    def clean_url(self) -> str:
        return services.webhook_url_clean(self.cleaned_data["url"])


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("url", "owner", "is_active", "consecutive_failures", "paused_at", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "owner__username", "description")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("secret", "is_active", "paused_at", "pause_reason", "consecutive_failures")
    actions = ["resume", "pause"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        try:
            if change:
                services.webhook_endpoint_update(
                    endpoint_id=obj.pk,
                    url=data["url"],
                    events=data["events"],
                    description=data.get("description", ""),
                )
            else:
                created = services.webhook_endpoint_create(
                    owner=data["owner"],
                    url=data["url"],
                    events=data["events"],
                    description=data.get("description", ""),
                )
                obj.pk = created.pk
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            raise
        obj.refresh_from_db()

    @admin.action(description="Resume selected endpoints (and send what was held)")
    def resume(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        def run(ids: list[int]) -> None:
            for endpoint_id in ids:
                services.webhook_endpoint_resume(endpoint_id=endpoint_id)
            messages.success(request, f"Resumed {len(ids)} endpoint(s).")

        bulk_run(self, request, queryset, run)

    @admin.action(description="Pause selected endpoints")
    def pause(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        def run(ids: list[int]) -> None:
            for endpoint_id in ids:
                services.webhook_endpoint_update(endpoint_id=endpoint_id, active=False)
            messages.success(request, f"Paused {len(ids)} endpoint(s).")

        bulk_run(self, request, queryset, run)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("number", "created_at", "status_code", "latency_ms", "error", "response_excerpt")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ("event_type", "endpoint", "status", "attempts", "last_status_code",
                    "last_error", "next_attempt_at", "created_at")  # fmt: skip
    list_filter = ("status", "event__type")
    search_fields = ("endpoint__url", "=event__id")
    list_select_related = ("event", "endpoint")
    readonly_fields = ("event", "endpoint", "status", "attempts", "next_attempt_at",
                       "last_status_code", "last_error", "delivered_at", "created_at", "payload")  # fmt: skip
    fields = readonly_fields
    inlines = [WebhookAttemptInline]
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="event", ordering="event__type")
    def event_type(self, obj: WebhookDelivery) -> str:
        return obj.event.type

    @admin.display(description="payload")
    def payload(self, obj: WebhookDelivery) -> str:
        return services.webhook_body(obj.event.payload).decode("utf-8")

    @admin.action(description="Re-send selected deliveries")
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        def run(ids: list[int]) -> None:
            for delivery_id in ids:
                services.webhook_delivery_resend(delivery_id=delivery_id)
            messages.success(request, f"Queued {len(ids)} deliver(ies) again.")

        bulk_run(self, request, queryset, run)
