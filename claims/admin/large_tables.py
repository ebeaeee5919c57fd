"""The admin at a million rows: no exact COUNT of a big table on each page load, a date
drill-down that reads only the first and last date, and "History" that opens the audit trail.
"""

from calendar import monthrange
from datetime import date
from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst, smart_split

from claims import selectors
from claims.text import id_from_text


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


def search_term_capped(request: HttpRequest, term: str) -> str:
    """The first ``MAX_SEARCH_WORDS`` words of an admin search (quoted phrases count as one),
    with a message saying so when there were more: each word is one more condition per row."""
    words = list(smart_split(term))
    if len(words) <= selectors.MAX_SEARCH_WORDS:
        return term
    messages.warning(request, selectors.SEARCH_WORDS_CAPPED)
    return " ".join(words[: selectors.MAX_SEARCH_WORDS])


class ScalableAdmin(admin.ModelAdmin):
    """Shared by every list that may grow to millions of rows."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # The AuditEvent foreign key that points at this model; "History" opens that audit trail.
    audit_field = ""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        return super().get_search_results(
            request, queryset, search_term_capped(request, search_term)
        )

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
            and id_from_text(object_id) is not None
            and request.user.has_perm("claims.view_auditevent")
        ):
            url = reverse("admin:claims_auditevent_changelist")
            return HttpResponseRedirect(f"{url}?{self.audit_field}__id__exact={object_id}")
        return super().history_view(request, object_id, extra_context)
