"""Reads that are more than a one-liner. One module per audience; callers import from here:

- ``dashboard``: the reviewers' pages (queue, a claim in context, articles, my work, reviews).
- ``stats``: the stats page, from the rollups.
- ``paging``: bounded counts and id-first pages for the reviewers' lists.
- ``api``: the REST API's filters and the streamed export.
- ``admin``: the admin at scale (cheap counts, ids of a selection, search, CSV).
- ``corrections``: a claim's published ratings over time; ``webhooks``: endpoints, deliveries.
- ``agreement``: agreement between blind double reviews, for the stats page.
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
from claims.selectors.agreement import (
    AgreementReport,
    agreement_report,
    agreement_units,
    claim_blind_review_hidden,
)
from claims.selectors.api import (
    ArticleApiFilters,
    ClaimApiFilters,
    VerdictApiFilters,
    article_api_list,
    claim_api_list,
    verdict_api_list,
    verdict_export_iter,
    verdict_withdrawn_q,
)
from claims.selectors.common import (
    HIDDEN_BY_DEFAULT_KINDS,
    MAX_SEARCH_WORDS,
    SEARCH_WORDS_CAPPED,
    articles_with_claim_count,
)
from claims.selectors.corrections import claim_rating_history
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
    queue_count_cap,
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
from claims.selectors.paging import (
    COUNT_CAP,
    BoundedPage,
    BoundedPaginator,
    InvalidCursor,
    queryset_count_bounded,
)
from claims.selectors.stats import (
    QUEUE_AGE_BUCKETS,
    Bar,
    DashboardStats,
    claim_status_counts_rollup,
    dashboard_stats,
)
from claims.selectors.webhooks import webhook_delivery_list, webhook_endpoint_list

__all__ = [
    "ASSIGNEE_NOBODY",
    "COUNT_CAP",
    "InvalidCursor",
    "COUNT_TIMEOUT_MS",
    "EXACT_COUNT_BELOW",
    "HIDDEN_BY_DEFAULT_KINDS",
    "MAX_SEARCH_WORDS",
    "OPEN_STATUSES",
    "QUEUE_AGE_BUCKETS",
    "SEARCH_MAX_ARTICLES",
    "SEARCH_WORDS_CAPPED",
    "AgreementReport",
    "ArticleApiFilters",
    "Bar",
    "BoundedPage",
    "BoundedPaginator",
    "ClaimApiFilters",
    "DashboardStats",
    "MatchResult",
    "QueueFilters",
    "VerdictApiFilters",
    "agreement_report",
    "agreement_units",
    "api_token_list",
    "archive_match",
    "article_admin_list",
    "article_api_list",
    "article_get",
    "article_list",
    "article_sources",
    "articles_with_claim_count",
    "audit_for_claim",
    "claim_admin_search",
    "claim_api_list",
    "claim_blind_review_hidden",
    "claim_context",
    "claim_export_rows",
    "claim_get",
    "claim_matches",
    "claim_matching_verdicts",
    "claim_neighbours",
    "claim_queue",
    "claim_rating_history",
    "claim_status_counts",
    "claim_status_counts_rollup",
    "claim_verdict_history",
    "claims_held",
    "claims_with_verdict",
    "dashboard_stats",
    "earlier_verdict_exists",
    "match_verdict",
    "queryset_count_bounded",
    "queryset_count_fast",
    "queryset_date_range",
    "queryset_ids",
    "queue_count_cap",
    "reviewer_list",
    "verdict_api_list",
    "verdict_claim_history",
    "verdict_export_iter",
    "verdict_list",
    "verdict_published_q",
    "verdict_withdrawn_q",
    "verdicts_awaiting_review",
    "verdicts_disputed",
    "webhook_delivery_list",
    "webhook_endpoint_list",
]
