"""REST API under /api/v1/: one small class per endpoint, with nested input/output serializers."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from claims import selectors, services
from claims.models import Article, Claim

ErrorSerializer = inline_serializer(
    name="Error", fields={"detail": serializers.CharField(), "existing": serializers.URLField()}
)


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would quietly turn 12 into "12"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictModelPermissions(DjangoModelPermissions):
    """Reading needs the view permission too, not only writing."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


def _validation_error(exc: ValidationError) -> Response:
    return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)


class ArticleOutputSerializer(serializers.ModelSerializer):
    claim_count = serializers.IntegerField(read_only=True)
    url = serializers.CharField(allow_null=True)
    self_url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id", "self_url", "title", "url", "source", "author", "published_on", "status",
            "failure_reason", "attempts", "extractor_version", "split_at", "claim_count",
            "created_at", "updated_at",
        ]  # fmt: skip

    def get_self_url(self, obj: Article) -> str:
        return reverse("api:article", args=[obj.pk], request=self.context.get("request"))


class ArticlesApi(APIView):
    """List articles, or ingest one (queued for splitting after it is stored)."""

    permission_classes = [StrictModelPermissions]
    queryset = Article.objects.none()  # for the permission class: names the model

    class InputSerializer(serializers.Serializer):
        title = StrictCharField(max_length=500, required=False, allow_blank=True)
        body = StrictCharField(trim_whitespace=False)
        url = serializers.URLField(max_length=2000, required=False, allow_null=True)
        source = StrictCharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]
        author = StrictCharField(max_length=200, required=False, allow_blank=True)
        published_on = serializers.DateField(required=False, allow_null=True)

    @extend_schema(responses={200: ArticleOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.article_list(), request, view=self)
        data = ArticleOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=InputSerializer,
        responses={201: ArticleOutputSerializer, 400: ErrorSerializer, 409: ErrorSerializer,
                   413: ErrorSerializer},
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        unknown = (
            set(request.data) - set(self.InputSerializer().fields)
            if hasattr(request.data, "keys")
            else set()
        )
        if unknown:
            return Response(
                {"detail": f"Unknown field(s): {', '.join(sorted(unknown))}."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        try:
            article = services.article_create(
                title=data.get("title") or "",
                body=data["body"],
                url=data.get("url"),
                source=data.get("source") or "",
                author=data.get("author") or "",
                published_on=data.get("published_on"),
                ingested_by=request.user,
                via="api",
            )
        except services.DuplicateArticle as exc:
            return Response(
                {
                    "detail": " ".join(exc.messages),
                    "existing": reverse("api:article", args=[exc.existing.pk], request=request),
                },
                status=status.HTTP_409_CONFLICT,
            )
        except services.ArticleTooLarge as exc:
            return Response(
                {"detail": " ".join(exc.messages)},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        except ValidationError as exc:
            return _validation_error(exc)
        article.claim_count = 0  # type: ignore[attr-defined]
        out = ArticleOutputSerializer(article, context={"request": request}).data
        return Response(out, status=status.HTTP_201_CREATED)


class ArticleDetailApi(APIView):
    permission_classes = [StrictModelPermissions]
    queryset = Article.objects.none()

    @extend_schema(responses={200: ArticleOutputSerializer, 404: ErrorSerializer})
    def get(self, request: Request, article_id: int) -> Response:
        article = get_object_or_404(selectors.article_list(), pk=article_id)
        return Response(ArticleOutputSerializer(article, context={"request": request}).data)


class ClaimOutputSerializer(serializers.ModelSerializer):
    assignee = serializers.CharField(source="assignee.username", default=None)

    class Meta:
        model = Claim
        fields = [
            "id", "article", "position", "text", "sentence", "start", "end", "kind", "score",
            "entities", "quantities", "speaker", "speaker_via", "status", "duplicate_of", "assignee",
            "created_at", "updated_at",
        ]  # fmt: skip


class ClaimListApi(APIView):
    permission_classes = [StrictModelPermissions]
    queryset = Claim.objects.none()

    class FilterSerializer(serializers.Serializer):
        article = serializers.IntegerField(required=False, min_value=1)
        status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
        kind = serializers.ChoiceField(choices=Claim.Kind.choices, required=False)

    @extend_schema(
        parameters=[
            OpenApiParameter("article", int), OpenApiParameter("status", str),
            OpenApiParameter("kind", str),
        ],
        responses={200: ClaimOutputSerializer(many=True), 400: ErrorSerializer},
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = Claim.objects.select_related("assignee").order_by("article_id", "position")
        f = filters.validated_data
        qs = qs.filter(
            Q(article_id=f["article"]) if "article" in f else Q(),
            Q(status=f["status"]) if "status" in f else Q(),
            Q(kind=f["kind"]) if "kind" in f else Q(),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ClaimOutputSerializer(page, many=True).data)


class ClaimDetailApi(APIView):
    permission_classes = [StrictModelPermissions]
    queryset = Claim.objects.none()

    @extend_schema(responses={200: ClaimOutputSerializer, 404: ErrorSerializer})
    def get(self, request: Request, claim_id: int) -> Response:
        claim = get_object_or_404(Claim.objects.select_related("assignee"), pk=claim_id)
        return Response(ClaimOutputSerializer(claim).data)
