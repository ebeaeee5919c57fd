"""Claims: read by the desk, edited (assignee, priority) and triaged in bulk by editors only.

The extractor's output stays read-only; every change goes through a service and is audited.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from claims import selectors, services
from claims.admin.audit import ClaimAuditInline
from claims.admin.bulk import EditorActionsMixin, bulk_run
from claims.admin.claims_filters import (
    ArticleFilter,
    AssigneeFilter,
    HasVerdictFilter,
    ScoreBandFilter,
    SourceFilter,
)
from claims.admin.large_tables import ScalableAdmin, search_term_capped
from claims.api.exports import csv_guarded_lines
from claims.models import Claim

EXTRACTOR_FIELDS = (
    "article", "position", "text", "sentence", "start", "end", "kind", "score", "entities",
    "quantities", "speaker", "speaker_via", "fingerprint",
)  # fmt: skip
PRIORITY_STEP = 10


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


@admin.register(Claim)
class ClaimAdmin(EditorActionsMixin, ScalableAdmin):
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
        term = search_term_capped(request, search_term)
        return selectors.claim_admin_search(queryset=queryset, term=term), False

    # Permissions: reviewers (view + change_claim for their own work on the dashboard) only read
    # claims here; editing and every triage action need the editor permission.

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

    # Actions. Each runs through bulk_run, which refuses too large a selection, and calls one
    # service; the service leaves alone the claims it must not change (already judged, say), and
    # the message says how many.

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
        def run(ids: list[int]) -> TemplateResponse | None:
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

        return bulk_run(self, request, queryset, run)

    @admin.action(permissions=["editor"], description="Mark as duplicate of…")
    def mark_duplicate(
        self, request: HttpRequest, queryset: QuerySet[Claim]
    ) -> TemplateResponse | None:
        def run(ids: list[int]) -> TemplateResponse | None:
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
                    # Within the limit (bulk_run saw to that), so what is refused is the original
                    # picked (the claim itself, say): said on the form, to pick another.
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

        return bulk_run(self, request, queryset, run)

    @admin.action(permissions=["editor"], description="Dismiss as not checkable")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        def run(ids: list[int]) -> None:
            done = services.claims_dismiss(claim_ids=ids, by=request.user)
            self._report(request, done, len(ids), "dismissed", "they are judged or dismissed")

        bulk_run(self, request, queryset, run)

    @admin.action(permissions=["editor"], description="Release leases and assignments")
    def release_leases(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        def run(ids: list[int]) -> None:
            done = services.claims_release_leases(claim_ids=ids, by=request.user)
            self._report(request, done, len(ids), "released", "nobody held them")

        bulk_run(self, request, queryset, run)

    def _shift_priority(self, request: HttpRequest, queryset: QuerySet[Claim], delta: int) -> None:
        def run(ids: list[int]) -> None:
            done = services.claims_set_priority(claim_ids=ids, delta=delta, by=request.user)
            what = "raised" if delta > 0 else "lowered"
            self._report(request, done, len(ids), what, "they no longer exist")

        bulk_run(self, request, queryset, run)

    @admin.action(permissions=["editor"], description=f"Raise priority (+{PRIORITY_STEP})")
    def raise_priority(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._shift_priority(request, queryset, PRIORITY_STEP)

    @admin.action(permissions=["editor"], description=f"Lower priority (−{PRIORITY_STEP})")
    def lower_priority(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        self._shift_priority(request, queryset, -PRIORITY_STEP)

    @admin.action(permissions=["view"], description="Export as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Claim]) -> StreamingHttpResponse:
        # Reads only, so not audited; streamed, so even a large selection never sits in memory;
        # every cell guarded against spreadsheet formulas, as in the API's export.
        rows = csv_guarded_lines(selectors.claim_export_rows(queryset=queryset))
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="claims.csv"'
        return response
