"""Reads that are more than a one-liner: the queue, an article with its claims, a claim in context."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from claims.models import Article, AuditEvent, Claim, Verdict

# Hidden from the queue unless asked for: nothing to check, or already judged elsewhere.
HIDDEN_BY_DEFAULT_KINDS = (Claim.Kind.NOT_CHECKABLE,)
OPEN_STATUSES = (Claim.Status.NEW, Claim.Status.IN_REVIEW)


@dataclass(frozen=True)
class ClaimFilters:
    status: str | None = None
    kind: str | None = None
    article_id: int | None = None
    q: str | None = None
    show_hidden: bool = False
    order: str = "score"


def claim_list(*, filters: ClaimFilters) -> QuerySet[Claim]:
    """Claims for the queue, most check-worthy first unless asked otherwise."""
    qs = Claim.objects.select_related("article", "assignee")
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif not filters.show_hidden:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    elif not filters.show_hidden:
        qs = qs.exclude(kind__in=HIDDEN_BY_DEFAULT_KINDS)
    if filters.article_id:
        qs = qs.filter(article_id=filters.article_id)
    if filters.q:
        # icontains escapes LIKE wildcards itself, so "%" and "_" in a search are literal.
        qs = qs.filter(Q(text__icontains=filters.q) | Q(sentence__icontains=filters.q))
    if filters.order == "newest":
        return qs.order_by("-created_at", "-id")
    return qs.order_by("-score", "id")


def claim_status_counts() -> dict[str, int]:
    rows = Claim.objects.values("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in Claim.Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def claim_get(*, claim_id: int) -> Claim:
    """One claim with its article, verdict history (newest first) and duplicates."""
    return (
        Claim.objects.select_related("article", "assignee", "duplicate_of")
        .prefetch_related(
            Prefetch("verdicts", queryset=Verdict.objects.select_related("reviewer")),
            "duplicates",
        )
        .get(pk=claim_id)
    )


def claim_context(*, claim: Claim) -> dict[str, Any]:
    """The paragraph around a claim's evidence, cut in three so a template can highlight the span."""
    body = claim.article.body
    para_start = body.rfind("\n", 0, claim.start) + 1
    para_end = body.find("\n", claim.end)
    if para_end == -1:
        para_end = len(body)
    return {
        "before": body[para_start : claim.start],
        "evidence": body[claim.start : claim.end],
        "after": body[claim.end : para_end],
    }


def claim_matching_verdicts(*, claim: Claim) -> QuerySet[Verdict]:
    """Current verdicts on the same claim made elsewhere: suggestions, so it is judged once."""
    same = Q(claim__duplicate_of=claim)
    if claim.fingerprint:
        same |= Q(claim__fingerprint=claim.fingerprint)
    if claim.duplicate_of_id:
        same |= Q(claim_id=claim.duplicate_of_id)
    return (
        Verdict.objects.filter(same, is_current=True)
        .exclude(claim=claim)
        .select_related("claim__article", "reviewer")
        .order_by("-created_at")
    )


def article_list() -> QuerySet[Article]:
    return Article.objects.annotate(claim_count=Count("claims")).order_by("-created_at")


def article_get(*, article_id: int) -> Article:
    return (
        Article.objects.select_related("ingested_by")
        .prefetch_related(Prefetch("claims", queryset=Claim.objects.order_by("position")))
        .get(pk=article_id)
    )


def audit_for_claim(*, claim: Claim) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(claim=claim).select_related("actor")
