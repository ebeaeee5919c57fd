"""Admin: declarative config. Every change and every action goes through a service and is audited.

Built for a million claims: no exact COUNT of a big table on each page load, one query per list
(``list_select_related``), filters and a date drill-down that use indexes, and autocomplete where
a plain select would list every row.
"""

import csv
from calendar import monthrange
from collections.abc import Iterator
from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from claims import selectors, services
from claims.models import Article, AuditEvent, Claim, Verdict
from claims.roles import EDITOR_PERMISSION

EXTRACTOR_FIELDS = (
    "article", "position", "text", "sentence", "start", "end", "kind", "score", "entities",
    "quantities", "speaker", "speaker_via", "fingerprint",
)  # fmt: skip
# A bulk action takes at most this many claims; "select all" over a million is refused, not run.
MAX_BULK_CLAIMS = 5000
PRIORITY_STEP = 10


# --- Scale: counting, date drill-down, history ------------------------------------------------


class EstimatedCountPaginator(Paginator):
    """Counts exactly only when that is cheap; otherwise PostgreSQL's estimate."""

    @cached_property
    def count(self) -> int:
        # The admin always pages a QuerySet.
        return selectors.queryset_count_fast(queryset=cast(QuerySet[Any], self.object_list))


def date_hierarchy_links(cl: ChangeList) -> dict[str, Any]:
    """The admin's date drill-down, from the first and last date only.

    Django's own lists the distinct years, months or days, which scans every row of the list;
    this offers each period between the first and the last (some may turn out empty)."""
    field = cl.date_hierarchy
    params = {part: cl.params.get(f"{field}__{part}") for part in ("year", "month", "day")}

    def link(filters: dict[str, Any]) -> str:
        return cl.get_query_string(filters, [f"{field}__"])

    year_key, month_key, day_key = (f"{field}__{part}" for part in ("year", "month", "day"))
    try:
        year, month, day = (int(v) if v else None for v in params.values())
        if year and month and day:
            chosen = date(year, month, day)
            return {
                "show": True,
                "back": {
                    "link": link({year_key: year, month_key: month}),
                    "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
                },
                "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
            }
    except ValueError:
        return {"show": False}
    if cl.query:
        # A search already narrows the list, and finding its first and last date would scan
        # the matches twice more; the drill-down returns once the search is cleared.
        return {"show": False}
    first, last = selectors.queryset_date_range(queryset=cl.queryset, field=field)
    if first is None or last is None:
        return {"show": False}
    first, last = timezone.localtime(first).date(), timezone.localtime(last).date()
    if not year and first.year == last.year:
        year = first.year
        if first.month == last.month:
            month = first.month
    if year and month:
        days = range(1, monthrange(year, month)[1] + 1)
        return {
            "show": True,
            "back": {"link": link({year_key: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_key: year, month_key: month, day_key: d}),
                    "title": capfirst(
                        formats.date_format(date(year, month, d), "MONTH_DAY_FORMAT")
                    ),
                }
                for d in days
                if first <= date(year, month, d) <= last
            ],
        }
    if year:
        return {
            "show": True,
            "back": {"link": link({}), "title": "All dates"},
            "choices": [
                {
                    "link": link({year_key: year, month_key: m}),
                    "title": capfirst(formats.date_format(date(year, m, 1), "YEAR_MONTH_FORMAT")),
                }
                for m in range(1, 13)
                if (first.year, first.month) <= (year, m) <= (last.year, last.month)
            ],
        }
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_key: str(y)}), "title": str(y)}
            for y in range(first.year, last.year + 1)
        ],
    }


class ScalableAdmin(admin.ModelAdmin):
    """Shared by every list that may grow to millions of rows."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # The AuditEvent foreign key that points at this model; "History" opens that audit trail.
    audit_field = ""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if self.date_hierarchy and context and "cl" in context:
            # Read by templates/admin/claims/change_list.html instead of Django's own tag.
            context["date_hierarchy_links"] = date_hierarchy_links(context["cl"])
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        if (
            self.audit_field
            and object_id.isdigit()
            and request.user.has_perm("claims.view_auditevent")
        ):
            url = reverse("admin:claims_auditevent_changelist")
            return HttpResponseRedirect(f"{url}?{self.audit_field}__id__exact={object_id}")
        return super().history_view(request, object_id, extra_context)


class AuditInline(admin.TabularInline):
    """Who did what to this object, newest first. Shown to those who may read the audit trail."""

    model = AuditEvent
    fields = ("created_at", "actor", "action", "message")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    extra = 0
    can_delete = False
    verbose_name = "audit event"
    verbose_name_plural = "history (audit trail)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).select_related("actor")


class ClaimAuditInline(AuditInline):
    fk_name = "claim"


class ArticleAuditInline(AuditInline):
    fk_name = "article"
    verbose_name_plural = "history of the article itself (its claims' events: History button)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).filter(claim__isnull=True)


# --- Articles ---------------------------------------------------------------------------------


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
class ArticleAdmin(ScalableAdmin):
    list_display = ("title", "status", "claim_count", "source", "published_on", "created_at")
    list_filter = ("status", "source", "language")
    search_fields = ("title", "url", "source", "author")
    date_hierarchy = "created_at"
    inlines = [ClaimInline, ArticleAuditInline]
    readonly_fields = (
        "content_hash", "status", "status_changed_at", "failure_reason", "attempts",
        "extractor_version", "split_at", "ingested_by", "created_at", "updated_at",
    )  # fmt: skip
    list_select_related = ("ingested_by",)
    actions = ["resplit", "retry_failed"]
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

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.article_delete(article_id=obj.pk, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
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
        queued, refused = 0, []
        for article_id in selectors.queryset_ids(queryset=articles, limit=MAX_BULK_CLAIMS):
            try:
                services.article_resplit(article_id=article_id, by=request.user)
                queued += 1
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
        if queued:
            self.message_user(request, f"{queued} article(s) queued to be split again.")
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(permissions=["change"], description="Split again (re-queue)")
    def resplit(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._resplit(request, queryset)

    @admin.action(permissions=["change"], description="Retry the failed ones")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        failed = queryset.filter(status=Article.Status.FAILED)
        self._resplit(request, failed)


# --- Claims -----------------------------------------------------------------------------------


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
        if value and value.isdigit():
            return queryset.filter(assignee=int(value))
        return queryset


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
        value = self.value()
        return queryset.filter(article=int(value)) if value and value.isdigit() else queryset

    def choices(self, changelist: Any) -> Iterator[Any]:
        widget = AutocompleteSelect(Claim._meta.get_field("article"), self.admin_site)
        field = forms.ModelChoiceField(queryset=Article.objects.all(), widget=widget)
        # The template's script appends "&article=<id>" to this when an article is picked.
        self.base_query = changelist.get_query_string(remove=[self.parameter_name, "p"])
        self.widget_html = field.widget.render(
            "article-filter", self.value(), attrs={"id": "article-filter"}
        )
        yield {
            "selected": self.value() is None,
            "query_string": self.base_query,
            "display": "All",
        }


class ClaimAdminForm(forms.ModelForm):
    """The only fields a person edits on a claim; the extractor's output stays read-only."""

    priority = forms.IntegerField(
        min_value=-services.MAX_PRIORITY,
        max_value=services.MAX_PRIORITY,
        help_text="The queue sorts by priority first, then check-worthiness.",
    )

    class Meta:
        model = Claim
        fields = ("assignee", "priority")

    def clean_assignee(self) -> Any:
        assignee = self.cleaned_data.get("assignee")
        if "assignee" not in self.changed_data or assignee is None:
            return assignee
        if assignee not in selectors.reviewer_list():
            raise ValidationError("Pick a reviewer or an editor.")
        if self.instance.status not in services.OPEN_STATUSES:
            raise ValidationError(
                f"This claim is {self.instance.get_status_display().lower()}: "
                "only open claims can be assigned."
            )
        return assignee


class AssignForm(forms.Form):
    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = forms.ModelChoiceField(
            queryset=selectors.reviewer_list(),
            label="Reviewer",
            widget=AutocompleteSelect(Claim._meta.get_field("assignee"), admin_site),
            help_text="Reviewers and editors; search by name.",
        )


class DuplicateForm(forms.Form):
    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["original"] = forms.ModelChoiceField(
            queryset=Claim.objects.all(),
            label="Original claim",
            widget=AutocompleteSelect(Claim._meta.get_field("duplicate_of"), admin_site),
            help_text="Search its text, or type #123 for claim number 123.",
        )


class _Echo:
    """A file-like object for csv.writer that hands each row back for streaming."""

    def write(self, value: str) -> str:
        return value


@admin.register(Claim)
class ClaimAdmin(ScalableAdmin):
    form = ClaimAdminForm
    list_display = (
        "claim_text", "score", "kind", "status", "priority", "assignee", "article_link",
    )  # fmt: skip
    list_filter = (
        "status", "kind", ScoreBandFilter, AssigneeFilter, HasVerdictFilter, SourceFilter,
        ArticleFilter,
    )  # fmt: skip
    search_fields = ("text", "sentence", "article__title")
    search_help_text = "Claim, sentence or article title; #123 finds claim number 123."
    list_select_related = ("article", "assignee")
    list_per_page = 100
    date_hierarchy = "created_at"
    autocomplete_fields = ("assignee",)
    fields = (
        *EXTRACTOR_FIELDS, "status", "duplicate_of", "assignee", "lease_expires_at", "priority",
        "created_at", "updated_at",
    )  # fmt: skip
    readonly_fields = (
        *EXTRACTOR_FIELDS, "status", "duplicate_of", "lease_expires_at", "created_at",
        "updated_at",
    )  # fmt: skip
    inlines = [ClaimAuditInline]
    actions = [
        "assign", "release_leases", "dismiss", "mark_duplicate", "raise_priority",
        "lower_priority", "export_csv",
    ]  # fmt: skip
    audit_field = "claim"

    @property
    def media(self) -> forms.Media:
        # The article filter's search box uses the admin's select2, as autocomplete fields do.
        widget = AutocompleteSelect(Claim._meta.get_field("article"), self.admin_site)
        return super().media + widget.media

    @admin.display(description="claim", ordering="text")
    def claim_text(self, obj: Claim) -> str:
        return obj.text[:140]

    @admin.display(description="article", ordering="article_id")
    def article_link(self, obj: Claim) -> str:
        return format_html('<a href="?article={}">{}</a>', obj.article_id, obj.article.title[:60])

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # One article's claims in reading order (its slice of the (article, position) index);
        # otherwise newest first along the created_at index, which a date filter narrows too.
        if request.GET.get(ArticleFilter.parameter_name):
            return ("position",)
        return ("-created_at", "-id")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Claim], search_term: str
    ) -> tuple[QuerySet[Claim], bool]:
        if not search_term.strip():
            return queryset, False
        return selectors.claim_admin_search(queryset=queryset, term=search_term), False

    # Permissions: reviewers (view + change_claim for their own work on the dashboard) only read
    # claims here; editing and every triage action need the editor permission.

    def has_editor_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EDITOR_PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims come from the extractor

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self.has_editor_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # dismiss instead; a re-split replaces an article's claims

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        services.claim_update(
            claim_id=obj.pk,
            by=request.user,
            assignee=form.cleaned_data["assignee"],
            priority=form.cleaned_data["priority"],
        )

    # Actions. Each takes the selected ids and calls one service; the service leaves alone the
    # claims it must not change (already judged, say), and the message says how many.

    def _selected_ids(self, request: HttpRequest, queryset: QuerySet[Claim]) -> list[int] | None:
        ids = selectors.queryset_ids(queryset=queryset, limit=MAX_BULK_CLAIMS)
        if len(ids) > MAX_BULK_CLAIMS:
            self.message_user(
                request,
                f"More than {MAX_BULK_CLAIMS:,} claims selected; narrow the list with filters "
                "first. Nothing was changed.",
                messages.ERROR,
            )
            return None
        return ids

    def _report(self, request: HttpRequest, done: int, selected: int, what: str, why: str) -> None:
        self.message_user(request, f"{done} of {selected} claim(s) {what}.")
        if done < selected:
            self.message_user(
                request, f"{selected - done} left as they were: {why}.", messages.WARNING
            )

    def _intermediate(
        self,
        request: HttpRequest,
        queryset: QuerySet[Claim],
        *,
        form: forms.Form,
        action: str,
        title: str,
        submit: str,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "action": action,
            "submit_label": submit,
            "preview": queryset.select_related("article")[:20],
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/claims/claim/action_form.html", context)

    @admin.action(permissions=["editor"], description="Assign to a reviewer…")
    def assign(self, request: HttpRequest, queryset: QuerySet[Claim]) -> TemplateResponse | None:
        ids = self._selected_ids(request, queryset)
        if ids is None:
            return None
        form = AssignForm(
            request.POST if "apply" in request.POST else None, admin_site=self.admin_site
        )
        if not form.is_valid():
            return self._intermediate(
                request, queryset, form=form, action="assign",
                title=f"Assign {len(ids)} claim(s)", submit="Assign",
            )  # fmt: skip
        assignee = form.cleaned_data["assignee"]
        done = services.claims_assign(claim_ids=ids, assignee=assignee, by=request.user)
        self._report(
            request, done, len(ids), f"assigned to {assignee}",
            "they are judged, dismissed or duplicates, or already assigned to them",
        )  # fmt: skip
        return None

    @admin.action(permissions=["editor"], description="Mark as duplicate of…")
    def mark_duplicate(
        self, request: HttpRequest, queryset: QuerySet[Claim]
    ) -> TemplateResponse | None:
        ids = self._selected_ids(request, queryset)
        if ids is None:
            return None
        form = DuplicateForm(
            request.POST if "apply" in request.POST else None, admin_site=self.admin_site
        )
        if form.is_valid():
            original = form.cleaned_data["original"]
            try:
                done = services.claims_mark_duplicate(
                    claim_ids=ids, original_id=original.pk, by=request.user
                )
            except ValidationError as exc:
                form.add_error("original", exc)
            else:
                self._report(
                    request, done, len(ids), f"marked duplicates of claim #{original.pk}",
                    "they are judged or dismissed, or are the original itself",
                )  # fmt: skip
                return None
        return self._intermediate(
            request, queryset, form=form, action="mark_duplicate",
            title=f"Mark {len(ids)} claim(s) as duplicates", submit="Mark as duplicates",
        )  # fmt: skip

    @admin.action(permissions=["editor"], description="Dismiss as not checkable")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        ids = self._selected_ids(request, queryset)
        if ids is not None:
            done = services.claims_dismiss(claim_ids=ids, by=request.user)
            self._report(request, done, len(ids), "dismissed", "they are judged or dismissed")

    @admin.action(permissions=["editor"], description="Release leases and assignments")
    def release_leases(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        ids = self._selected_ids(request, queryset)
        if ids is not None:
            done = services.claims_release_leases(claim_ids=ids, by=request.user)
            self._report(request, done, len(ids), "released", "nobody held them")

    @admin.action(permissions=["editor"], description=f"Raise priority (+{PRIORITY_STEP})")
    def raise_priority(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        ids = self._selected_ids(request, queryset)
        if ids is not None:
            done = services.claims_set_priority(claim_ids=ids, delta=PRIORITY_STEP, by=request.user)
            self._report(request, done, len(ids), "raised", "they no longer exist")

    @admin.action(permissions=["editor"], description=f"Lower priority (−{PRIORITY_STEP})")
    def lower_priority(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        ids = self._selected_ids(request, queryset)
        if ids is not None:
            done = services.claims_set_priority(
                claim_ids=ids, delta=-PRIORITY_STEP, by=request.user
            )
            self._report(request, done, len(ids), "lowered", "they no longer exist")

    @admin.action(permissions=["view"], description="Export as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Claim]) -> StreamingHttpResponse:
        # Reads only, so not audited; streamed, so even a large selection never sits in memory.
        writer = csv.writer(_Echo())
        rows = (writer.writerow(row) for row in selectors.claim_export_rows(queryset=queryset))
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="claims.csv"'
        return response


# --- Verdicts ---------------------------------------------------------------------------------


class PublishedFilter(admin.SimpleListFilter):
    title = "published"
    parameter_name = "published"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Published"), ("no", "Not published")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Verdict]) -> QuerySet[Verdict]:
        published = selectors.verdict_published_q()
        if self.value() == "yes":
            return queryset.filter(published)
        if self.value() == "no":
            return queryset.exclude(published)
        return queryset


@admin.register(Verdict)
class VerdictAdmin(ScalableAdmin):
    list_display = ("claim", "rating", "reviewer", "is_current", "published_at", "created_at")
    list_filter = ("rating", "is_current", PublishedFilter)
    search_fields = ("claim__text", "explanation")
    list_select_related = ("claim", "reviewer")
    date_hierarchy = "created_at"
    fields = (
        "claim", "reviewer", "rating", "explanation", "evidence_urls", "is_current",
        "superseded_by", "published_at", "created_at", "updated_at", "claim_history",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["publish"]
    audit_field = "verdict"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Verdicts are given on the claim page, where the lease and history rules apply.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # never edited: a new verdict supersedes the current one

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_editor_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EDITOR_PERMISSION)

    @admin.display(description="the claim's history")
    def claim_history(self, obj: Verdict) -> str:
        history = selectors.verdict_claim_history(verdict=obj)
        verdicts = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    formats.localize(timezone.localtime(v.created_at)),
                    v.reviewer,
                    v.get_rating_display(),
                    "current" if v.is_current else "superseded",
                )
                for v in history["verdicts"]
            ),
        )
        events = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    formats.localize(timezone.localtime(e.created_at)),
                    e.actor or "system",
                    e.get_action_display(),
                    e.message,
                )
                for e in history["events"]
            ),
        )
        return format_html(
            "<p>Verdicts</p><table>{}</table><p>Audit trail</p><table>{}</table>",
            verdicts,
            events,
        )

    @admin.action(permissions=["editor"], description="Publish")
    def publish(self, request: HttpRequest, queryset: QuerySet[Verdict]) -> None:
        ids = selectors.queryset_ids(queryset=queryset, limit=MAX_BULK_CLAIMS)[:MAX_BULK_CLAIMS]
        published, refused = 0, 0
        for verdict_id in ids:
            try:
                services.verdict_publish(verdict_id=verdict_id, by=request.user)
                published += 1
            except ValidationError:
                refused += 1  # superseded: only the current verdict is published
        self.message_user(request, f"{published} verdict(s) published.")
        if refused:
            self.message_user(
                request, f"{refused} superseded verdict(s) left unpublished.", messages.WARNING
            )


# --- The audit trail --------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(ScalableAdmin):
    list_display = ("created_at", "actor", "action", "article", "claim", "message")
    list_filter = ("action", "actor")
    list_select_related = ("actor", "article", "claim")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Users ------------------------------------------------------------------------------------

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DeskUserAdmin(UserAdmin):
    """Editors may look reviewers up (to assign claims to them); only superusers manage users."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(EDITOR_PERMISSION)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        users = super().get_queryset(request)
        if request.user.has_perm("auth.view_user"):
            return users
        return users.filter(pk__in=selectors.reviewer_list().values("pk"))


# Token admin lives in its own module; importing it registers it.
from claims import admin_tokens  # noqa: E402, F401
