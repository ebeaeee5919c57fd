"""Pages over big querysets for the reviewers' pages: a count that stops at a cap ("10,000+")
instead of an exact COUNT(*) over a million rows on every load, pages read as ids first (an
index-only scan when an index matches the ordering) and then only those rows, and keyset
("seek") links between pages.

A deep page asked for by number makes the database read and throw away every row before it. The
pager's links instead carry the sort key of the last (or first) row shown, ``?after=`` (or
``?before=``), and the next page starts right there: an index seek however deep, and claims
added, taken or closed meanwhile never make the rows still to come skip or repeat."""

import base64
import binascii
import json
import operator
from collections.abc import Mapping
from datetime import datetime
from functools import reduce
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property

# Counts stop here: past it a page shows "10,000+" and the number of pages is not known.
COUNT_CAP = 10_000


def queryset_count_bounded(*, queryset: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """The number of rows, exact up to ``cap``; ``cap + 1`` means "more than cap"."""
    # A sliced count is SELECT COUNT(*) FROM (SELECT ... LIMIT cap + 1): it stops reading there.
    return int(queryset.order_by()[: cap + 1].count())


class InvalidCursor(ValueError):
    """An ``after``/``before`` value that this list's pager did not make."""


# (field name, descending) for each key of an ordering.
Ordering = list[tuple[str, bool]]


def queryset_ordering(queryset: QuerySet[Any]) -> Ordering:
    """The keys of the queryset's ordering, which must end on the id so that every row has a
    place of its own."""
    keys = [(str(name).lstrip("-"), str(name).startswith("-")) for name in queryset.query.order_by]
    if not keys or keys[-1][0] not in ("id", "pk"):
        raise ValueError(f"keyset pages need an ordering that ends on the id, not {keys}")
    return keys


def cursor_encode(*, row: Any, ordering: Ordering) -> str:
    """The opaque link value that points at ``row``'s place in ``ordering``."""
    values = [getattr(row, name) for name, _ in ordering]
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(*, cursor: str, queryset: QuerySet[Any], ordering: Ordering) -> list[Any]:
    """The sort key a cursor points at, each value parsed by its model field."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(ordering):
            raise ValueError(cursor)
        meta = queryset.model._meta
        keys = [meta.get_field("id" if name == "pk" else name) for name, _ in ordering]
        parsed = [field.to_python(value) for field, value in zip(keys, values, strict=True)]
        if any(value is None for value in parsed):
            raise ValueError(cursor)
        return parsed
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, ValidationError):
        raise InvalidCursor("That page link is not one this list made.") from None


def queryset_seek_ids(
    *, queryset: QuerySet[Any], ordering: Ordering, after: list[Any], limit: int
) -> list[Any]:
    """Ids of the first ``limit`` rows that come after the sort key ``after`` in ``ordering``.

    One branch per key: equal to the cursor on the keys before it, strictly past it on this one.
    Each branch is a range scan in an index's own order (also for keys in mixed directions, as
    the queue's "-priority, -score, id", which a row comparison cannot express), limited, and the
    union is sorted again: at most ``limit`` rows per key are read, however deep the page."""
    order_by = [f"-{name}" if desc else name for name, desc in ordering]
    names = [name for name, _ in ordering]
    conditions = [
        Q(
            **{names[j]: after[j] for j in range(i)},
            **{f"{name}__{'lt' if desc else 'gt'}": after[i]},
        )
        for i, (name, desc) in enumerate(ordering)
    ]
    compound = connections[queryset.db].features.supports_slicing_ordering_in_compound
    if len(conditions) == 1 or not compound:
        # One key; or SQLite (development): the branches OR-ed, as small tables allow.
        rows = queryset.filter(reduce(operator.or_, conditions)).order_by(*order_by)
        return list(rows.values_list("pk", flat=True)[:limit])
    branches = [
        queryset.filter(condition).order_by(*order_by).values_list("pk", *names)[:limit]
        for condition in conditions
    ]
    union = branches[0].union(*branches[1:], all=True).order_by(*order_by)
    return [row[0] for row in union[:limit]]


class BoundedPage(Page):
    """A page that knows whether others follow and precede without knowing how many there are,
    and the cursors that link to them."""

    def __init__(
        self, object_list: Any, number: int, paginator: Any, *, more: bool, more_before: bool
    ) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more
        self.more_before = more_before
        self.ordering: Ordering = paginator.ordering

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.more_before

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return max(1, self.number - 1)

    @cached_property
    def next_cursor(self) -> str:
        """``?after=`` for the next page ("" when none follows)."""
        rows = list(self.object_list)
        if not (self.more and rows):
            return ""
        return cursor_encode(row=rows[-1], ordering=self.ordering)

    @cached_property
    def previous_cursor(self) -> str:
        """``?before=`` for the previous page ("" when none precedes)."""
        rows = list(self.object_list)
        if not (self.more_before and rows):
            return ""
        return cursor_encode(row=rows[0], ordering=self.ordering)


class BoundedPaginator(Paginator):
    """Django's Paginator with a bounded count, id-first page reads and keyset links.

    Past the cap any page number may be asked for (a page past the end is empty); below it,
    pages by number behave exactly as Django's. ``page_for`` also reads the links' cursors."""

    cap = COUNT_CAP

    @property
    def queryset(self) -> QuerySet[Any]:
        return cast(QuerySet[Any], self.object_list)

    @cached_property
    def ordering(self) -> Ordering:
        return queryset_ordering(self.queryset)

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

    def _rows(self, ids: list[Any]) -> list[Any]:
        rows = self.queryset.order_by().in_bulk(ids) if ids else {}
        return [rows[i] for i in ids if i in rows]

    def page(self, number: Any) -> BoundedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # The ids of this page and one more row: whether a next page exists, without a count.
        ids = list(self.queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
        more = len(ids) > self.per_page
        rows = self._rows(ids[: self.per_page])
        return BoundedPage(rows, number, self, more=more, more_before=number > 1)

    def get_page(self, number: Any) -> BoundedPage:
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(1 if self.count_capped else self.num_pages)

    def page_for(self, query: Mapping[str, Any]) -> BoundedPage:
        """The page a link asks for: the rows after ``after`` or before ``before`` (a seek),
        else page ``page`` by number. ``page`` only labels a page reached by a cursor.

        Raises ``InvalidCursor`` for a cursor this list did not make. A cursor past which nothing
        is left (everything after it was closed meanwhile) gives the first page."""
        after, before = query.get("after") or "", query.get("before") or ""
        if not (after or before):
            return self.get_page(query.get("page"))
        going_back = not after
        ordering = self.ordering
        values = cursor_decode(cursor=after or before, queryset=self.queryset, ordering=ordering)
        seek = [(name, not desc) for name, desc in ordering] if going_back else ordering
        ids = queryset_seek_ids(
            queryset=self.queryset, ordering=seek, after=values, limit=self.per_page + 1
        )
        more = len(ids) > self.per_page
        ids = ids[: self.per_page]
        if not ids:
            return self.get_page(1)
        try:
            number = max(1, int(query.get("page") or 1))
        except ValueError:
            number = 1
        if going_back:
            ids.reverse()
            if not more:
                number = 1  # back at the start, whatever the link said
            return BoundedPage(self._rows(ids), number, self, more=True, more_before=more)
        return BoundedPage(self._rows(ids), number, self, more=more, more_before=True)
