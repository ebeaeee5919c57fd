"""/api/v1/claims/: list claims (filtered) and read one, with its quantities and duplicates."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims import selectors
from claims.api.base import MAX_ID, BaseApi, get_or_404
from claims.api.errors import errors
from claims.api.pagination import PageFilterSerializer, keyset_page, page_serializer
from claims.models import Claim


class ClaimOutputSerializer(serializers.ModelSerializer):
    self_url = serializers.SerializerMethodField()
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)
    duplicates = serializers.SerializerMethodField(help_text="Ids of claims that restate this one.")

    class Meta:
        model = Claim
        fields = [
            "id", "self_url", "article", "position", "text", "sentence", "start", "end", "kind",
            "score", "entities", "quantities", "speaker", "speaker_via", "status", "priority",
            "duplicate_of", "duplicates", "assignee", "created_at", "updated_at",
        ]  # fmt: skip

    def get_self_url(self, obj: Claim) -> str:
        return reverse("api:claim", args=[obj.pk], request=self.context.get("request"))

    def get_duplicates(self, obj: Claim) -> list[int]:
        return [c.pk for c in obj.duplicates.all()]


def _claim_filters(f: dict[str, Any]) -> selectors.ClaimApiFilters:
    return selectors.ClaimApiFilters(
        article_id=f.get("article"),
        status=f.get("status"),
        kind=f.get("kind"),
        source=f.get("source"),
        speaker=f.get("speaker"),
        updated_since=f.get("updated_since"),
    )


class ClaimListApi(BaseApi):
    """Claims, filtered; in extraction order (by id) unless ``ordering`` says otherwise."""

    queryset = Claim.objects.none()

    class FilterSerializer(PageFilterSerializer):
        article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
        status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
        kind = serializers.ChoiceField(choices=Claim.Kind.choices, required=False)
        source = serializers.CharField(required=False, max_length=200)  # type: ignore[assignment]
        speaker = serializers.CharField(
            required=False, max_length=300, help_text="Part of the speaker's name."
        )

    @extend_schema(
        operation_id="claims_list",
        parameters=[FilterSerializer],
        responses={200: page_serializer("ClaimPage", ClaimOutputSerializer), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        qs = selectors.claim_api_list(filters=_claim_filters(f))
        rows, links = keyset_page(request, qs, params=f, default_ordering="id")
        data = ClaimOutputSerializer(rows, many=True, context={"request": request}).data
        return Response({**links, "results": data})


class ClaimDetailApi(BaseApi):
    """One claim with its quantities, speaker and duplicates."""

    queryset = Claim.objects.none()

    @extend_schema(responses={200: ClaimOutputSerializer, **errors(404)})
    def get(self, request: Request, claim_id: int) -> Response:
        qs = selectors.claim_api_list(filters=selectors.ClaimApiFilters())
        claim = get_or_404(qs, claim_id)
        return Response(ClaimOutputSerializer(claim, context={"request": request}).data)
