from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from claims import selectors, services
from claims.models import Claim, ClaimCount, Rating, Verdict, VerdictDayCount
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def _per_rating(current: bool = True) -> dict[str, int]:
    rows = VerdictDayCount.objects.filter(is_current=current)
    return {r.rating: r.n for r in rows}


def test_the_rollup_counts_claims_per_status_and_kind():
    ClaimFactory.create_batch(2, kind=Claim.Kind.QUANTITY)
    ClaimFactory(kind=Claim.Kind.NOT_CHECKABLE, status=Claim.Status.DISMISSED)

    services.stats_rollup_refresh()

    counts = {(c.status, c.kind): c.n for c in ClaimCount.objects.all()}
    assert counts == {("new", "quantity"): 2, ("dismissed", "not_checkable"): 1}


def test_a_second_run_counts_verdicts_given_since_the_first_once():
    alice = ReviewerFactory()
    VerdictFactory(reviewer=alice, rating=Rating.FALSE)
    services.stats_rollup_refresh()
    VerdictFactory(reviewer=alice, rating=Rating.FALSE)

    services.stats_rollup_refresh()
    services.stats_rollup_refresh()

    assert _per_rating() == {"false": 2}


def test_a_verdict_superseded_on_a_later_day_moves_to_not_current_on_its_own_day():
    old = VerdictFactory(rating=Rating.TRUE)
    Verdict.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    services.stats_rollup_refresh()
    assert _per_rating() == {"true": 1}

    old.is_current = False
    old.save(update_fields=["is_current", "updated_at"])
    services.stats_rollup_refresh()

    assert _per_rating() == {} and _per_rating(current=False) == {"true": 1}
    assert VerdictDayCount.objects.get().day == (timezone.localdate() - timedelta(days=30))


def test_a_full_rebuild_recounts_every_day_after_rows_were_changed_behind_its_back():
    VerdictFactory(rating=Rating.MIXED)
    services.stats_rollup_refresh()
    VerdictDayCount.objects.update(n=99)  # drift, e.g. a restore from backup

    services.stats_rollup_refresh(full=True)

    assert _per_rating() == {"mixed": 1}


def test_the_queue_status_tabs_read_the_rollup_once_it_ran():
    ClaimFactory.create_batch(3)
    services.stats_rollup_refresh()
    ClaimFactory()  # counted by the next run, not by the page

    counts = selectors.claim_status_counts(filters=selectors.QueueFilters())

    assert counts["new"] == 3


def test_the_stats_rollup_command_recounts_and_says_how_many_claims_are_open():
    ClaimFactory.create_batch(2)
    out = StringIO()
    call_command("stats_rollup", "--full", stdout=out)
    assert "2 open claims" in out.getvalue()
    assert selectors.dashboard_stats() is not None


def test_the_stats_page_counts_once_itself_before_the_first_rollup(client):
    ClaimFactory()
    client.force_login(EditorFactory())
    response = client.get("/stats/")
    assert response.status_code == 200 and response.context["stats"].open_claims == 1
