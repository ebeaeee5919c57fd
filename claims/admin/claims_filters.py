"""The claim list's filters. None lists every article or every user: the article filter searches
titles, the assignee filter lists the desk."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import QuerySet
from django.http import HttpRequest

from claims import selectors
from claims.models import Article, Claim
from claims.text import id_from_text


class ScoreBandFilter(admin.SimpleListFilter):
    title = "check-worthiness"
    parameter_name = "score"
    BANDS = {"high": (0.7, 1.01), "medium": (0.4, 0.7), "low": (0.0, 0.4)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("high", "High (0.7 and up)"), ("medium", "Medium (0.4–0.7)"), ("low", "Low")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        return queryset.filter(score__gte=band[0], score__lt=band[1])


class HasVerdictFilter(admin.SimpleListFilter):
    title = "verdict"
    parameter_name = "verdict"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Has a verdict"), ("no", "No verdict")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value() not in ("yes", "no"):
            return queryset
        return selectors.claims_with_verdict(queryset=queryset, has=self.value() == "yes")


class SourceFilter(admin.SimpleListFilter):
    title = "article source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(source, source) for source in selectors.article_sources()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        return queryset.filter(article__source=self.value()) if self.value() else queryset


class AssigneeFilter(admin.SimpleListFilter):
    """Reviewers and editors only: a desk has dozens, the user table may hold partners too."""

    title = "assignee"
    parameter_name = "assignee"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        people = [(str(user.pk), user.get_username()) for user in selectors.reviewer_list()]
        return [("me", "Me"), ("none", "Unassigned"), *people]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user.pk)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        assignee_id = id_from_text(value)
        return queryset if assignee_id is None else queryset.filter(assignee=assignee_id)


class ArticleFilter(admin.SimpleListFilter):
    """One article's claims, picked by searching titles (a list of every article would not fit)."""

    title = "article"
    parameter_name = "article"
    template = "admin/claims/autocomplete_filter.html"

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: Any) -> None:
        super().__init__(request, params, model, model_admin)
        self.admin_site = model_admin.admin_site

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return []

    def has_output(self) -> bool:
        return True

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        article_id = id_from_text(self.value())
        return queryset if article_id is None else queryset.filter(article=article_id)

    def choices(self, changelist: Any) -> Iterator[Any]:
        widget = AutocompleteSelect(Claim._meta.get_field("article"), self.admin_site)
        field = forms.ModelChoiceField(queryset=Article.objects.all(), widget=widget)
        # The template's script appends "&article=<id>" to this when an article is picked.
        self.base_query = changelist.get_query_string(remove=[self.parameter_name, "p"])
        self.widget_html = field.widget.render(
            "article-filter", id_from_text(self.value()), attrs={"id": "article-filter"}
        )
        yield {
            "selected": self.value() is None,
            "query_string": self.base_query,
            "display": "All",
        }
