"""/api/v1/verdicts/: list verdicts (the desk sees all, partners the published ones), give one,
read one, and read a published one as schema.org ClaimReview JSON-LD."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import ISO_8601, exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from claims import selectors, services
from claims.api import claimreview
from claims.api.base import (
    MAX_ID,
    BaseApi,
    DateOrDateTimeField,
    QuerySerializer,
    StrictCharField,
    get_or_404,
    refuse_unknown_fields,
)
from claims.api.errors import errors
from claims.api.pagination import PageFilterSerializer, keyset_page, page_serializer
from claims.authentication import is_read_only_token
from claims.models import CLAIMREVIEW_RATING_VALUES, Claim, Rating, Verdict
from claims.roles import EDITOR_PERMISSION
from claims.url_paths import url_path, url_path_maker


class VerdictListSerializer(serializers.ListSerializer):
    """Many verdicts (a page of up to 500): the fields one verdict's serializer gives, built from
    the loaded rows in one pass. DRF's per-field machinery cost about 0.15 ms a row, most of a
    500-row page; ``tests/claims/api/test_verdict_list_rows.py`` holds the two outputs equal.

    The rows are model instances, or the named tuples of ``selectors.verdict_api_tuples`` (what
    the list reads: no model instances built), which give the same output."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        one = cast(VerdictOutputSerializer, self.child)
        hide_unpublished = bool(self.context.get("published_only"))
        stamp = _stamper(serializers.DateTimeField())
        labels = {value: str(label) for value, label in Rating.choices}
        rows = list(data.all() if hasattr(data, "all") else data)
        # Rows of verdict_api_tuples(iso_utc_except=...) bring their time stamps written.
        written = bool(rows) and hasattr(rows[0], "updated_at_iso")
        base_url = one._publisher().base_url.rstrip("/")
        origin = one._origin()
        claim_path = url_path_maker("claims:claim")
        verdict_path = url_path_maker("api:verdict")
        claimreview_path = url_path_maker("api:verdict-claimreview")
        results = []
        for row in rows:
            v: Any = row if isinstance(row, tuple) else _VerdictColumns(row)
            if written:
                published_at, created_at, updated_at = (
                    v.published_at_iso, v.created_at_iso, v.updated_at_iso
                )  # fmt: skip
                evidence_urls = selectors.json_column_value(v.evidence_urls_json)
                correction = selectors.json_column_value(v.correction_json)
            else:
                published_at = None if v.published_at is None else stamp(v.published_at)
                created_at, updated_at = stamp(v.created_at), stamp(v.updated_at)
                evidence_urls, correction = v.evidence_urls, v.correction
            published = published_at is not None and v.is_current
            # A withdrawn verdict tells a partner to drop it (as to_representation below).
            hide = hide_unpublished and not published
            # Publisher.claim_permalink, and Publisher.claimreview_id its #claimreview.
            permalink = base_url + claim_path(v.claim_id)
            results.append(
                {
                    "id": v.pk,
                    "self_url": origin + verdict_path(v.pk),
                    "claim": v.claim_id,
                    "article": v.claim__article_id,
                    "claim_text": v.claim__text,
                    "rating": v.rating,
                    "rating_label": labels.get(v.rating, v.rating),
                    "rating_value": CLAIMREVIEW_RATING_VALUES[v.rating],
                    "explanation": "" if hide else v.explanation,
                    "evidence_urls": [] if hide else [str(url) for url in evidence_urls],
                    "reviewer": v.reviewer__username,
                    "is_current": v.is_current,
                    "superseded_by": v.superseded_by_id,
                    "published": published,
                    "published_at": published_at,
                    "created_at": created_at,
                    "updated_at": updated_at,
                    "permalink": permalink,
                    "claimreview_url": origin + claimreview_path(v.pk),
                    "claimreview_id": permalink + "#claimreview",
                    "withdrawn": published_at is not None and not v.is_current,
                    "correction": correction,
                }
            )
        return results


class _VerdictColumns:
    """A Verdict (with its claim and reviewer loaded) read as a row of
    ``selectors.VERDICT_LIST_COLUMNS``."""

    def __init__(self, verdict: Verdict) -> None:
        self.pk = verdict.pk
        self.claim_id = verdict.claim_id
        self.claim__article_id = verdict.claim.article_id
        self.claim__text = verdict.claim.text
        self.reviewer__username = verdict.reviewer.username
        self.rating = verdict.rating
        self.explanation = verdict.explanation
        self.evidence_urls = verdict.evidence_urls
        self.is_current = verdict.is_current
        self.superseded_by_id = verdict.superseded_by_id
        self.published_at = verdict.published_at
        self.created_at = verdict.created_at
        self.updated_at = verdict.updated_at
        self.correction = verdict.correction


def _stamps_in_utc() -> bool:
    """Whether DRF writes time stamps as ``selectors.IsoUtc`` does (ISO 8601 in UTC, with a Z),
    and the database can write them: the time zone is UTC (the default) on PostgreSQL."""
    field = serializers.DateTimeField()
    tz = field.default_timezone()
    return (
        selectors.database_writes_text()
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and (tz is UTC or getattr(tz, "key", "") in ("UTC", "Etc/UTC"))
    )


def _stamper(field: serializers.DateTimeField) -> Callable[[datetime], str]:
    """``field.to_representation`` for aware datetimes, with the time zone looked up once per
    page instead of once per value (three a row): the same text."""
    tz = field.default_timezone()
    if tz is None or getattr(field, "format", api_settings.DATETIME_FORMAT) != ISO_8601:
        return cast(Callable[[datetime], str], field.to_representation)

    def stamp(value: datetime) -> str:
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return stamp


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
    claimreview_id = serializers.SerializerMethodField(
        help_text="The ClaimReview's stable @id: the same for every verdict on the claim."
    )
    withdrawn = serializers.SerializerMethodField(
        help_text="Published once, replaced since (by a correction, or pending one). Partners "
        "get such rows from updated_since pulls, with an empty explanation and evidence."
    )
    correction = serializers.JSONField(
        read_only=True,
        help_text="On a verdict published in place of an earlier one: previous_verdict, "
        "previous_rating, changed (fields) and first_published_at; {} otherwise.",
    )

    class Meta:
        model = Verdict
        list_serializer_class = VerdictListSerializer
        fields = [
            "id", "self_url", "claim", "article", "claim_text", "rating", "rating_label",
            "rating_value", "explanation", "evidence_urls", "reviewer", "is_current",
            "superseded_by", "published", "published_at", "created_at", "updated_at",
            "permalink", "claimreview_url", "claimreview_id", "withdrawn", "correction",
        ]  # fmt: skip

    def to_representation(self, instance: Verdict) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if self.context.get("published_only") and not instance.is_published:
            # A withdrawn verdict tells a partner to drop it; what it said is no longer public.
            data["explanation"] = ""
            data["evidence_urls"] = []
        return data

    def _publisher(self) -> claimreview.Publisher:
        # Once per response, not per row (the context is shared by every row of a list).
        context = cast(dict[str, Any], self.context)
        if "_publisher" not in context:
            context["_publisher"] = claimreview.Publisher.from_settings()
        return cast(claimreview.Publisher, context["_publisher"])

    def _origin(self) -> str:
        """The request's scheme and host, worked out once per response."""
        context = cast(dict[str, Any], self.context)
        if "_origin" not in context:
            request = context.get("request")
            context["_origin"] = request.build_absolute_uri("/").rstrip("/") if request else ""
        return str(context["_origin"])

    def _url(self, name: str, pk: int) -> str:
        """``reverse(name, args=[pk])`` made absolute for the request: the path from
        ``url_path`` (one reverse() per pattern)."""
        return self._origin() + url_path(name, pk)

    def get_claimreview_id(self, obj: Verdict) -> str:
        return self._publisher().claimreview_id(obj.claim_id)

    def get_withdrawn(self, obj: Verdict) -> bool:
        return obj.published_at is not None and not obj.is_current

    def get_self_url(self, obj: Verdict) -> str:
        return self._url("api:verdict", obj.pk)

    def get_rating_value(self, obj: Verdict) -> int | None:
        return CLAIMREVIEW_RATING_VALUES[obj.rating]

    def get_published(self, obj: Verdict) -> bool:
        return obj.published_at is not None and obj.is_current

    def get_permalink(self, obj: Verdict) -> str:
        return self._publisher().permalink(obj)

    def get_claimreview_url(self, obj: Verdict) -> str:
        return self._url("api:verdict-claimreview", obj.pk)


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


def verdict_filters(
    f: dict[str, Any],
    *,
    published_only: bool,
    include_withdrawn: bool = False,
    blind_to: int | None = None,
) -> selectors.VerdictApiFilters:
    """The selector's filters from the validated query parameters of a list or an export."""
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
        include_withdrawn=include_withdrawn,
        blind_to=blind_to,
    )


def _sees_published_only(request: Request) -> bool:
    """Verdicts not yet published are for the desk (those who may give verdicts), and never
    through a read-only token: a partner account sees published ones however it asks."""
    return is_read_only_token(request) or not request.user.has_perm("claims.add_verdict")


def _blind_to(request: Request) -> int | None:
    """Whom verdicts awaiting a blind second review are hidden from: every reviewer but their
    author; editors settle disagreements and see them."""
    return None if request.user.has_perm(EDITOR_PERMISSION) else request.user.pk


def _verdict_output(
    verdicts: Any, request: Request, *, many: bool = False, published_only: bool = False
) -> Any:
    context = {"request": request, "published_only": published_only}
    return VerdictOutputSerializer(verdicts, many=many, context=context).data


IDEMPOTENCY_HEADER = "Idempotency-Key"


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
        explanation = StrictCharField(max_length=services.MAX_EXPLANATION_CHARS)
        evidence_urls = serializers.ListField(
            child=StrictCharField(max_length=2000), max_length=services.MAX_EVIDENCE_URLS,
            required=False, default=list,
        )  # fmt: skip

    @extend_schema(
        operation_id="verdicts_list",
        parameters=[FilterSerializer],
        responses={200: page_serializer("VerdictPage", VerdictOutputSerializer), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        published_only = _sees_published_only(request)
        ordering = f.get("ordering") or "updated_at"
        # An incremental pull also learns which verdicts it holds were withdrawn or corrected.
        qs = selectors.verdict_api_tuples(
            filters=verdict_filters(
                f,
                published_only=published_only,
                include_withdrawn=published_only and f.get("updated_since") is not None,
                blind_to=_blind_to(request),
            ),
            iso_utc_except=ordering.lstrip("-") if _stamps_in_utc() else "",
        )
        rows, links = keyset_page(request, qs, params=f, default_ordering=ordering)
        results = _verdict_output(rows, request, many=True, published_only=published_only)
        return Response({**links, "results": results})

    @extend_schema(
        request=InputSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="Optional, 1-200 ASCII characters. A retry with the same key gets "
                "the verdict the first request made (`Idempotent-Replayed: true`), not a second "
                "one; the same key with another body is a 409.",
            )
        ],
        responses={201: VerdictOutputSerializer, **errors(400, 409, 413, 415)},
    )
    def post(self, request: Request) -> Response:
        refuse_unknown_fields(request, self.InputSerializer)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        verdict_args = {
            "claim_id": data["claim"],
            "reviewer": request.user,
            "rating": data["rating"],
            "explanation": data["explanation"],
            "evidence_urls": data["evidence_urls"],
        }
        key = request.headers.get(IDEMPOTENCY_HEADER)
        created = True
        try:
            if key is None:
                verdict = services.verdict_set(**verdict_args)
            else:
                verdict, created = services.verdict_set_once(key=key, **verdict_args)
        except Claim.DoesNotExist:
            raise exceptions.ValidationError({"claim": [f"No claim #{data['claim']}."]}) from None
        except (services.ClaimHeldByOther, services.IdempotencyKeyReused) as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        qs = selectors.verdict_api_list(filters=selectors.VerdictApiFilters())
        out = _verdict_output(qs.get(pk=verdict.pk), request)
        response = Response(out, status=status.HTTP_201_CREATED)
        if not created:
            # A retry of a request already handled: the verdict it made, not a second one.
            response["Idempotent-Replayed"] = "true"
        return response


def _verdict_or_404(
    verdict_id: int, *, published_only: bool, blind_to: int | None = None
) -> Verdict:
    filters = selectors.VerdictApiFilters(published_only=published_only, blind_to=blind_to)
    return get_or_404(selectors.verdict_api_list(filters=filters), verdict_id)


class VerdictDetailApi(BaseApi):
    """One verdict. A read-only token (or a non-reviewer) gets 404 for one not published."""

    queryset = Verdict.objects.none()

    @extend_schema(responses={200: VerdictOutputSerializer, **errors(404)})
    def get(self, request: Request, verdict_id: int) -> Response:
        verdict = _verdict_or_404(
            verdict_id, published_only=_sees_published_only(request), blind_to=_blind_to(request)
        )
        return Response(_verdict_output(verdict, request))


class VerdictClaimReviewApi(BaseApi):
    """A published verdict as schema.org ClaimReview JSON-LD (404 while unpublished)."""

    queryset = Verdict.objects.none()

    @extend_schema(
        operation_id="verdicts_claimreview",
        responses={(200, claimreview.JSON_LD): claimreview.CLAIMREVIEW_SCHEMA, **errors(404)},
    )
    def get(self, request: Request, verdict_id: int) -> Response:
        verdict = _verdict_or_404(verdict_id, published_only=True)
        publisher = claimreview.Publisher.from_settings()
        # JSON rendered, labelled JSON-LD; errors stay application/json like everywhere else.
        return Response(
            claimreview.claimreview_build(verdict, publisher=publisher),
            content_type=claimreview.JSON_LD,
        )
