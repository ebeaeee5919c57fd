from datetime import timedelta

import pytest
from django.utils import timezone

from claims import selectors, services
from claims.models import Claim, Rating
from tests.factories import ClaimFactory, ReviewerFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def _values(bars):
    return {b.label: b.value for b in bars}


def test_stats_count_claims_verdicts_days_reviewers_and_queue_age():
    now = timezone.now()
    alice, bob = ReviewerFactory(username="alice"), ReviewerFactory(username="bob")
    VerdictFactory.create_batch(2, reviewer=alice, rating=Rating.FALSE)
    VerdictFactory(reviewer=bob, rating=Rating.TRUE, is_current=False)
    fresh = ClaimFactory()
    stale = ClaimFactory()
    Claim.objects.filter(pk=stale.pk).update(created_at=now - timedelta(days=3))
    ClaimFactory(kind=Claim.Kind.NOT_CHECKABLE)  # not in the queue, so not in its age

    services.stats_rollup_refresh(now=now)
    stats = selectors.dashboard_stats(now=now, days=7)

    # VerdictFactory leaves its claims' status alone, so they count as new and open.
    assert _values(stats.claims_by_status)["New"] == 6
    assert _values(stats.verdicts_by_rating) == {
        "True": 0, "Mostly true": 0, "Mixed": 0, "Mostly false": 0, "False": 2,
        "Misleading": 0, "Unverifiable": 0,
    }  # fmt: skip
    assert len(stats.verdicts_per_day) == 7
    assert (
        stats.verdicts_per_day[-1].value == 3 and sum(b.value for b in stats.verdicts_per_day) == 3
    )
    assert _values(stats.verdicts_per_reviewer) == {"alice": 2, "bob": 1}
    assert [b.label for b in stats.verdicts_per_reviewer] == ["alice", "bob"]
    ages = _values(stats.queue_age)
    assert ages["1–7 days"] == 1 and ages["older"] == 0
    assert stats.open_claims == 5 and ages["under 1 hour"] == 4
    assert stats.oldest_open == Claim.objects.get(pk=stale.pk).created_at
    assert stats.oldest_open < fresh.created_at


def test_stats_are_none_until_the_first_rollup():
    ClaimFactory()
    assert selectors.dashboard_stats() is None


def test_the_status_counts_are_none_before_the_first_rollup_and_zeros_after_one_of_no_claims():
    assert selectors.claim_status_counts_rollup() is None
    services.stats_rollup_refresh()
    assert selectors.claim_status_counts_rollup() == {s: 0 for s in Claim.Status.values}
    ClaimFactory(kind=Claim.Kind.NOT_CHECKABLE)
    services.stats_rollup_refresh()
    # Its only claims hidden: no rows left, yet the rollup ran.
    hidden = (Claim.Kind.NOT_CHECKABLE,)
    assert selectors.claim_status_counts_rollup(kinds_hidden=hidden) == {
        s: 0 for s in Claim.Status.values
    }
