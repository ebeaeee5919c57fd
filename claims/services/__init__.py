"""Every write to articles, claims, verdicts and tokens goes through here.

Views, API endpoints, admin actions, management commands and Celery tasks all call these functions,
so the rules (duplicates refused, claims replaced atomically, verdicts never overwritten, every
change audited) hold whichever door a change comes in by. One module per domain; callers import
from this package:

- ``audit``: the audit trail.
- ``articles``: storing, editing, deleting and re-splitting articles.
- ``splitting``: the split task's name, storing the extractor's claims, failures, the sweep.
- ``queue``: leases on claims (next, take, renew, release).
- ``triage``: dismiss, assign, release, duplicates, priority, for one claim or a selection.
- ``verdicts``: verdicts, second review, publishing.
- ``tokens``: API tokens.
- ``matching``: the matching archive, imported fact-checks, matches, reusing a verdict.
"""

from claims.models import OPEN_STATUSES
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
from claims.services.matching import (
    MATCH_TASK_NAME,
    ImportSummary,
    article_enqueue_match,
    article_match_claims,
    claim_store_matches,
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
    evidence_urls_clean,
    verdict_publish,
    verdict_review,
    verdict_set,
    verdict_settle,
)

__all__ = [
    "MATCH_TASK_NAME",
    "ImportSummary",
    "article_enqueue_match",
    "article_match_claims",
    "claim_store_matches",
    "factchecks_import",
    "verdict_reuse",
    "API_KEY_PREFIX",
    "API_TOKEN_TOUCH_SECONDS",
    "ARTICLE_EDITABLE_FIELDS",
    "MAX_BULK_CLAIMS",
    "MAX_EVIDENCE_URLS",
    "MAX_PRIORITY",
    "OPEN_STATUSES",
    "SPLIT_TASK_NAME",
    "SWEEP_TASK_NAME",
    "ArticleTooLarge",
    "CandidateLike",
    "ClaimHeldByOther",
    "DuplicateArticle",
    "ExtractionRefused",
    "Extractor",
    "SplitOutcome",
    "SweepResult",
    "api_key_hash",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "article_check_new",
    "article_create",
    "article_delete",
    "article_enqueue_split",
    "article_extract_claims",
    "article_mark_failed",
    "article_resplit",
    "article_update",
    "articles_sweep",
    "audit_record",
    "audit_record_claim",
    "claim_assign",
    "claim_dismiss",
    "claim_lease_next",
    "claim_lease_renew",
    "claim_lease_take",
    "claim_release",
    "claim_update",
    "claims_assign",
    "claims_dismiss",
    "claims_mark_duplicate",
    "claims_release_leases",
    "claims_set_priority",
    "evidence_urls_clean",
    "verdict_publish",
    "verdict_review",
    "verdict_set",
    "verdict_settle",
]
