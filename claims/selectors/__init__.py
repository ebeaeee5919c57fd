"""Reads that are more than a one-liner. One module per audience; callers import from here:

- ``dashboard``: the reviewers' pages (queue, a claim in context, articles, my work, reviews).
- ``stats``: the stats page.
- ``api``: the REST API's filters and the streamed export.
- ``admin``: the admin at scale (cheap counts, ids of a selection, search, CSV).
"""

from claims.models import OPEN_STATUSES, verdict_published_q
from claims.selectors.admin import (
    COUNT_TIMEOUT_MS,
    EXACT_COUNT_BELOW,
    SEARCH_MAX_ARTICLES,
    article_admin_list,
    claim_admin_search,
    claim_export_rows,
    claims_with_verdict,
    queryset_count_fast,
    queryset_date_range,
    queryset_ids,
    verdict_claim_history,
)
from claims.selectors.api import (
    ArticleApiFilters,
    ClaimApiFilters,
    VerdictApiFilters,
    article_api_list,
    claim_api_list,
    verdict_api_list,
    verdict_export_iter,
)
from claims.selectors.common import HIDDEN_BY_DEFAULT_KINDS, articles_with_claim_count
from claims.selectors.dashboard import (
    ASSIGNEE_NOBODY,
    QueueFilters,
    api_token_list,
    article_get,
    article_list,
    article_sources,
    audit_for_claim,
    claim_context,
    claim_get,
    claim_matching_verdicts,
    claim_neighbours,
    claim_queue,
    claim_status_counts,
    claim_verdict_history,
    claims_held,
    reviewer_list,
    verdict_list,
    verdicts_awaiting_review,
    verdicts_disputed,
)
from claims.selectors.matching import (
    MatchResult,
    archive_match,
    claim_matches,
    earlier_verdict_exists,
    match_verdict,
)
from claims.selectors.stats import QUEUE_AGE_BUCKETS, Bar, DashboardStats, dashboard_stats

__all__ = [
    "MatchResult",
    "archive_match",
    "claim_matches",
    "earlier_verdict_exists",
    "match_verdict",
    "ASSIGNEE_NOBODY",
    "COUNT_TIMEOUT_MS",
    "EXACT_COUNT_BELOW",
    "HIDDEN_BY_DEFAULT_KINDS",
    "OPEN_STATUSES",
    "QUEUE_AGE_BUCKETS",
    "SEARCH_MAX_ARTICLES",
    "ArticleApiFilters",
    "Bar",
    "ClaimApiFilters",
    "DashboardStats",
    "QueueFilters",
    "VerdictApiFilters",
    "api_token_list",
    "article_admin_list",
    "article_api_list",
    "article_get",
    "article_list",
    "article_sources",
    "articles_with_claim_count",
    "audit_for_claim",
    "claim_admin_search",
    "claim_api_list",
    "claim_context",
    "claim_export_rows",
    "claim_get",
    "claim_matching_verdicts",
    "claim_neighbours",
    "claim_queue",
    "claim_status_counts",
    "claim_verdict_history",
    "claims_held",
    "claims_with_verdict",
    "dashboard_stats",
    "queryset_count_fast",
    "queryset_date_range",
    "queryset_ids",
    "reviewer_list",
    "verdict_api_list",
    "verdict_claim_history",
    "verdict_export_iter",
    "verdict_list",
    "verdict_published_q",
    "verdicts_awaiting_review",
    "verdicts_disputed",
]
