from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.models import AuditEvent, Claim
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
)

pytestmark = pytest.mark.django_db


def test_next_claim_leases_the_highest_priority_then_most_check_worthy(reviewer):
    ClaimFactory(score=0.9)
    urgent = ClaimFactory(score=0.2, priority=5)
    ClaimFactory(score=0.99, kind=Claim.Kind.NOT_CHECKABLE)
    claim = services.claim_lease_next(reviewer=reviewer)
    assert claim == urgent
    claim.refresh_from_db()
    assert claim.assignee == reviewer and claim.status == Claim.Status.IN_REVIEW
    assert claim.lease_expires_at > timezone.now()
    assert AuditEvent.objects.filter(claim=claim, action="assign", actor=reviewer).exists()


def test_a_reviewer_holding_a_claim_gets_the_same_one_back(reviewer):
    ClaimFactory.create_batch(3)
    first = services.claim_lease_next(reviewer=reviewer)
    assert services.claim_lease_next(reviewer=reviewer) == first
    assert Claim.objects.filter(assignee=reviewer).count() == 1


def test_two_reviewers_get_different_claims_and_expired_leases_return(reviewer):
    a, b = ClaimFactory(score=0.9), ClaimFactory(score=0.8)
    other = ReviewerFactory()
    assert services.claim_lease_next(reviewer=reviewer) == a
    assert services.claim_lease_next(reviewer=other) == b
    third = ReviewerFactory()
    assert services.claim_lease_next(reviewer=third) is None
    later = timezone.now() + timedelta(hours=1)
    assert services.claim_lease_next(reviewer=third, now=later) == a


def test_renewing_and_releasing_work_only_for_the_holder(reviewer):
    claim = ClaimFactory()
    services.claim_lease_next(reviewer=reviewer)
    other = ReviewerFactory()
    assert services.claim_lease_renew(claim_id=claim.pk, reviewer=other) is None
    assert services.claim_lease_renew(claim_id=claim.pk, reviewer=reviewer) is not None
    assert services.claim_release(claim_id=claim.pk, user=other) is False
    assert services.claim_release(claim_id=claim.pk, user=reviewer, skipped=True) is True
    claim.refresh_from_db()
    assert claim.assignee is None and claim.status == Claim.Status.NEW
    assert AuditEvent.objects.filter(claim=claim, action="skip").count() == 1


def test_skipped_claims_can_be_excluded_from_the_next_lease(reviewer):
    first, second = ClaimFactory(score=0.9), ClaimFactory(score=0.5)
    services.claim_lease_next(reviewer=reviewer)
    services.claim_release(claim_id=first.pk, user=reviewer, skipped=True)
    assert services.claim_lease_next(reviewer=reviewer, exclude_ids=[first.pk]) == second


def test_taking_a_chosen_claim_leases_it_and_taking_it_again_only_renews(reviewer):
    claim = ClaimFactory()
    services.claim_lease_take(claim_id=claim.pk, reviewer=reviewer)
    later = timezone.now() + timedelta(minutes=5)
    taken = services.claim_lease_take(claim_id=claim.pk, reviewer=reviewer, now=later)
    assert taken.assignee == reviewer and taken.status == Claim.Status.IN_REVIEW
    assert taken.lease_expires_at > later
    assert AuditEvent.objects.filter(action="assign", claim=claim).count() == 1


def test_taking_is_refused_when_someone_holds_the_claim_or_it_is_closed(reviewer):
    claim = ClaimFactory()
    holder = ReviewerFactory()
    services.claim_lease_take(claim_id=claim.pk, reviewer=holder)
    with pytest.raises(services.ClaimHeldByOther):
        services.claim_lease_take(claim_id=claim.pk, reviewer=reviewer)
    assigned = ClaimFactory()
    services.claims_assign(claim_ids=[assigned.pk], assignee=holder, by=EditorFactory())
    with pytest.raises(ValidationError, match="assigned to"):
        services.claim_lease_take(claim_id=assigned.pk, reviewer=reviewer)
    closed = ClaimFactory(status=Claim.Status.DISMISSED)
    with pytest.raises(ValidationError, match="only open claims"):
        services.claim_lease_take(claim_id=closed.pk, reviewer=reviewer)
    assert Claim.objects.get(pk=claim.pk).assignee == holder
