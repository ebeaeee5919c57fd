"""The audit trail: every service that changes something appends who did it and when."""

from typing import Any

from claims.models import Article, AuditEvent, Claim, Verdict


def audit_record(
    *,
    action: str,
    actor: Any = None,
    article: Article | None = None,
    claim: Claim | None = None,
    verdict: Verdict | None = None,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Not idempotent: each call is one more row."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        article=article,
        claim=claim,
        verdict=verdict,
        message=message,
        data=data or {},
    )


def audit_record_claim(
    claim: Claim,
    *,
    action: str,
    actor: Any,
    message: str,
    verdict: Verdict | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event about ``claim``, linked to its article without loading it.
    Not idempotent."""
    return audit_record(
        action=action,
        actor=actor,
        article=Article(pk=claim.article_id),
        claim=claim,
        verdict=verdict,
        message=message,
        data=data,
    )
