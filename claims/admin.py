"""Admin: declarative. Changes go through services where a rule applies (ingest, verdicts)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from claims import services
from claims.models import Article, AuditEvent, Claim, Verdict

EXTRACTOR_FIELDS = (
    "article", "position", "text", "sentence", "start", "end", "kind", "score", "entities",
    "quantities", "speaker",
)  # fmt: skip


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ("position", "text", "kind", "score", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ArticleAddForm(forms.ModelForm):
    """Refuses a duplicate on the form, before ``save_model`` would."""

    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = ("title", "url", "source", "author", "published_on", "body")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            services.article_check_new(body=data.get("body") or "", url=data.get("url") or None)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "claim_count", "source", "published_on", "created_at")
    list_filter = ("status", "source")
    search_fields = ("title", "url", "source", "author")
    date_hierarchy = "created_at"
    inlines = [ClaimInline]
    readonly_fields = (
        "content_hash", "status", "status_changed_at", "failure_reason", "attempts",
        "extractor_version", "split_at", "ingested_by", "created_at", "updated_at",
    )  # fmt: skip
    list_select_related = ("ingested_by",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    @admin.display(ordering="claim_count", description="claims")
    def claim_count(self, obj: Article) -> int:
        return obj.claim_count  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Once stored, the text is what the claims' offsets point into: never edited.
        if obj is not None:
            return (*self.readonly_fields, "body", "url")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = services.article_create(
                title=obj.title, body=obj.body, url=obj.url, source=obj.source,
                author=obj.author, published_on=obj.published_on, ingested_by=request.user,
                via="admin",
            )  # fmt: skip
        except ValidationError as exc:
            # The form already passed; a duplicate found now is reported instead of a 500.
            messages.error(request, " ".join(exc.messages))
            raise
        obj.pk = created.pk
        obj.refresh_from_db()

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # No claims before the split.
        return [] if obj is None else list(self.inlines)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ArticleAddForm
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("text", "score", "kind", "status", "assignee", "article")
    list_filter = ("status", "kind")
    search_fields = ("text", "sentence", "article__title")
    list_select_related = ("article", "assignee")
    readonly_fields = (*EXTRACTOR_FIELDS, "created_at", "updated_at")
    raw_id_fields = ("duplicate_of", "assignee")
    date_hierarchy = "created_at"


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ("claim", "rating", "reviewer", "is_current", "published_at", "created_at")
    list_filter = ("rating", "is_current")
    search_fields = ("claim__text", "explanation")
    list_select_related = ("claim", "reviewer")
    readonly_fields = ("claim", "reviewer", "rating", "explanation", "evidence_urls",
                       "is_current", "superseded_by", "published_at", "created_at", "updated_at")  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Verdicts are given on the claim page, where the lease and history rules apply.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "article", "claim", "message")
    list_filter = ("action",)
    list_select_related = ("actor", "article", "claim")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

# Token admin lives in its own module; importing it registers it.
from claims import admin_tokens  # noqa: E402, F401
