"""Many reviewers pressing "next claim" at the same moment, each request on its own connection."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from claims.models import AuditEvent, Claim
from tests.factories import ClaimFactory, ReviewerFactory

REVIEWERS = 12


@pytest.mark.django_db(transaction=True)
def test_simultaneous_next_claim_requests_hand_out_distinct_claims():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SKIP LOCKED is what is under test, and SQLite serialises every "
            "writer anyway (set DATABASE_URL=postgres://...)"
        )
    claims = ClaimFactory.create_batch(REVIEWERS + 3)
    reviewers = ReviewerFactory.create_batch(REVIEWERS)
    barrier = threading.Barrier(REVIEWERS)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def ask(user) -> None:
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            results[user.pk] = client.post(reverse("claims:claim-next")).url
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors, errors
    assert len(results) == REVIEWERS
    claim_urls = {reverse("claims:claim", args=[c.pk]) for c in claims}
    assert set(results.values()) <= claim_urls  # nobody was told the queue was empty
    assert len(set(results.values())) == REVIEWERS  # and nobody got someone else's claim
    held = Claim.objects.filter(assignee__isnull=False)
    assert held.count() == REVIEWERS
    assert {c.assignee_id for c in held} == {r.pk for r in reviewers}
    assert AuditEvent.objects.filter(action="assign").count() == REVIEWERS
