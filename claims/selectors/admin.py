"""Reads for the admin at scale: counts that do not scan big tables, date ranges from indexes,
selections as ids, search that indexes can serve, and the CSV export."""

import json
from collections.abc import Iterator
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from claims.models import Article, AuditEvent, Claim, Verdict
from claims.selectors.common import MAX_SEARCH_WORDS, articles_with_claim_count
from claims.selectors.dashboard import claim_verdict_history
from claims.text import id_from_text

# Below this many rows an exact COUNT costs little; above it, an unfiltered list shows the
# planner's estimate instead of scanning the table on every page load.
EXACT_COUNT_BELOW = 100_000
# A filtered count that takes longer than this is abandoned for the planner's estimate.
COUNT_TIMEOUT_MS = 150
# An article-title match is searched as a list of article ids (an index lookup on the claims)
# up to this many articles; beyond it, as a join.
SEARCH_MAX_ARTICLES = 1000

# The admin's changelist of articles shows each one's claim count.
article_admin_list = articles_with_claim_count


def queryset_count_fast(*, queryset: QuerySet[Any]) -> int:
    """How many rows: exact when cheap, otherwise PostgreSQL's estimate (for admin paginators)."""
    if connection.vendor != "postgresql":
        return queryset.count()
    if not queryset.query.where:
        # pg_class.reltuples is kept up to date by autovacuum/ANALYZE; -1 means never analysed.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        if row and row[0] >= EXACT_COUNT_BELOW:
            return int(row[0])
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Local to this savepoint's transaction; restored below so later queries run unbounded.
            cursor.execute("SELECT current_setting('statement_timeout')")
            previous = cursor.fetchone()[0]
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{COUNT_TIMEOUT_MS}ms"],
            )
            count = queryset.count()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return count
    except OperationalError:  # the count was cancelled by the timeout
        plan = json.loads(queryset.order_by().explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])


def queryset_date_range(*, queryset: QuerySet[Any], field: str) -> tuple[Any, Any]:
    """The first and last value of a date field: two index probes when the field is indexed.

    ORDER BY ... LIMIT 1 rather than MIN/MAX: with a semi-join in the filter (has a verdict)
    PostgreSQL plans the aggregate as a scan of the whole table."""
    values = queryset.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True)
    return values.order_by(field).first(), values.order_by(f"-{field}").first()


def queryset_ids(*, queryset: QuerySet[Any], limit: int) -> list[int]:
    """Primary keys of a selection, at most ``limit`` + 1 so a caller can tell it was cut."""
    return list(queryset.order_by().values_list("pk", flat=True)[: limit + 1])


def claims_with_verdict(*, queryset: QuerySet[Claim], has: bool) -> QuerySet[Claim]:
    """Claims that have (or have not) any verdict, current or superseded."""
    given = Exists(Verdict.objects.filter(claim=OuterRef("pk")))
    return queryset.filter(given if has else ~given)


def claim_export_rows(*, queryset: QuerySet[Claim]) -> Iterator[tuple[Any, ...]]:
    """The selected claims as CSV rows (header first), streamed in chunks."""
    fields = (
        "id", "article_id", "article__title", "article__source", "position", "text", "sentence",
        "kind", "score", "status", "priority", "assignee__username", "duplicate_of_id",
        "speaker", "created_at",
    )  # fmt: skip
    yield fields
    yield from (
        queryset.order_by("article_id", "position").values_list(*fields).iterator(chunk_size=2000)
    )


def verdict_claim_history(*, verdict: Verdict) -> dict[str, Any]:
    """Every verdict on a verdict's claim and the claim's audit trail, newest first."""
    return {
        "verdicts": list(claim_verdict_history(claim=verdict.claim)),
        "events": list(
            AuditEvent.objects.filter(claim_id=verdict.claim_id).select_related("actor")[:200]
        ),
    }


def claim_admin_search(*, queryset: QuerySet[Claim], term: str) -> QuerySet[Claim]:
    """Claims whose text, sentence or article title contains every word of ``term``.

    "#123" is claim 123. Titles are matched first on the (small) article table, so each word is
    one condition per column of the claims table, which trigram indexes on those columns can
    serve; Django's own search ORs across the join, which always scans every claim."""
    max_articles = SEARCH_MAX_ARTICLES
    term = term.strip()
    claim_id = id_from_text(term[1:]) if term.startswith("#") else None
    if claim_id is not None:
        return queryset.filter(pk=claim_id)
    for word in list(smart_split(term))[:MAX_SEARCH_WORDS]:
        if len(word) > 1 and word[0] in "\"'" and word[-1] == word[0]:
            word = unescape_string_literal(word)  # a quoted phrase, as in Django's search
        if not word:
            continue
        articles = list(
            Article.objects.filter(title__icontains=word).values_list("pk", flat=True)[
                : max_articles + 1
            ]
        )
        by_title = (
            Q(article__title__icontains=word)
            if len(articles) > max_articles
            else Q(article_id__in=articles)
        )
        queryset = queryset.filter(Q(text__icontains=word) | Q(sentence__icontains=word) | by_title)
    return queryset
