"""/api/v1/webhooks/: a partner's endpoints (register, read, change, remove) and what was sent
to each. Registering needs a session or a read-write token; the secret is shown once."""

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims import selectors, services
from claims.api.base import (
    BaseApi,
    QuerySerializer,
    StrictCharField,
    get_or_404,
    refuse_unknown_fields,
)
from claims.api.errors import errors
from claims.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

# Which input field a service's refusal is about, by its code.
EVENT_ERRORS = ("empty", "event", "event_perm")


class WebhookOutputSerializer(serializers.ModelSerializer):
    self_url = serializers.SerializerMethodField()
    events = serializers.ListField(child=serializers.CharField())
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "self_url", "url", "description", "events", "active", "paused_at",
            "pause_reason", "consecutive_failures", "created_at", "updated_at",
        ]  # fmt: skip

    def get_self_url(self, obj: WebhookEndpoint) -> str:
        return reverse("api:webhook", args=[obj.pk], request=self.context.get("request"))


class WebhookCreatedSerializer(WebhookOutputSerializer):
    secret = serializers.CharField(
        help_text="Signs every delivery (Factcheck-Signature). Shown only now: keep it."
    )

    class Meta(WebhookOutputSerializer.Meta):
        fields = [*WebhookOutputSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "status_code", "latency_ms", "error", "created_at"]


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.UUIDField(source="event.pk")
    event = serializers.CharField(source="event.type")
    attempts_log = AttemptSerializer(source="tries", many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event_id", "event", "status", "attempts", "next_attempt_at",
            "last_status_code", "last_error", "delivered_at", "created_at", "attempts_log",
        ]  # fmt: skip


def _events_field(required: bool) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices),
        min_length=1,
        max_length=len(WebhookEndpoint.Event.choices),
        required=required,
    )


def _refusal(exc: ValidationError) -> exceptions.ValidationError:
    field = "events" if getattr(exc, "code", None) in EVENT_ERRORS else "url"
    return exceptions.ValidationError({field: exc.messages})


def _output(endpoint: WebhookEndpoint, request: Request) -> Any:
    return WebhookOutputSerializer(endpoint, context={"request": request}).data


class WebhooksApi(BaseApi):
    """Your webhook endpoints, or register one."""

    queryset = WebhookEndpoint.objects.none()

    @extend_schema_serializer(component_name="WebhookInput")
    class InputSerializer(serializers.Serializer):
        url = StrictCharField(max_length=2000, help_text="https:// only.")
        events = _events_field(required=True)
        description = StrictCharField(max_length=200, required=False, allow_blank=True)

    class FilterSerializer(QuerySerializer):
        active = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text="Only active (or paused) ones."
        )

    @extend_schema(
        operation_id="webhooks_list",
        parameters=[FilterSerializer],
        responses={200: WebhookOutputSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        endpoints = selectors.webhook_endpoint_list(
            owner=request.user, active=filters.validated_data.get("active")
        )
        data = WebhookOutputSerializer(endpoints, many=True, context={"request": request}).data
        return Response(data)

    @extend_schema(
        request=InputSerializer,
        responses={201: WebhookCreatedSerializer, **errors(400, 413, 415)},
    )
    def post(self, request: Request) -> Response:
        refuse_unknown_fields(request, self.InputSerializer)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        try:
            endpoint = services.webhook_endpoint_create(
                owner=request.user,
                url=data["url"],
                events=data["events"],
                description=data.get("description", ""),
            )
        except ValidationError as exc:
            raise _refusal(exc) from None
        out = WebhookCreatedSerializer(endpoint, context={"request": request}).data
        return Response(out, status=status.HTTP_201_CREATED)


class WebhookDetailApi(BaseApi):
    """One of your endpoints: read it, change it (``active: true`` resumes a paused one and
    sends what was held), or remove it."""

    queryset = WebhookEndpoint.objects.none()

    @extend_schema_serializer(component_name="WebhookChange")
    class InputSerializer(serializers.Serializer):
        url = StrictCharField(max_length=2000, required=False)
        events = _events_field(required=False)
        description = StrictCharField(max_length=200, required=False, allow_blank=True)
        active = serializers.BooleanField(required=False)

    def _endpoint(self, request: Request, webhook_id: int) -> WebhookEndpoint:
        return get_or_404(selectors.webhook_endpoint_list(owner=request.user), webhook_id)

    @extend_schema(responses={200: WebhookOutputSerializer, **errors(404)})
    def get(self, request: Request, webhook_id: int) -> Response:
        return Response(_output(self._endpoint(request, webhook_id), request))

    @extend_schema(
        request=InputSerializer,
        responses={200: WebhookOutputSerializer, **errors(400, 404, 413, 415)},
    )
    def patch(self, request: Request, webhook_id: int) -> Response:
        endpoint = self._endpoint(request, webhook_id)
        refuse_unknown_fields(request, self.InputSerializer)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        try:
            endpoint = services.webhook_endpoint_update(
                endpoint_id=endpoint.pk,
                url=data.get("url"),
                events=data.get("events"),
                description=data.get("description"),
                active=data.get("active"),
            )
        except ValidationError as exc:
            raise _refusal(exc) from None
        return Response(_output(endpoint, request))

    @extend_schema(responses={204: None, **errors(404)})
    def delete(self, request: Request, webhook_id: int) -> Response:
        endpoint = self._endpoint(request, webhook_id)
        services.webhook_endpoint_delete(endpoint_id=endpoint.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveriesApi(BaseApi):
    """The latest 50 deliveries to one of your endpoints, each with its attempts."""

    queryset = WebhookEndpoint.objects.none()

    @extend_schema(
        operation_id="webhooks_deliveries",
        responses={200: DeliverySerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, webhook_id: int) -> Response:
        endpoint = get_or_404(selectors.webhook_endpoint_list(owner=request.user), webhook_id)
        deliveries = selectors.webhook_delivery_list(endpoint_id=endpoint.pk)
        return Response(DeliverySerializer(deliveries, many=True).data)
