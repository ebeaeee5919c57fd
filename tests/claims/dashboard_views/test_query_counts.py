"""How many queries each request of the reviewer's loop runs (queue, next claim, claim page,
verdict, skip), pinned so they cannot grow back: each costs 0.3-0.6 ms of the web process's CPU
to build. Transaction control (BEGIN, COMMIT, SAVEPOINT) differs between SQLite and PostgreSQL
and is left out of the counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import services
from claims.models import AuditEvent, Claim, Verdict
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith(CONTROL)
    ]


def _request(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response, _statements(captured)


def test_the_queue_page_runs_nine_queries(reviewer_client):
    ClaimFactory.create_batch(3)
    services.stats_rollup_refresh()
    response, sql = _request(lambda: reviewer_client.get(reverse("claims:queue")))
    assert response.status_code == 200
    # Session, user, permissions, outlets, reviewers, the bounded count, the page's ids, its rows,
    # the status tabs from the rollup (no separate probe for the rollup).
    assert len(sql) == 9, sql
    assert not [s for s in sql if "claims_statsrollup" in s], sql


def test_next_claim_runs_four_queries_besides_the_session_and_user(reviewer_client):
    ClaimFactory()
    response, sql = _request(lambda: reviewer_client.post(reverse("claims:claim-next")))
    assert response.status_code == 302
    # Session, user, permissions; a held claim, the next free one, its lease, its audit line.
    assert len(sql) == 7, sql


def test_the_claim_page_of_a_leased_claim_runs_six_queries(reviewer_client, reviewer):
    ClaimFactory(), ClaimFactory()
    claim = services.claim_lease_next(reviewer=reviewer)
    response, sql = _request(lambda: reviewer_client.get(reverse("claims:claim", args=[claim.pk])))
    assert response.status_code == 200 and response.context["held_by_me"]
    # Session, user, permissions, the page's facts, the claim with its article and assignee, and
    # its audit trail (the lease). No verdicts, duplicates, matches or suggestions to read.
    assert len(sql) == 6, sql
    assert not [s for s in sql if '"claims_verdict"' in s or '"claims_claimmatch"' in s], sql


def test_saving_a_verdict_and_leasing_the_next_claim_runs_fourteen_queries(
    reviewer_client, reviewer
):
    ClaimFactory(), ClaimFactory()
    claim = services.claim_lease_next(reviewer=reviewer)
    response, sql = _request(
        lambda: reviewer_client.post(
            reverse("claims:claim", args=[claim.pk]), {"rating": "false", "explanation": "No."}
        )
    )
    assert response.status_code == 302
    # Session, user, permissions; the claim locked (with its article's blind-review flag), its
    # current and pending verdicts (one query), the insert, the correction check, the webhook
    # endpoints, the audit line, the claim's update; then the next claim: held, free, lease, audit.
    assert len(sql) == 14, sql
    verdict_reads = [s for s in sql if s.startswith("SELECT") and 'FROM "claims_verdict"' in s]
    assert len(verdict_reads) == 2, verdict_reads  # the locked pair and the correction check
    assert not [s for s in sql if 'FROM "claims_article"' in s], sql
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.is_current and verdict.published_at is not None
    assert AuditEvent.objects.filter(claim=claim, action=AuditEvent.Action.VERDICT).count() == 1


def test_skipping_runs_eleven_queries(reviewer_client, reviewer):
    ClaimFactory(), ClaimFactory()
    claim = services.claim_lease_next(reviewer=reviewer)
    response, sql = _request(
        lambda: reviewer_client.post(reverse("claims:claim-skip", args=[claim.pk]))
    )
    assert response.status_code == 302
    # Session, user, permissions; the claim, its audit line, its release; the next claim (held,
    # free, lease, audit); the session saved with the skipped id.
    assert len(sql) == 11, sql
    assert Claim.objects.get(pk=claim.pk).assignee is None
