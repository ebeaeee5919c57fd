"""Triage: dismissing, assigning, releasing, marking duplicates and setting priority.

Each rule is written once. A door that changes one claim (the dashboard, an admin edit) and a door
that changes a selection (the admin's actions) call the same step, so they cannot drift apart:
a judged claim keeps its verdict whichever door a dismissal comes in by."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims.models import OPEN_STATUSES, AuditEvent, Claim
from claims.services.audit import audit_record_claim
from claims.services.queue import (
    LEASE_FIELDS,
    claim_refuse_if_held_by_other,
    claim_refuse_unless_open,
    claim_state,
    lease_clear_and_audit,
)

MAX_PRIORITY = 100
# One action changes at most this many claims (each is locked, changed and audited in one
# transaction); a larger selection is refused as a whole.
MAX_BULK_CLAIMS = 5000
# Claims nobody has judged yet: they may still be dismissed or marked as duplicates.
UNJUDGED_STATUSES = (*OPEN_STATUSES, Claim.Status.DUPLICATE)


def _bulk_ids(claim_ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(claim_ids))
    if len(ids) > MAX_BULK_CLAIMS:
        raise ValidationError(
            f"More than {MAX_BULK_CLAIMS:,} claims selected; narrow the selection with filters "
            "first. Nothing was changed.",
            code="too_many",
        )
    return ids


def _locked(claim_ids: Iterable[int], *, statuses: Iterable[str] | None = None) -> list[Claim]:
    claims = Claim.objects.select_for_update(of=("self",)).filter(pk__in=_bulk_ids(claim_ids))
    if statuses is not None:
        claims = claims.filter(status__in=list(statuses))
    return list(claims.select_related("assignee"))


# --- Dismiss ----------------------------------------------------------------------------------


def _dismiss(claims: list[Claim], *, by: Any, reason: str) -> None:
    for claim in claims:
        lease_clear_and_audit(
            claim,
            status=Claim.Status.DISMISSED,
            actor=by,
            action=AuditEvent.Action.DISMISS,
            message=reason.strip() or "Dismissed as not checkable",
        )
    Claim.objects.bulk_update(claims, LEASE_FIELDS)


@transaction.atomic
def claim_dismiss(*, claim_id: int, user: Any, reason: str = "") -> Claim:
    """Dismiss one claim as not checkable. Idempotent: dismissing twice records it once.

    Refused while another reviewer holds it, and for a claim that already has a verdict."""
    claim = (
        Claim.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=claim_id)
    )
    if claim.status == Claim.Status.DISMISSED:
        return claim
    claim_refuse_if_held_by_other(claim, user=user)
    if claim.status not in UNJUDGED_STATUSES:
        raise ValidationError(
            f"Claim #{claim.pk} {claim_state(claim)}: only open or duplicate claims can be "
            "dismissed.",
            code="judged",
        )
    _dismiss([claim], by=user, reason=reason)
    return claim


@transaction.atomic
def claims_dismiss(*, claim_ids: Iterable[int], by: Any, reason: str = "") -> int:
    """Dismiss open or duplicate claims as not checkable, whoever holds them. Idempotent.

    Returns how many changed; judged and already dismissed claims are left alone."""
    claims = _locked(claim_ids, statuses=UNJUDGED_STATUSES)
    _dismiss(claims, by=by, reason=reason)
    return len(claims)


# --- Assign and release -----------------------------------------------------------------------


def _assign(claims: list[Claim], *, assignee: Any, by: Any) -> int:
    changed = [
        c for c in claims if not (c.assignee_id == assignee.pk and c.lease_expires_at is None)
    ]
    now = timezone.now()
    for claim in changed:
        previous = claim.assignee_id
        claim.assignee = assignee
        claim.lease_expires_at = None
        claim.status = Claim.Status.NEW
        claim.updated_at = now
        audit_record_claim(
            claim,
            action=AuditEvent.Action.ASSIGN,
            actor=by,
            message=f"Assigned to {assignee}",
            data={"assignee": assignee.pk, "previous": previous},
        )
    Claim.objects.bulk_update(changed, LEASE_FIELDS)
    return len(changed)


@transaction.atomic
def claim_assign(*, claim_id: int, assignee: Any, by: Any) -> bool:
    """Assign one open claim to a reviewer until they give a verdict or it is changed.
    Idempotent: False when it is already assigned to them. Refused for a closed claim."""
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    claim_refuse_unless_open(claim, doing="assigned")
    return _assign([claim], assignee=assignee, by=by) == 1


@transaction.atomic
def claims_assign(*, claim_ids: Iterable[int], assignee: Any, by: Any) -> int:
    """Assign open claims to a reviewer until they give a verdict or it is changed. Idempotent.

    Returns how many claims changed hands; claims already judged or dismissed are left alone."""
    return _assign(_locked(claim_ids, statuses=OPEN_STATUSES), assignee=assignee, by=by)


@transaction.atomic
def claims_release_leases(*, claim_ids: Iterable[int], by: Any) -> int:
    """Return claims to the queue whoever holds them (an editor's action). Idempotent."""
    claims = [c for c in _locked(claim_ids) if c.assignee_id is not None]
    for claim in claims:
        lease_clear_and_audit(
            claim,
            actor=by,
            action=AuditEvent.Action.RELEASE,
            message=f"Released from {claim.assignee}",
        )
    Claim.objects.bulk_update(claims, LEASE_FIELDS)
    return len(claims)


# --- Duplicates and priority ------------------------------------------------------------------


@transaction.atomic
def claims_mark_duplicate(*, claim_ids: Iterable[int], original_id: int, by: Any) -> int:
    """Mark claims as restating ``original_id``. Idempotent. Judged claims are left alone."""
    original = Claim.objects.select_for_update().get(pk=original_id)
    # Point at the first statement, never at another duplicate.
    target = original.duplicate_of_id or original.pk
    ids = [i for i in _bulk_ids(claim_ids) if i not in (original.pk, target)]
    if not ids:
        raise ValidationError("A claim cannot be a duplicate of itself.", code="self")
    claims = _locked(ids, statuses=UNJUDGED_STATUSES)
    for claim in claims:
        claim.duplicate_of_id = target
        lease_clear_and_audit(
            claim,
            status=Claim.Status.DUPLICATE,
            actor=by,
            action=AuditEvent.Action.DUPLICATE,
            message=f"Marked duplicate of claim #{target}",
            data={"duplicate_of": target},
        )
    Claim.objects.bulk_update(claims, ["duplicate_of", *LEASE_FIELDS])
    return len(claims)


@transaction.atomic
def claims_set_priority(*, claim_ids: Iterable[int], delta: int, by: Any) -> int:
    """Raise (delta > 0) or lower a claim's place in the queue, within ±100. Not idempotent."""
    claims = _locked(claim_ids)
    now = timezone.now()
    for claim in claims:
        before = claim.priority
        claim.priority = max(-MAX_PRIORITY, min(MAX_PRIORITY, claim.priority + delta))
        claim.updated_at = now
        audit_record_claim(
            claim,
            action=AuditEvent.Action.PRIORITY,
            actor=by,
            message=f"Priority {before} → {claim.priority}",
            data={"before": before, "after": claim.priority},
        )
    Claim.objects.bulk_update(claims, ["priority", "updated_at"])
    return len(claims)


@transaction.atomic
def claim_update(*, claim_id: int, by: Any, assignee: Any, priority: int) -> Claim:
    """Apply an editor's edit of a claim's assignee and priority through the triage steps, so
    each change is audited. Idempotent: unchanged values write nothing."""
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    if priority != claim.priority:
        claims_set_priority(claim_ids=[claim.pk], delta=priority - claim.priority, by=by)
    if getattr(assignee, "pk", None) != claim.assignee_id:
        if assignee is None:
            claims_release_leases(claim_ids=[claim.pk], by=by)
        else:
            claim_assign(claim_id=claim.pk, assignee=assignee, by=by)
    claim.refresh_from_db()
    return claim
