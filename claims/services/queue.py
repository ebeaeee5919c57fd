"""The queue's leases: a reviewer takes the next claim (or a chosen one), keeps it while the page
is open, and gives it back. Also the one step every service uses to take a claim off someone."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import OPEN_STATUSES, AuditEvent, Claim, Verdict
from claims.services.audit import audit_record_claim

# What a change of holder writes. bulk_update() skips auto_now, so the steps below set updated_at
# themselves: the API's incremental sync (updated_since) must see bulk changes too.
LEASE_FIELDS = ["assignee", "lease_expires_at", "status", "updated_at"]


class ClaimHeldByOther(ValidationError):
    def __init__(self, claim: Claim) -> None:
        if claim.lease_expires_at is None:
            message = f"Claim #{claim.pk} is assigned to {claim.assignee} by an editor."
        else:
            message = (
                f"Claim #{claim.pk} is being reviewed by {claim.assignee} until "
                f"{claim.lease_expires_at:%H:%M:%S} UTC."
            )
        super().__init__(message, code="held")


def claim_refuse_if_held_by_other(claim: Claim, *, user: Any, now: datetime | None = None) -> None:
    """Raise ``ClaimHeldByOther`` when someone else holds the claim (a live lease or an editor's
    assignment). The one check behind verdict, dismiss and take; skip and release only ever
    touch a claim the user holds."""
    if claim.held_by_other(user, now=now):
        raise ClaimHeldByOther(claim)


def claim_state(claim: Claim) -> str:
    """How a refusal names the claim's state: "already has a verdict", "is dismissed"..."""
    if claim.status == Claim.Status.VERDICT:
        return "already has a verdict"
    return f"is {claim.get_status_display().lower()}"


def claim_refuse_unless_open(claim: Claim, *, doing: str) -> None:
    """Raise ``ValidationError`` unless the claim is open (new, or in review)."""
    if not claim.is_open:
        raise ValidationError(
            f"Claim #{claim.pk} {claim_state(claim)}: only open claims can be {doing}.",
            code="closed",
        )


def lease_clear_and_audit(
    claim: Claim,
    *,
    actor: Any,
    action: str,
    message: str,
    status: str | None = None,
    verdict: Verdict | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Take ``claim`` off whoever holds it (lease or assignment) and audit why. ``status`` is its
    new status; by default a claim in review goes back to the queue as new.

    Writes the audit row only: the caller saves ``LEASE_FIELDS``, with save() for one claim or
    bulk_update() for many."""
    claim.assignee = None
    claim.lease_expires_at = None
    if status is not None:
        claim.status = status
    elif claim.status == Claim.Status.IN_REVIEW:
        claim.status = Claim.Status.NEW
    claim.updated_at = timezone.now()
    audit_record_claim(
        claim, action=action, actor=actor, message=message, verdict=verdict, data=data
    )


def _lease_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.FACTCHECK_LEASE_SECONDS)


def _lease_to(claim: Claim, reviewer: Any, *, now: datetime) -> None:
    claim.assignee = reviewer
    claim.lease_expires_at = _lease_expiry(now)
    claim.status = Claim.Status.IN_REVIEW
    claim.save(update_fields=LEASE_FIELDS)


@transaction.atomic
def claim_lease_next(
    *, reviewer: Any, exclude_ids: Sequence[int] = (), now: datetime | None = None
) -> Claim | None:
    """Lease the best open claim nobody else holds to ``reviewer``; None when the queue is empty.

    Not idempotent by design: a reviewer who already holds a live lease gets that claim back
    (renewed) rather than a second one. Two reviewers asking at once never get the same claim:
    on PostgreSQL the candidate row is locked with SKIP LOCKED, so the other request takes the next
    one; SQLite serialises writers with BEGIN IMMEDIATE."""
    now = now or timezone.now()
    held = (
        Claim.objects.select_for_update(of=("self",))
        .filter(assignee=reviewer, status=Claim.Status.IN_REVIEW, lease_expires_at__gt=now)
        .exclude(pk__in=exclude_ids)
        .order_by("lease_expires_at")
        .first()
    )
    if held is not None:
        held.lease_expires_at = _lease_expiry(now)
        held.save(update_fields=["lease_expires_at", "updated_at"])
        return held
    free = (
        Q(assignee__isnull=True)
        | Q(assignee=reviewer)
        # A lease that ran out returns the claim to the queue; a durable assignment
        # (an editor's, without expiry) keeps it for its assignee.
        | Q(lease_expires_at__lte=now)
    )
    claim = (
        Claim.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(free, status__in=OPEN_STATUSES)
        .exclude(kind=Claim.Kind.NOT_CHECKABLE)
        .exclude(pk__in=exclude_ids)
        .order_by("-priority", "-score", "id")
        .first()
    )
    if claim is None:
        return None
    _lease_to(claim, reviewer, now=now)
    audit_record_claim(
        claim,
        action=AuditEvent.Action.ASSIGN,
        actor=reviewer,
        message=f"Leased to {reviewer} until {claim.lease_expires_at:%H:%M:%S} UTC",
        data={"lease": True},
    )
    return claim


def claim_lease_renew(*, claim_id: int, reviewer: Any) -> datetime | None:
    """Extend the reviewer's lease on a claim. Idempotent. None when the reviewer no longer holds
    it (it expired and someone else took it, or it was released)."""
    now = timezone.now()
    expiry = _lease_expiry(now)
    renewed = Claim.objects.filter(
        pk=claim_id, assignee=reviewer, status=Claim.Status.IN_REVIEW
    ).update(lease_expires_at=expiry, updated_at=now)
    return expiry if renewed else None


@transaction.atomic
def claim_lease_take(*, claim_id: int, reviewer: Any, now: datetime | None = None) -> Claim:
    """Lease one chosen open claim to ``reviewer`` (picked from the queue rather than "next").

    Idempotent: taking a claim you already hold renews the lease. Refused while another reviewer
    holds a live lease on it or an editor has assigned it to someone else."""
    now = now or timezone.now()
    claim = (
        Claim.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=claim_id)
    )
    claim_refuse_unless_open(claim, doing="taken")
    claim_refuse_if_held_by_other(claim, user=reviewer, now=now)
    renewing = claim.assignee_id == reviewer.pk and claim.status == Claim.Status.IN_REVIEW
    _lease_to(claim, reviewer, now=now)
    if not renewing:
        audit_record_claim(
            claim,
            action=AuditEvent.Action.ASSIGN,
            actor=reviewer,
            message=f"Taken by {reviewer} until {claim.lease_expires_at:%H:%M:%S} UTC",
            data={"lease": True},
        )
    return claim


@transaction.atomic
def claim_release(*, claim_id: int, user: Any, skipped: bool = False) -> bool:
    """Give a claim ``user`` holds back to the queue. Idempotent: releasing a claim you do not
    hold does nothing and returns False.

    Only the holder releases through here; editors use ``claims_release_leases``."""
    claim = Claim.objects.select_for_update().filter(pk=claim_id, assignee=user).first()
    if claim is None:
        return False
    lease_clear_and_audit(
        claim,
        actor=user,
        action=AuditEvent.Action.SKIP if skipped else AuditEvent.Action.RELEASE,
        message="Skipped" if skipped else "Released",
    )
    claim.save(update_fields=LEASE_FIELDS)
    return True
