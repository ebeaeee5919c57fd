"""REST API under /api/v1/: one small class per endpoint, with nested input/output serializers.

Lists page with a keyset cursor (stable while rows are added) and take ``updated_since``, so a
partner can pull everything that changed since its last visit. Exports stream published verdicts
in chunks, as CSV, NDJSON or schema.org ClaimReview, whatever their number.
"""

import base64
import binascii
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, time
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db.models import Model, Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from claims import claimreview, selectors, services
from claims.authentication import (
    ApiRateThrottle,
    ExportRateThrottle,
    ReadOnlyTokenPermission,
    is_read_only_token,
)
from claims.models import CLAIMREVIEW_RATING_VALUES, Article, Claim, Rating, Verdict

M = TypeVar("M", bound=Model)
JSON_LD = "application/ld+json"

# Ids are 64-bit; a larger one in a URL or a filter cannot name a row (and would overflow SQLite).
MAX_ID = 2**63 - 1

# --- Errors ------------------------------------------------------------------------------------

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="What went wrong, in a sentence."),
        "errors": serializers.DictField(
            child=serializers.JSONField(),
            required=False,
            help_text="400 only: the messages for each field that was refused.",
        ),
        "existing": serializers.URLField(
            required=False, help_text="409 on ingest only: the article already stored."
        ),
    },
)
ERROR_DESCRIPTIONS = {
    400: "Bad input: `detail` sums it up, `errors` lists the messages for each field.",
    401: "No credentials, or an invalid or revoked token.",
    403: "Not allowed: the user lacks the permission, or the token is read-only.",
    404: "No such object (or, for a read-only token, not published).",
    409: "Conflict: the article is already stored, or another reviewer holds the claim.",
    413: "The request body (or the article) is over the configured limit.",
    415: "The request body is not JSON (send `Content-Type: application/json`).",
    429: "Too many requests for this token: wait the seconds in `Retry-After`.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Documented error responses: the ones given, and those every endpoint can answer."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
        for code in sorted({*codes, 401, 403, 429})
    }


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def _summarise(data: Any, prefix: str = "") -> list[str]:
    if isinstance(data, dict):
        return [m for key, value in data.items() for m in _summarise(value, f"{prefix}{key}: ")]
    if isinstance(data, list):
        return [m for value in data for m in _summarise(value, prefix)]
    return [f"{prefix}{data}"]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a body over Django's limit is a JSON 413 (not an HTML 400), and a 400
    always has a one-line ``detail`` besides the per-field ``errors``."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(f"The request body is over the limit of {_max_body():,} bytes.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        data = response.data
        field_errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {
            "detail": "Invalid input: " + "; ".join(_summarise(field_errors)),
            "errors": field_errors,
        }
    return response


def _max_body() -> int:
    return int(settings.FACTCHECK_API_MAX_BODY_BYTES)


def endpoint_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/v1/: a JSON 404 (the site's own 404 page is HTML)."""
    detail = f"No API endpoint at {request.path}; the endpoints are listed at /api/v1/docs/."
    try:
        match = resolve(request.path + "/")
    except Resolver404:
        match = None
    if match is not None and match.func is not endpoint_not_found and request.path[-1:] != "/":
        detail = f"No API endpoint at {request.path}; did you mean {request.path}/ ?"
    return JsonResponse({"detail": detail}, status=status.HTTP_404_NOT_FOUND)


# --- Shared pieces -----------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would quietly turn 12 into "12"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DateOrDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time, or a plain date meaning its midnight UTC."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str) and len(value) == 10:
            try:
                day = parse_date(value)
            except ValueError:
                day = None
            if day is not None:
                return datetime.combine(day, time.min, tzinfo=UTC)
        return super().to_internal_value(value)


class StrictModelPermissions(DjangoModelPermissions):
    """Reading needs the view permission too, not only writing."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


class BaseApi(APIView):
    """Model permissions, read-only tokens refused writes, per-token throttling, body limit."""

    permission_classes = [ReadOnlyTokenPermission, StrictModelPermissions]
    throttle_classes = [ApiRateThrottle]
    parser_classes = [JSONParser]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before the body is parsed: a huge body is refused without reading it.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _max_body():
            raise PayloadTooLarge(
                f"The request body is {length:,} bytes; the limit is {_max_body():,} bytes."
            )


def _get_or_404(queryset: QuerySet[M], pk: int) -> M:
    obj = queryset.filter(pk=pk).first() if pk <= MAX_ID else None
    if obj is None:
        raise Http404(f"No {queryset.model._meta.verbose_name} #{pk}.")
    return obj


def _refuse_unknown_fields(request: Request, serializer: type[serializers.Serializer]) -> None:
    if hasattr(request.data, "keys"):
        unknown = set(request.data.keys()) - set(serializer().fields)
        if unknown:
            raise exceptions.ValidationError(
                {name: ["Unknown field."] for name in sorted(unknown, key=str)}
            )


# --- Keyset ("cursor") pagination ----------------------------------------------------------------

ORDERINGS = ("id", "-id", "created_at", "-created_at", "updated_at", "-updated_at")


def _cursor_encode(ordering: str, obj: Model) -> str:
    field = ordering.lstrip("-")
    value = getattr(obj, field)
    payload = {"o": ordering, "v": value.isoformat() if isinstance(value, datetime) else value}
    payload["i"] = obj.pk
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_decode(cursor: str, ordering: str) -> tuple[Any, int]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        last_id = int(payload["i"])
        value = payload["v"]
        if ordering.lstrip("-") != "id":
            value = datetime.fromisoformat(value)
            if timezone.is_naive(value):
                value = value.replace(tzinfo=UTC)
        order = payload["o"]
        if not 0 <= last_id <= MAX_ID:
            raise ValueError(last_id)
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise exceptions.ValidationError(
            {"cursor": ["Not a cursor from this API: use the `next` link of the last page."]}
        ) from None
    if order != ordering:
        raise exceptions.ValidationError(
            {"cursor": [f"This cursor pages by {order!r}; ask with ordering={order}."]}
        )
    return value, last_id


class QuerySerializer(serializers.Serializer):
    """Query-string parameters. DRF reads ``?rating=`` as "not given" (a form's empty field); an
    API client that sends an empty value made a mistake, so it is refused instead."""

    def to_internal_value(self, data: Any) -> Any:
        names: list[str] = list(self.fields.keys())
        blank = sorted(name for name in names if name in data and data.get(name) == "")
        if blank:
            raise exceptions.ValidationError(
                {name: ["Empty value: give one, or leave the parameter out."] for name in blank}
            )
        return super().to_internal_value(data)


class PageFilterSerializer(QuerySerializer):
    """Query parameters every list takes."""

    updated_since = DateOrDateTimeField(
        required=False, help_text="Only rows changed at or after this time (ISO 8601 date-time)."
    )
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False)
    cursor = serializers.CharField(
        required=False, max_length=500, help_text="From `next_cursor` of the previous page."
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=settings.FACTCHECK_API_MAX_PAGE_SIZE
    )


def _page_serializer(name: str, item: type[serializers.Serializer]) -> serializers.Serializer:
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(
                allow_null=True, help_text="The next page; null on the last one."
            ),
            "next_cursor": serializers.CharField(allow_null=True),
            "results": item(many=True),
        },
    )


def keyset_page(
    request: Request, queryset: QuerySet[Any], *, params: dict[str, Any], default_ordering: str
) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``queryset`` after the cursor, and the links to the next one.

    Pages by (ordering field, id), so rows added while a client pages never shift the rows it has
    yet to see; a row changed meanwhile comes again, later, in ``updated_at`` order."""
    ordering = params.get("ordering") or default_ordering
    size = params.get("page_size") or settings.FACTCHECK_API_PAGE_SIZE
    field = ordering.lstrip("-")
    op = "lt" if ordering.startswith("-") else "gt"
    if params.get("cursor"):
        value, last_id = _cursor_decode(params["cursor"], ordering)
        if field == "id":
            queryset = queryset.filter(**{f"id__{op}": last_id})
        else:
            queryset = queryset.filter(
                Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": last_id})
            )
    id_order = "-id" if ordering.startswith("-") else "id"
    rows = list(queryset.order_by(*dict.fromkeys([ordering, id_order]))[: size + 1])
    next_cursor = _cursor_encode(ordering, rows[size - 1]) if len(rows) > size else None
    next_url = None
    if next_cursor:
        next_url = replace_query_param(request.build_absolute_uri(), "cursor", next_cursor)
    return rows[:size], {"next": next_url, "next_cursor": next_cursor}


# --- Articles ----------------------------------------------------------------------------------


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


class ArticlesApi(BaseApi):
    """List articles (newest first by default), or ingest one; it is split after it is stored."""

    queryset = Article.objects.none()  # for the permission class: names the model

    class FilterSerializer(PageFilterSerializer):
        status = serializers.ChoiceField(choices=Article.Status.choices, required=False)
        source = serializers.CharField(required=False, max_length=200)  # type: ignore[assignment]

    @extend_schema_serializer(component_name="ArticleInput")
    class InputSerializer(serializers.Serializer):
        title = StrictCharField(max_length=500, required=False, allow_blank=True)
        body = StrictCharField(trim_whitespace=False)
        url = serializers.URLField(
            max_length=2000, required=False, allow_null=True,
            validators=[URLValidator(schemes=["http", "https"], message="Only http:// and https:// addresses.")],
        )  # fmt: skip
        source = StrictCharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]
        author = StrictCharField(max_length=200, required=False, allow_blank=True)
        published_on = serializers.DateField(required=False, allow_null=True)

    @extend_schema(
        operation_id="articles_list",
        parameters=[FilterSerializer],
        responses={200: _page_serializer("ArticlePage", ArticleOutputSerializer), **errors(400)},
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
        _refuse_unknown_fields(request, self.InputSerializer)
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
        article = _get_or_404(selectors.article_api_list(filters=filters), article_id)
        return Response(ArticleOutputSerializer(article, context={"request": request}).data)


# --- Claims ------------------------------------------------------------------------------------


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
        responses={200: _page_serializer("ClaimPage", ClaimOutputSerializer), **errors(400)},
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
        claim = _get_or_404(qs, claim_id)
        return Response(ClaimOutputSerializer(claim, context={"request": request}).data)


# --- Verdicts ----------------------------------------------------------------------------------


class VerdictOutputSerializer(serializers.ModelSerializer):
    self_url = serializers.SerializerMethodField()
    article = serializers.IntegerField(source="claim.article_id")
    claim_text = serializers.CharField(source="claim.text")
    rating_label = serializers.CharField(source="get_rating_display")
    rating_value = serializers.SerializerMethodField(
        help_text="schema.org ClaimReview ratingValue: 5 true … 1 false; null for unverifiable."
    )
    evidence_urls = serializers.ListField(child=serializers.CharField())
    reviewer = serializers.CharField(source="reviewer.username")
    published = serializers.SerializerMethodField(
        help_text="Published and current: what partners and exports see."
    )
    permalink = serializers.SerializerMethodField(help_text="The verdict's page on the site.")
    claimreview_url = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = [
            "id", "self_url", "claim", "article", "claim_text", "rating", "rating_label",
            "rating_value", "explanation", "evidence_urls", "reviewer", "is_current",
            "superseded_by", "published", "published_at", "created_at", "updated_at",
            "permalink", "claimreview_url",
        ]  # fmt: skip

    def get_self_url(self, obj: Verdict) -> str:
        return reverse("api:verdict", args=[obj.pk], request=self.context.get("request"))

    def get_rating_value(self, obj: Verdict) -> int | None:
        return CLAIMREVIEW_RATING_VALUES[obj.rating]

    def get_published(self, obj: Verdict) -> bool:
        return obj.published_at is not None and obj.is_current

    def get_permalink(self, obj: Verdict) -> str:
        return claimreview.Publisher.from_settings().permalink(obj)

    def get_claimreview_url(self, obj: Verdict) -> str:
        return reverse(
            "api:verdict-claimreview", args=[obj.pk], request=self.context.get("request")
        )


class VerdictFilterSerializer(QuerySerializer):
    """The verdict filters shared by the list and the exports."""

    rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    claim = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    source = serializers.CharField(required=False, max_length=200, help_text="The outlet.")  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, required=False)
    published_after = DateOrDateTimeField(required=False, help_text="Published at or after.")
    published_before = DateOrDateTimeField(required=False, help_text="Published before.")
    updated_since = DateOrDateTimeField(
        required=False, help_text="Only verdicts changed at or after this time."
    )


def _verdict_filters(f: dict[str, Any], *, published_only: bool) -> selectors.VerdictApiFilters:
    return selectors.VerdictApiFilters(
        rating=f.get("rating"),
        article_id=f.get("article"),
        claim_id=f.get("claim"),
        source=f.get("source"),
        reviewer=f.get("reviewer"),
        kind=f.get("kind"),
        published_after=f.get("published_after"),
        published_before=f.get("published_before"),
        updated_since=f.get("updated_since"),
        current=f.get("current"),
        published=f.get("published"),
        published_only=published_only,
    )


def _published_only(request: Request) -> bool:
    """Verdicts not yet published are for the desk (those who may give verdicts), and never
    through a read-only token: a partner account sees published ones however it asks."""
    return is_read_only_token(request) or not request.user.has_perm("claims.add_verdict")


def _verdict_output(verdicts: Any, request: Request, *, many: bool = False) -> Any:
    return VerdictOutputSerializer(verdicts, many=many, context={"request": request}).data


class VerdictsApi(BaseApi):
    """List verdicts (oldest change first, for incremental sync), or give one.

    A read-only token, or a user who may not give verdicts, sees published verdicts only."""

    queryset = Verdict.objects.none()

    class FilterSerializer(PageFilterSerializer, VerdictFilterSerializer):
        reviewer = serializers.CharField(required=False, max_length=150, help_text="Username.")
        current = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text="Only (not) current ones."
        )
        published = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text="Only (un)published ones."
        )

    @extend_schema_serializer(component_name="VerdictInput")
    class InputSerializer(serializers.Serializer):
        claim = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        rating = serializers.ChoiceField(choices=Rating.choices)
        explanation = StrictCharField(max_length=20_000)
        evidence_urls = serializers.ListField(
            child=StrictCharField(max_length=2000), max_length=services.MAX_EVIDENCE_URLS,
            required=False, default=list,
        )  # fmt: skip

    @extend_schema(
        operation_id="verdicts_list",
        parameters=[FilterSerializer],
        responses={200: _page_serializer("VerdictPage", VerdictOutputSerializer), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        qs = selectors.verdict_api_list(
            filters=_verdict_filters(f, published_only=_published_only(request))
        )
        rows, links = keyset_page(request, qs, params=f, default_ordering="updated_at")
        return Response({**links, "results": _verdict_output(rows, request, many=True)})

    @extend_schema(
        request=InputSerializer,
        responses={201: VerdictOutputSerializer, **errors(400, 409, 413, 415)},
    )
    def post(self, request: Request) -> Response:
        _refuse_unknown_fields(request, self.InputSerializer)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        try:
            verdict = services.verdict_set(
                claim_id=data["claim"],
                reviewer=request.user,
                rating=data["rating"],
                explanation=data["explanation"],
                evidence_urls=data["evidence_urls"],
            )
        except Claim.DoesNotExist:
            raise exceptions.ValidationError({"claim": [f"No claim #{data['claim']}."]}) from None
        except services.ClaimHeldByOther as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        qs = selectors.verdict_api_list(filters=selectors.VerdictApiFilters())
        out = _verdict_output(qs.get(pk=verdict.pk), request)
        return Response(out, status=status.HTTP_201_CREATED)


def _verdict_or_404(request: Request, verdict_id: int, *, published_only: bool) -> Verdict:
    filters = selectors.VerdictApiFilters(published_only=published_only)
    return _get_or_404(selectors.verdict_api_list(filters=filters), verdict_id)


class VerdictDetailApi(BaseApi):
    """One verdict. A read-only token (or a non-reviewer) gets 404 for one not published."""

    queryset = Verdict.objects.none()

    @extend_schema(responses={200: VerdictOutputSerializer, **errors(404)})
    def get(self, request: Request, verdict_id: int) -> Response:
        published_only = _published_only(request)
        verdict = _verdict_or_404(request, verdict_id, published_only=published_only)
        return Response(_verdict_output(verdict, request))


_THING = {"type": "object", "properties": {"@type": {"type": "string"}, "name": {"type": "string"}}}
CLAIMREVIEW_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A schema.org ClaimReview (https://schema.org/ClaimReview).",
    "required": [
        "@type",
        "url",
        "claimReviewed",
        "author",
        "datePublished",
        "reviewRating",
        "itemReviewed",
    ],  # fmt: skip
    "properties": {
        "@context": {"type": "string", "enum": [claimreview.SCHEMA_ORG]},
        "@type": {"type": "string", "enum": ["ClaimReview"]},
        "url": {"type": "string", "format": "uri"},
        "claimReviewed": {"type": "string"},
        "author": _THING,
        "datePublished": {"type": "string", "format": "date-time"},
        "reviewBody": {"type": "string"},
        "reviewRating": {
            "type": "object",
            "required": ["@type", "bestRating", "worstRating", "alternateName"],
            "properties": {
                "@type": {"type": "string", "enum": ["Rating"]},
                "ratingValue": {"type": "integer", "minimum": 1, "maximum": 5},
                "bestRating": {"type": "integer"},
                "worstRating": {"type": "integer"},
                "alternateName": {"type": "string"},
            },
        },
        "itemReviewed": {
            "type": "object",
            "required": ["@type"],
            "properties": {
                "@type": {"type": "string", "enum": ["Claim"]},
                "author": _THING,
                "datePublished": {"type": "string", "format": "date"},
                "appearance": {
                    "type": "object",
                    "properties": {
                        "@type": {"type": "string"},
                        "url": {"type": "string"},
                        "headline": {"type": "string"},
                        "publisher": _THING,
                    },
                },
            },
        },
    },
}


CLAIMREVIEW_FEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A schema.org DataFeed (https://schema.org/DataFeed) of ClaimReviews.",
    "required": ["@context", "@type", "dateModified", "dataFeedElement"],
    "properties": {
        "@context": {"type": "string", "enum": [claimreview.SCHEMA_ORG]},
        "@type": {"type": "string", "enum": ["DataFeed"]},
        "dateModified": {"type": "string", "format": "date-time"},
        "dataFeedElement": {"type": "array", "items": CLAIMREVIEW_SCHEMA},
    },
}


class VerdictClaimReviewApi(BaseApi):
    """A published verdict as schema.org ClaimReview JSON-LD (404 while unpublished)."""

    queryset = Verdict.objects.none()

    @extend_schema(
        operation_id="verdicts_claimreview",
        responses={(200, JSON_LD): CLAIMREVIEW_SCHEMA, **errors(404)},
    )
    def get(self, request: Request, verdict_id: int) -> Response:
        verdict = _verdict_or_404(request, verdict_id, published_only=True)
        publisher = claimreview.Publisher.from_settings()
        # JSON rendered, labelled JSON-LD; errors stay application/json like everywhere else.
        return Response(
            claimreview.claimreview_build(verdict, publisher=publisher), content_type=JSON_LD
        )


# --- Streamed exports --------------------------------------------------------------------------


class FirstRendererNegotiation(BaseContentNegotiation):
    """An export is what its URL says, whatever the Accept header asks."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class BaseExportApi(BaseApi):
    """Published verdicts, streamed as the export's format in chunks: constant memory."""

    queryset = Verdict.objects.none()
    throttle_classes = [ExportRateThrottle]
    content_negotiation_class = FirstRendererNegotiation
    renderer_classes = [JSONRenderer]  # for errors; the export itself is streamed text
    content_type = ""
    filename = ""

    class FilterSerializer(VerdictFilterSerializer):
        pass

    def rows(self, verdicts: Iterable[Verdict], publisher: claimreview.Publisher) -> Iterator[str]:
        raise NotImplementedError

    def get(self, request: Request) -> HttpResponseBase:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        verdicts = selectors.verdict_export_iter(
            filters=_verdict_filters(filters.validated_data, published_only=True),
            chunk_size=settings.FACTCHECK_API_EXPORT_CHUNK_SIZE,
        )
        response = StreamingHttpResponse(
            self.rows(verdicts, claimreview.Publisher.from_settings()),
            content_type=self.content_type,
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        response["Cache-Control"] = "no-store"
        return response


def _export_schema(
    operation_id: str, media_type: str, description: str, schema: Any = OpenApiTypes.STR
) -> Any:
    return extend_schema(
        operation_id=operation_id,
        parameters=[VerdictFilterSerializer],
        responses={
            (200, media_type): OpenApiResponse(schema, description=description),
            **errors(400),
        },
    )


class VerdictCsvExportApi(BaseExportApi):
    content_type = "text/csv; charset=utf-8"
    filename = "verdicts.csv"

    @_export_schema(
        "export_verdicts_csv",
        "text/csv",
        "Published verdicts, one CSV row each, after a header row.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: claimreview.Publisher) -> Iterator[str]:
        return claimreview.csv_stream(verdicts, publisher=publisher)


class VerdictNdjsonExportApi(BaseExportApi):
    content_type = "application/x-ndjson"
    filename = "verdicts.ndjson"

    @_export_schema(
        "export_verdicts_ndjson",
        "application/x-ndjson",
        "Published verdicts, one JSON object per line.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: claimreview.Publisher) -> Iterator[str]:
        return claimreview.ndjson_stream(verdicts, publisher=publisher)


class ClaimReviewNdjsonExportApi(BaseExportApi):
    content_type = "application/x-ndjson"
    filename = "claimreview.ndjson"

    @_export_schema(
        "export_claimreview_ndjson",
        "application/x-ndjson",
        "One schema.org ClaimReview (JSON-LD) per line.",
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: claimreview.Publisher) -> Iterator[str]:
        return claimreview.claimreview_ndjson_stream(verdicts, publisher=publisher)


class ClaimReviewFeedExportApi(BaseExportApi):
    content_type = JSON_LD
    filename = "claimreview.json"

    @_export_schema(
        "export_claimreview_feed",
        JSON_LD,
        "A schema.org DataFeed whose dataFeedElement are ClaimReviews.",
        CLAIMREVIEW_FEED_SCHEMA,
    )
    def get(self, request: Request) -> HttpResponseBase:
        return super().get(request)

    def rows(self, verdicts: Iterable[Verdict], publisher: claimreview.Publisher) -> Iterator[str]:
        return claimreview.claimreview_feed_stream(
            verdicts, publisher=publisher, now=timezone.now()
        )
