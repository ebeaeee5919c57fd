from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.models import (
    CLAIMREVIEW_RATING_VALUES,
    AuditEvent,
    Claim,
    Rating,
    Verdict,
    VerdictReview,
)
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory

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
    assert CLAIMREVIEW_RATING_VALUES[verdict.rating] == 1
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


@pytest.fixture
def second_review(settings):
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True


def _verdict(reviewer, rating=Rating.FALSE):
    claim = ClaimFactory()
    return services.verdict_set(
        claim_id=claim.pk, reviewer=reviewer, rating=rating, explanation="Minutes show 3."
    )


def test_without_second_review_a_verdict_is_published_at_once(reviewer):
    assert _verdict(reviewer).published_at is not None


def test_with_second_review_a_verdict_waits_unpublished(second_review, reviewer):
    verdict = _verdict(reviewer)
    assert verdict.published_at is None
    claim = Claim.objects.get(pk=verdict.claim_id)
    assert claim.status == Claim.Status.VERDICT
    assert "awaiting a second review" in AuditEvent.objects.get(action="verdict").message


def test_a_second_reviewer_agreeing_publishes_the_verdict(second_review, reviewer):
    verdict = _verdict(reviewer)
    other = ReviewerFactory()
    review = services.verdict_review(verdict_id=verdict.pk, reviewer=other, agrees=True)
    verdict.refresh_from_db()
    assert review.agrees and review.rating == ""
    assert verdict.published_at is not None
    assert AuditEvent.objects.filter(action="review", actor=other, verdict=verdict).exists()
    assert AuditEvent.objects.filter(action="publish", verdict=verdict).count() == 1


def test_a_disagreement_leaves_it_unpublished_and_a_later_agreement_does_not_publish(
    second_review, reviewer
):
    verdict = _verdict(reviewer)
    services.verdict_review(
        verdict_id=verdict.pk, reviewer=ReviewerFactory(), agrees=False,
        rating=Rating.MOSTLY_FALSE, note="The minutes are a draft.",
    )  # fmt: skip
    services.verdict_review(verdict_id=verdict.pk, reviewer=ReviewerFactory(), agrees=True)
    verdict.refresh_from_db()
    assert verdict.published_at is None
    assert not AuditEvent.objects.filter(action="publish").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agrees": False, "rating": "", "note": "Why not"}, "which rating"),
        ({"agrees": False, "rating": Rating.FALSE, "note": "Same"}, "same rating"),
        ({"agrees": False, "rating": Rating.TRUE, "note": "  "}, "note is empty"),
    ],
)
def test_a_disagreement_needs_another_rating_and_a_reason(second_review, reviewer, kwargs, message):
    verdict = _verdict(reviewer)
    with pytest.raises(ValidationError, match=message):
        services.verdict_review(verdict_id=verdict.pk, reviewer=ReviewerFactory(), **kwargs)
    assert not VerdictReview.objects.exists()
    assert not AuditEvent.objects.filter(action="review").exists()


def test_nobody_reviews_their_own_verdict_or_reviews_twice(second_review, reviewer):
    verdict = _verdict(reviewer)
    with pytest.raises(ValidationError, match="someone else"):
        services.verdict_review(verdict_id=verdict.pk, reviewer=reviewer, agrees=True)
    other = ReviewerFactory()
    services.verdict_review(
        verdict_id=verdict.pk, reviewer=other, agrees=False, rating=Rating.TRUE, note="No."
    )
    with pytest.raises(ValidationError, match="already reviewed"):
        services.verdict_review(verdict_id=verdict.pk, reviewer=other, agrees=True)
    assert VerdictReview.objects.count() == 1


def test_published_and_superseded_verdicts_cannot_be_reviewed(second_review, reviewer):
    verdict = _verdict(reviewer)
    newer = services.verdict_settle(verdict_id=verdict.pk, by=EditorFactory(), rating=Rating.TRUE)
    with pytest.raises(ValidationError, match="superseded"):
        services.verdict_review(verdict_id=verdict.pk, reviewer=ReviewerFactory(), agrees=True)
    with pytest.raises(ValidationError, match="already published"):
        services.verdict_review(verdict_id=newer.pk, reviewer=ReviewerFactory(), agrees=True)


def test_publishing_is_idempotent(second_review, reviewer):
    verdict = _verdict(reviewer)
    editor = EditorFactory()
    first = services.verdict_publish(verdict_id=verdict.pk, by=editor).published_at
    again = services.verdict_publish(verdict_id=verdict.pk, by=editor).published_at
    assert first is not None and first == again
    assert AuditEvent.objects.filter(action="publish").count() == 1


def test_settling_with_the_same_rating_publishes_the_verdict_as_it_stands(second_review, reviewer):
    verdict = _verdict(reviewer)
    settled = services.verdict_settle(verdict_id=verdict.pk, by=EditorFactory(), rating="false")
    assert settled == verdict and settled.published_at is not None
    assert Verdict.objects.count() == 1


def test_settling_with_another_rating_publishes_the_editors_verdict(second_review, reviewer):
    verdict = _verdict(reviewer)
    editor = EditorFactory()
    settled = services.verdict_settle(
        verdict_id=verdict.pk, by=editor, rating=Rating.MOSTLY_FALSE, explanation=""
    )
    verdict.refresh_from_db()
    assert settled.reviewer == editor and settled.rating == Rating.MOSTLY_FALSE
    assert settled.is_current and settled.published_at is not None
    assert settled.explanation == verdict.explanation  # kept when the editor adds none
    assert not verdict.is_current and verdict.superseded_by == settled
    assert verdict.published_at is None
