"""Feeds: an editor subscribes to an RSS or Atom feed here; a periodic worker task polls it (the
admin never fetches) and records its status, last error and next poll."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from claims import services
from claims.models import Feed


class FeedAddForm(forms.ModelForm):
    """The URL is judged by the fetcher's own parser and refused if the feed is followed already."""

    url = forms.CharField(label="URL", max_length=2000)

    class Meta:
        model = Feed
        fields = ("url", "source", "active")

    def clean_url(self) -> str:
        url = services.url_clean(self.cleaned_data.get("url") or "")
        if Feed.objects.filter(url=url).exists():
            raise ValidationError("This feed is already followed.")
        return url


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "status", "article_count", "last_polled_at", "next_poll_at", "last_error",
    )  # fmt: skip
    list_filter = ("status", "active")
    search_fields = ("url", "title", "source")
    readonly_fields = (
        "title", "status", "last_error", "failures", "last_polled_at", "next_poll_at",
        "added_by", "created_at",
    )  # fmt: skip
    actions = ["poll_soon"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Feed]:
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(ordering="article_count", description="articles")
    def article_count(self, obj: Feed) -> int:
        return obj.article_count  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The URL is what its entries' ids belong to: a different URL is a different feed.
        return (*self.readonly_fields, "url") if obj is not None else self.readonly_fields

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = FeedAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Feed, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.feed_create(url=obj.url, source=obj.source, added_by=request.user)
        if not obj.active:
            Feed.objects.filter(pk=created.pk).update(active=False)
        obj.pk = created.pk
        obj.refresh_from_db()

    @admin.action(permissions=["change"], description="Poll at the next beat (within a minute)")
    def poll_soon(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        ids = list(queryset.values_list("pk", flat=True)[:500])
        for feed_id in ids:
            services.feed_poll_soon(feed_id=feed_id)
        self.message_user(request, f"{len(ids)} feed(s) will be polled within a minute.")
