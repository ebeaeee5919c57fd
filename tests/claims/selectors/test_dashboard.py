import pytest

from claims import selectors
from claims.models import Claim
from tests.factories import ClaimFactory, PublishedVerdictFactory, ReviewerFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def test_status_counts_cover_every_claim_or_the_queues_other_filters():
    ClaimFactory.create_batch(2)
    ClaimFactory(status=Claim.Status.DISMISSED, kind=Claim.Kind.NOT_CHECKABLE)
    ClaimFactory(status=Claim.Status.DISMISSED, score=0.1)

    every = selectors.claim_status_counts()
    assert every == {"new": 2, "in_review": 0, "verdict": 0, "dismissed": 2, "duplicate": 0}
    # The queue hides not-checkable claims unless asked, whatever their status.
    queue = selectors.claim_status_counts(filters=selectors.QueueFilters(score_max=0.5))
    assert queue == {"new": 0, "in_review": 0, "verdict": 0, "dismissed": 1, "duplicate": 0}


def test_awaiting_review_and_disputed_leave_published_and_superseded_verdicts_out():
    me = ReviewerFactory()
    waiting = VerdictFactory()
    newer = PublishedVerdictFactory()
    VerdictFactory(claim=newer.claim, is_current=False, superseded_by=newer)
    disputed = VerdictFactory()
    disputed.reviews.create(reviewer=ReviewerFactory(), agrees=False, rating="true", note="No.")

    assert list(selectors.verdicts_awaiting_review(user=me)) == [waiting]
    assert list(selectors.verdicts_disputed()) == [disputed]
