"""Has this been checked before? ``GET /api/v1/claims/{id}/matches/`` (the stored matches of a claim)
and ``POST /api/v1/match/`` (any sentence against the archive). Partners see published verdicts only:
our earlier claims appear only when their verdict is published; imported fact-checks are labelled
with their outlet and never presented as ours."""

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims import selectors
from claims.api.base import BaseApi, StrictCharField, get_or_404, refuse_unknown_fields
from claims.api.errors import errors
from claims.api.verdicts import _sees_published_only
from claims.matching.encoder import sentence_encoder
from claims.matching.ranking import ranker
from claims.models import ArchiveEntry, Claim, Verdict


class CanViewClaims(BasePermission):
    """Matching only reads: any user who may view claims, read-only tokens included."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("claims.view_claim"))


class MatchVerdictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.CharField()
    rating_label = serializers.CharField()
    explanation = serializers.CharField()
    published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)


class MatchFactCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outlet = serializers.CharField()
    rating = serializers.CharField(help_text="The outlet's own label, not one of our ratings.")
    url = serializers.CharField()
    title = serializers.CharField()
    reviewed_on = serializers.DateField(allow_null=True)


class MatchOutputSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    similarity = serializers.FloatField(help_text="Cosine similarity of the sentence embeddings.")
    source = serializers.ChoiceField(choices=["desk", "external"])  # type: ignore[assignment]
    claim = serializers.IntegerField(allow_null=True, help_text="Our earlier claim, if ours.")
    claim_url = serializers.CharField(allow_null=True)
    text = serializers.CharField(help_text="The earlier claim as stored.")
    verdict = MatchVerdictSerializer(allow_null=True)
    factcheck = MatchFactCheckSerializer(allow_null=True)


def _match_data(
    request: Request, *, rank: int, entry: ArchiveEntry, similarity: float, verdict: Verdict | None
) -> dict[str, Any]:
    fc = entry.factcheck
    return {
        "rank": rank,
        "similarity": round(similarity, 4),
        "source": "external" if fc is not None else "desk",
        "claim": entry.claim_id,
        "claim_url": reverse("api:claim", args=[entry.claim_id], request=request)
        if entry.claim_id
        else None,
        "text": entry.text,
        "verdict": None
        if verdict is None
        else {
            "id": verdict.pk,
            "rating": verdict.rating,
            "rating_label": verdict.get_rating_display(),
            "explanation": verdict.explanation,
            "published": verdict.is_published,
            "published_at": verdict.published_at,
        },
        "factcheck": None
        if fc is None
        else {
            "id": fc.pk,
            "outlet": fc.outlet,
            "rating": fc.rating,
            "url": fc.url,
            "title": fc.title,
            "reviewed_on": fc.reviewed_on,
        },  # fmt: skip
    }


class ClaimMatchesApi(BaseApi):
    """Earlier claims and imported fact-checks this claim probably restates, best first."""

    queryset = Claim.objects.none()

    @extend_schema(
        operation_id="claim_matches",
        responses={200: MatchOutputSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, claim_id: int) -> Response:
        claim = get_or_404(Claim.objects.all(), claim_id)
        matches = selectors.claim_matches(claim=claim, published_only=_sees_published_only(request))
        data = [
            _match_data(
                request,
                rank=m.rank,
                entry=m.entry,
                similarity=m.similarity,
                verdict=selectors.match_verdict(m),
            )  # fmt: skip
            for m in matches
        ]
        return Response(MatchOutputSerializer(data, many=True).data)


class MatchApi(BaseApi):
    """Rank the archive for a sentence: has it been checked before? Reads only; any token may ask."""

    permission_classes = [CanViewClaims]

    @extend_schema_serializer(component_name="MatchInput")
    class InputSerializer(serializers.Serializer):
        text = StrictCharField(
            max_length=settings.FACTCHECK_MATCH_MAX_TEXT_CHARS,
            help_text="The sentence to look up.",
        )
        limit = serializers.IntegerField(min_value=1, max_value=20, required=False, default=5)

    @extend_schema(
        operation_id="match",
        request=InputSerializer,
        responses={200: MatchOutputSerializer(many=True), **errors(400, 413)},
    )
    def post(self, request: Request) -> Response:
        refuse_unknown_fields(request, self.InputSerializer)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        text = given.validated_data["text"]
        results = selectors.archive_match(
            text=text,
            vector=sentence_encoder().encode([text])[0],
            ranker=ranker(),
            limit=given.validated_data["limit"],
            published_only=_sees_published_only(request),
        )
        data = [
            _match_data(
                request, rank=rank, entry=r.entry, similarity=r.similarity, verdict=r.verdict
            )
            for rank, r in enumerate(results, start=1)
        ]
        return Response(MatchOutputSerializer(data, many=True).data)
