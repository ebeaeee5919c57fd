from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.models import AuditEvent, Claim, Rating, Verdict
from tests.factories import ClaimFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def test_a_verdict_closes_the_claim_and_is_audited(reviewer):
    claim = ClaimFactory()
    verdict = services.verdict_set(
        claim_id=claim.pk, reviewer=reviewer, rating=Rating.FALSE,
        explanation="The minutes show 3 lines, not 12.",
        evidence_urls=[" https://example.org/minutes ", "https://example.org/minutes"],
    )  # fmt: skip
    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERDICT
    assert verdict.is_current and verdict.published_at is not None
    assert verdict.evidence_urls == ["https://example.org/minutes"]
    assert verdict.claimreview_rating_value == 1
    event = AuditEvent.objects.get(action="verdict")
    assert (event.actor, event.claim, event.verdict) == (reviewer, claim, verdict)


def test_a_new_verdict_supersedes_the_old_one_and_keeps_the_history(reviewer):
    claim = ClaimFactory()
    first = services.verdict_set(
        claim_id=claim.pk, reviewer=reviewer, rating=Rating.TRUE, explanation="Looks right."
    )
    second_reviewer = ReviewerFactory()
    second = services.verdict_set(
        claim_id=claim.pk, reviewer=second_reviewer, rating=Rating.MISLEADING,
        explanation="Right number, wrong year.",
    )  # fmt: skip
    first.refresh_from_db()
    assert not first.is_current and first.superseded_by == second
    assert first.rating == Rating.TRUE and first.explanation == "Looks right."  # never overwritten
    assert second.is_current
    assert list(claim.verdicts.order_by("id")) == [first, second]
    assert Verdict.objects.filter(claim=claim, is_current=True).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rating": "sort_of"}, "not a rating"),
        ({"explanation": "   "}, "explanation is empty"),
        ({"evidence_urls": ["javascript:alert(1)"]}, "not a web address"),
        ({"evidence_urls": ["ftp://example.org/file"]}, "not a web address"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(reviewer, kwargs, message):
    claim = ClaimFactory()
    args = {"rating": Rating.TRUE, "explanation": "Fine.", **kwargs}
    with pytest.raises(ValidationError, match=message):
        services.verdict_set(claim_id=claim.pk, reviewer=reviewer, **args)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW
    assert not Verdict.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_verdict_on_a_claim_another_reviewer_holds(reviewer):
    holder = ReviewerFactory()
    claim = ClaimFactory(assignee=holder, lease_expires_at=timezone.now() + timedelta(minutes=5))
    with pytest.raises(services.ClaimHeldByOther, match=holder.username):
        services.verdict_set(
            claim_id=claim.pk, reviewer=reviewer, rating=Rating.TRUE, explanation="x"
        )
    assert not Verdict.objects.exists()
    # The holder can, and an expired lease no longer blocks anyone.
    services.verdict_set(claim_id=claim.pk, reviewer=holder, rating=Rating.TRUE, explanation="x")
    claim.refresh_from_db()
    assert claim.assignee is None and claim.lease_expires_at is None


def test_dismissing_twice_is_recorded_once(reviewer):
    claim = ClaimFactory()
    services.claim_dismiss(claim_id=claim.pk, user=reviewer)
    services.claim_dismiss(claim_id=claim.pk, user=reviewer)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED
    assert AuditEvent.objects.filter(action="dismiss").count() == 1
