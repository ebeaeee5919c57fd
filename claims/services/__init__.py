"""Every write to articles, claims, verdicts and tokens goes through here.

Views, API endpoints, admin actions, management commands and Celery tasks all call these functions,
so the rules (duplicates refused, claims replaced atomically, verdicts never overwritten, every
change audited) hold whichever door a change comes in by. One module per domain; callers import
from this package:

- ``audit``: the audit trail.
- ``articles``: storing, editing, deleting and re-splitting articles.
- ``duplicate_links``: other articles' duplicates when an article's claims go away.
- ``fetching``: articles from a URL, fetched by a worker through the one safe fetcher.
- ``feeds``: RSS/Atom feeds, polled with conditional GET, each entry ingested once.
- ``bulk``: JSONL and CSV files of articles, with a result per line.
- ``splitting``: the split task's name, storing the extractor's claims, failures, the sweep.
- ``queue``: leases on claims (next, take, renew, release).
- ``triage``: dismiss, assign, release, duplicates, priority, for one claim or a selection.
- ``verdicts``: verdicts, second review, publishing.
- ``idempotency``: a verdict submitted twice (double click, client retry) is stored once.
- ``tokens``: API tokens.
- ``events``: the webhook outbox (events recorded with each change); ``webhooks``: endpoints
  and deliveries; ``webhook_http``: signing and the one POST.
- ``agreement``: the blind double-review sample; ``blind_review``: a blind second review.
- ``rollups``: the stats page's counts, recounted by a periodic task.
- ``matching``: the matching archive, imported fact-checks, matches, reusing a verdict.
"""

from claims.models import OPEN_STATUSES
from claims.services.agreement import article_blind_review_set, claim_blind_review_due
from claims.services.articles import (
    ARTICLE_EDITABLE_FIELDS,
    ArticleTooLarge,
    DuplicateArticle,
    article_check_new,
    article_create,
    article_delete,
    article_resplit,
    article_update,
)
from claims.services.audit import audit_record, audit_record_claim
from claims.services.blind_review import verdict_review_blind
from claims.services.bulk import BulkSummary, LineResult, articles_ingest_drafts
from claims.services.duplicate_links import claim_duplicates_relink
from claims.services.feeds import (
    FEEDS_POLL_TASK_NAME,
    FeedPollResult,
    feed_create,
    feed_poll,
    feed_poll_soon,
    feeds_poll_due,
)
from claims.services.fetching import (
    FETCH_TASK_NAME,
    FetchOutcome,
    article_check_new_url,
    article_create_from_url,
    article_enqueue_fetch,
    article_fetch,
    article_ingest,
    articles_fetch_resend,
    url_clean,
)
from claims.services.housekeeping import (
    HOUSEKEEPING_TASK_NAME,
    PruneResult,
    expired_rows_prune,
)
from claims.services.idempotency import (
    IdempotencyKeyReused,
    idempotency_key_clean,
    verdict_set_once,
)
from claims.services.match_queue import MATCH_TASK_NAME, article_enqueue_match
from claims.services.matching import (
    BackfillSummary,
    ImportSummary,
    archive_reembed,
    article_match_claims,
    claim_store_matches,
    claims_backfill_matches,
    factchecks_import,
    verdict_reuse,
)
from claims.services.queue import (
    ClaimHeldByOther,
    claim_lease_next,
    claim_lease_renew,
    claim_lease_take,
    claim_release,
)
from claims.services.rollups import (
    STATS_ROLLUP_TASK_NAME,
    stats_rollup_refresh,
)
from claims.services.splitting import (
    SPLIT_TASK_NAME,
    SWEEP_TASK_NAME,
    CandidateLike,
    ExtractionRefused,
    Extractor,
    SplitOutcome,
    SweepResult,
    article_enqueue_split,
    article_extract_claims,
    article_mark_failed,
    articles_sweep,
)
from claims.services.tokens import (
    API_KEY_PREFIX,
    API_TOKEN_TOUCH_SECONDS,
    api_key_hash,
    api_token_authenticate,
    api_token_create,
    api_token_refuse_unless_allowed,
    api_token_revoke,
)
from claims.services.triage import (
    MAX_BULK_CLAIMS,
    MAX_PRIORITY,
    claim_assign,
    claim_dismiss,
    claim_update,
    claims_assign,
    claims_dismiss,
    claims_mark_duplicate,
    claims_release_leases,
    claims_set_priority,
)
from claims.services.verdicts import (
    MAX_EVIDENCE_URLS,
    MAX_EXPLANATION_CHARS,
    evidence_urls_clean,
    verdict_publish,
    verdict_review,
    verdict_set,
    verdict_settle,
)
from claims.services.webhook_http import webhook_body, webhook_signature, webhook_signature_verify
from claims.services.webhooks import (
    WEBHOOK_SWEEP_TASK_NAME,
    WEBHOOK_TASK_NAME,
    DeliveryOutcome,
    webhook_deliveries_sweep,
    webhook_delivery_attempt,
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_resume,
    webhook_endpoint_update,
    webhook_url_clean,
)

__all__ = [
    "API_KEY_PREFIX",
    "API_TOKEN_TOUCH_SECONDS",
    "ARTICLE_EDITABLE_FIELDS",
    "FEEDS_POLL_TASK_NAME",
    "HOUSEKEEPING_TASK_NAME",
    "FETCH_TASK_NAME",
    "MATCH_TASK_NAME",
    "MAX_BULK_CLAIMS",
    "MAX_EVIDENCE_URLS",
    "MAX_EXPLANATION_CHARS",
    "MAX_PRIORITY",
    "OPEN_STATUSES",
    "SPLIT_TASK_NAME",
    "STATS_ROLLUP_TASK_NAME",
    "SWEEP_TASK_NAME",
    "WEBHOOK_SWEEP_TASK_NAME",
    "WEBHOOK_TASK_NAME",
    "ArticleTooLarge",
    "BulkSummary",
    "CandidateLike",
    "ClaimHeldByOther",
    "DeliveryOutcome",
    "DuplicateArticle",
    "ExtractionRefused",
    "Extractor",
    "FeedPollResult",
    "FetchOutcome",
    "IdempotencyKeyReused",
    "BackfillSummary",
    "ImportSummary",
    "LineResult",
    "PruneResult",
    "SplitOutcome",
    "SweepResult",
    "api_key_hash",
    "api_token_authenticate",
    "api_token_create",
    "api_token_refuse_unless_allowed",
    "api_token_revoke",
    "article_blind_review_set",
    "article_check_new",
    "article_check_new_url",
    "article_create",
    "article_create_from_url",
    "article_delete",
    "article_enqueue_fetch",
    "article_enqueue_match",
    "article_enqueue_split",
    "article_extract_claims",
    "article_fetch",
    "article_ingest",
    "article_mark_failed",
    "archive_reembed",
    "article_match_claims",
    "claims_backfill_matches",
    "article_resplit",
    "article_update",
    "articles_fetch_resend",
    "articles_ingest_drafts",
    "articles_sweep",
    "audit_record",
    "audit_record_claim",
    "claim_assign",
    "claim_blind_review_due",
    "claim_dismiss",
    "claim_duplicates_relink",
    "claim_lease_next",
    "claim_lease_renew",
    "claim_lease_take",
    "claim_release",
    "claim_store_matches",
    "claim_update",
    "claims_assign",
    "claims_dismiss",
    "claims_mark_duplicate",
    "claims_release_leases",
    "claims_set_priority",
    "evidence_urls_clean",
    "expired_rows_prune",
    "factchecks_import",
    "feed_create",
    "feed_poll",
    "feed_poll_soon",
    "feeds_poll_due",
    "idempotency_key_clean",
    "stats_rollup_refresh",
    "url_clean",
    "verdict_publish",
    "verdict_reuse",
    "verdict_review",
    "verdict_review_blind",
    "verdict_set",
    "verdict_set_once",
    "verdict_settle",
    "webhook_body",
    "webhook_deliveries_sweep",
    "webhook_delivery_attempt",
    "webhook_delivery_resend",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_resume",
    "webhook_endpoint_update",
    "webhook_signature",
    "webhook_signature_verify",
    "webhook_url_clean",
]
