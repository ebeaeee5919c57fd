"""Articles: added here as through the API (the ingest service), edited field by field with an
audit row, split again on request, deleted by superusers through the service."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from claims import selectors, services
from claims.admin.agreement import BlindReviewActionsMixin
from claims.admin.audit import ArticleAuditInline
from claims.admin.bulk import MAX_BULK_CLAIMS, bulk_run
from claims.admin.large_tables import ScalableAdmin
from claims.models import Article, Claim


class ClaimInline(admin.TabularInline):
    model = Claim
    fields = ("position", "text", "kind", "score", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ArticleAddForm(forms.ModelForm):
    """Refuses a duplicate on the form, before ``save_model`` would. A URL without text is
    fetched by a worker."""

    url = forms.CharField(label="URL", max_length=2000, required=False)
    body = forms.CharField(
        label="Body", required=False, widget=forms.Textarea,
        help_text="Leave empty to fetch the URL and keep the page's main text.",
    )  # fmt: skip
    title = forms.CharField(max_length=500, required=False)

    class Meta:
        model = Article
        fields = ("title", "url", "source", "author", "published_on", "body")

    def clean_url(self) -> str:
        url = (self.cleaned_data.get("url") or "").strip()
        return services.url_clean(url) if url else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body, url = data.get("body") or "", data.get("url") or None
        if not body.strip() and not url:
            if "url" not in self.errors:
                raise ValidationError("Give the article's text, or a URL to fetch it from.")
            return data
        try:
            if body.strip():
                services.article_check_new(body=body, url=url)
            else:
                services.url_clean(url or "")
                services.article_check_new_url(url=url or "")
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return data


@admin.register(Article)
class ArticleAdmin(BlindReviewActionsMixin, ScalableAdmin):
    list_display = ("title", "status", "claim_count", "source", "published_on", "created_at")
    list_filter = ("status", "source", "language", "feed", "blind_review")
    search_fields = ("title", "url", "source", "author")
    date_hierarchy = "created_at"
    inlines = [ClaimInline, ArticleAuditInline]
    readonly_fields = (
        "content_hash", "status", "status_changed_at", "failure_reason", "attempts",
        "extractor_version", "split_at", "ingested_by", "feed", "created_at", "updated_at",
        "blind_review",
    )  # fmt: skip
    list_select_related = ("ingested_by",)
    # Django's delete action first, where the site would put it.
    actions = ["delete_selected", "resplit", "retry_failed", "blind_review_on", "blind_review_off"]
    audit_field = "article"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return selectors.article_admin_list(queryset=super().get_queryset(request))

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
            services.article_update(
                article_id=obj.pk,
                by=request.user,
                changes={name: form.cleaned_data[name] for name in form.changed_data},
            )
            return
        try:
            # A URL alone is stored as "fetching"; a worker fetches it (the web process never does).
            created = services.article_ingest(
                body=obj.body, url=obj.url, title=obj.title, source=obj.source,
                author=obj.author, published_on=obj.published_on, ingested_by=request.user,
                via="admin",
            )  # fmt: skip
        except ValidationError as exc:
            # The form already passed; a duplicate found now is reported instead of a 500.
            messages.error(request, " ".join(exc.messages))
            raise
        obj.pk = created.pk
        obj.refresh_from_db()

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.article_delete(article_id=obj.pk, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        # Reached through delete_selected only, which bulk_run has held within the limit.
        for article_id in selectors.queryset_ids(queryset=queryset, limit=MAX_BULK_CLAIMS):
            services.article_delete(article_id=article_id, by=request.user)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Claims have no delete of their own in the admin; they go with their article, and the
        # article's audit row counts them.
        perms_needed.discard(Claim._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # No claims and no history before the article exists.
        return [] if obj is None else list(self.inlines)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ArticleAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def _resplit(self, request: HttpRequest, articles: QuerySet[Article]) -> None:
        def run(ids: list[int]) -> None:
            queued, refused = 0, []
            for article_id in ids:
                try:
                    services.article_resplit(article_id=article_id, by=request.user)
                    queued += 1
                except ValidationError as exc:
                    # This article only (people work on its claims); the others go ahead.
                    refused.append(" ".join(exc.messages))
            if queued:
                self.message_user(request, f"{queued} article(s) queued to be split again.")
            for reason in refused:
                self.message_user(request, reason, messages.WARNING)

        bulk_run(self, request, articles, run)

    # Django's own (a confirmation page, then delete_queryset), with its label, within the limit.
    @admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
    def delete_selected(
        self, request: HttpRequest, queryset: QuerySet[Article]
    ) -> HttpResponse | None:
        return bulk_run(
            self, request, queryset, lambda ids: django_delete_selected(self, request, queryset)
        )

    @admin.action(permissions=["change"], description="Split again (re-queue)")
    def resplit(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._resplit(request, queryset)

    @admin.action(permissions=["change"], description="Retry the failed ones")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        failed = queryset.filter(status=Article.Status.FAILED)
        self._resplit(request, failed)
