"""/api/v1/articles/: list, ingest (split after it is stored, or fetched first when only a URL is
given) and read one article."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims import selectors, services
from claims.api.base import BaseApi, StrictCharField, get_or_404, refuse_unknown_fields
from claims.api.errors import PayloadTooLarge, errors
from claims.api.pagination import PageFilterSerializer, keyset_page, page_serializer
from claims.models import Article


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


BODY_OR_URL = "This field is required, unless a url is given: the article is then fetched from it."


def url_validate(value: str) -> None:
    """The fetcher's own parser judges the URL, so a URL accepted here is one it can fetch."""
    try:
        services.url_clean(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class ArticlesApi(BaseApi):
    """List articles (newest first by default), or ingest one; it is split after it is stored."""

    queryset = Article.objects.none()  # for the permission class: names the model

    class FilterSerializer(PageFilterSerializer):
        status = serializers.ChoiceField(choices=Article.Status.choices, required=False)
        source = serializers.CharField(required=False, max_length=200)  # type: ignore[assignment]

    @extend_schema_serializer(component_name="ArticleInput")
    class InputSerializer(serializers.Serializer):
        title = StrictCharField(max_length=500, required=False, allow_blank=True)
        # Without a body, the article is fetched from ``url`` by a worker.
        body = StrictCharField(trim_whitespace=False, required=False)
        url = serializers.CharField(
            max_length=2000, required=False, allow_null=True, validators=[url_validate]
        )
        source = StrictCharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]
        author = StrictCharField(max_length=200, required=False, allow_blank=True)
        published_on = serializers.DateField(required=False, allow_null=True)

        def to_internal_value(self, data: Any) -> Any:
            # Reported with the other fields' errors: a body, or a url to fetch, is required.
            errors: dict[str, Any] = {}
            value = None
            try:
                value = super().to_internal_value(data)
            except serializers.ValidationError as exc:
                errors = dict(exc.detail) if isinstance(exc.detail, dict) else {}
                if not errors:
                    raise
            has_url = isinstance(data, dict) and data.get("url")
            if isinstance(data, dict) and "body" not in data and not has_url:
                errors.setdefault("body", [BODY_OR_URL])
            if errors:
                raise serializers.ValidationError(errors)
            return value

    @extend_schema(
        operation_id="articles_list",
        parameters=[FilterSerializer],
        responses={200: page_serializer("ArticlePage", ArticleOutputSerializer), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        qs = selectors.article_api_list(
            filters=selectors.ArticleApiFilters(
                status=f.get("status"), source=f.get("source"), updated_since=f.get("updated_since")
            )
        )
        rows, links = keyset_page(request, qs, params=f, default_ordering="-created_at")
        data = ArticleOutputSerializer(rows, many=True, context={"request": request}).data
        return Response({**links, "results": data})

    @extend_schema(
        request=InputSerializer,
        responses={201: ArticleOutputSerializer, **errors(400, 409, 413, 415)},
    )
    def post(self, request: Request) -> Response:
        refuse_unknown_fields(request, self.InputSerializer)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        try:
            article = services.article_ingest(
                body=data.get("body") or "",
                url=data.get("url"),
                title=data.get("title") or "",
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
            raise PayloadTooLarge(" ".join(exc.messages)) from None
        article.claim_count = 0  # type: ignore[attr-defined]
        out = ArticleOutputSerializer(article, context={"request": request}).data
        return Response(out, status=status.HTTP_201_CREATED)


class ArticleDetailApi(BaseApi):
    """One article with its split status, failure reason and claim count."""

    queryset = Article.objects.none()

    @extend_schema(responses={200: ArticleOutputSerializer, **errors(404)})
    def get(self, request: Request, article_id: int) -> Response:
        filters = selectors.ArticleApiFilters()
        article = get_or_404(selectors.article_api_list(filters=filters), article_id)
        return Response(ArticleOutputSerializer(article, context={"request": request}).data)
