"""Page numbers over big querysets for the reviewers' pages: a count that stops at a cap
("10,000+") instead of an exact COUNT(*) over a million rows on every load, and pages read as
ids first (an index-only scan when an index matches the ordering) and then only those rows."""

from typing import Any, cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Counts stop here: past it a page shows "10,000+" and the number of pages is not known.
COUNT_CAP = 10_000


def queryset_count_bounded(*, queryset: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """The number of rows, exact up to ``cap``; ``cap + 1`` means "more than cap"."""
    # A sliced count is SELECT COUNT(*) FROM (SELECT ... LIMIT cap + 1): it stops reading there.
    return int(queryset.order_by()[: cap + 1].count())


class BoundedPage(Page):
    """A page that knows whether another follows without knowing how many there are."""

    def __init__(self, object_list: Any, number: int, paginator: Any, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class BoundedPaginator(Paginator):
    """Django's Paginator with a bounded count and id-first page reads.

    Past the cap any page number may be asked for (a page past the end is empty); below it,
    pages behave exactly as Django's."""

    cap = COUNT_CAP

    @property
    def queryset(self) -> QuerySet[Any]:
        return cast(QuerySet[Any], self.object_list)

    @cached_property
    def count(self) -> int:
        return queryset_count_bounded(queryset=self.queryset, cap=self.cap)

    @property
    def count_capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        """ "1,234", or "10,000+" past the cap."""
        return f"{self.cap:,}+" if self.count_capped else f"{self.count:,}"

    def validate_number(self, number: Any) -> int:
        if not self.count_capped:
            return int(super().validate_number(number))
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if value < 1:
            raise EmptyPage("That page number is less than 1")
        return value

    def page(self, number: Any) -> BoundedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # The ids of this page and one more row: whether a next page exists, without a count.
        ids = list(self.queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
        more = len(ids) > self.per_page
        ids = ids[: self.per_page]
        rows = self.queryset.order_by().in_bulk(ids) if ids else {}
        return BoundedPage([rows[i] for i in ids], number, self, more=more)

    def get_page(self, number: Any) -> BoundedPage:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(1 if self.count_capped else self.num_pages)
