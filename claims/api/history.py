"""/api/v1/claims/{id}/history/: a claim's published ratings over time, corrections included."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors
from claims.api.base import MAX_ID, BaseApi
from claims.api.claimreview import Publisher
from claims.api.errors import errors
from claims.models import CLAIMREVIEW_RATING_VALUES, Verdict


class RatingHistorySerializer(serializers.ModelSerializer):
    verdict_id = serializers.IntegerField(source="pk")
    rating_label = serializers.CharField(source="get_rating_display")
    rating_value = serializers.SerializerMethodField()
    current = serializers.BooleanField(source="is_current")
    replaced_at = serializers.SerializerMethodField(
        help_text="When a newer verdict replaced this one; null for the current one."
    )
    correction = serializers.JSONField(
        read_only=True, help_text="What this verdict changed, when it corrected an earlier one."
    )

    class Meta:
        model = Verdict
        fields = [
            "verdict_id", "rating", "rating_label", "rating_value", "published_at", "current",
            "replaced_at", "correction",
        ]  # fmt: skip

    def get_rating_value(self, obj: Verdict) -> int | None:
        return CLAIMREVIEW_RATING_VALUES[obj.rating]

    def get_replaced_at(self, obj: Verdict) -> str | None:
        if obj.superseded_by is None:
            return None
        return serializers.DateTimeField().to_representation(obj.superseded_by.created_at)


class ClaimHistoryApi(BaseApi):
    """Every rating the claim has had in public, oldest first: a partner shows a correction
    from it. Verdicts never published are not listed; 404 for a claim with none."""

    queryset = Verdict.objects.none()

    @extend_schema(
        operation_id="claims_history",
        responses={
            200: inline_serializer(
                "ClaimHistory",
                {
                    "claim": serializers.IntegerField(),
                    "claimreview_id": serializers.CharField(),
                    "ratings": RatingHistorySerializer(many=True),
                },
            ),
            **errors(404),
        },
    )
    def get(self, request: Request, claim_id: int) -> Response:
        verdicts = (
            list(selectors.claim_rating_history(claim_id=claim_id)) if claim_id <= MAX_ID else []
        )
        if not verdicts:
            raise Http404(f"No published verdict on claim #{claim_id}.")
        return Response(
            {
                "claim": claim_id,
                "claimreview_id": Publisher.from_settings().claimreview_id(claim_id),
                "ratings": RatingHistorySerializer(verdicts, many=True).data,
            }
        )
