"""One "held by someone else" rule for a live lease and an editor's assignment alike: a verdict,
a dismissal, a skip or a take by anyone but the holder is refused, whichever door it comes by."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.models import Claim, Rating, Verdict
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory, token_api_client

pytestmark = pytest.mark.django_db


def leased_to(user):
    return ClaimFactory(
        assignee=user,
        status=Claim.Status.IN_REVIEW,
        lease_expires_at=timezone.now() + timedelta(minutes=5),
    )


def assigned_to(user):
    claim = ClaimFactory()
    services.claim_assign(claim_id=claim.pk, assignee=user, by=EditorFactory())
    return claim


HOLDS = {"lease": leased_to, "assignment": assigned_to}


@pytest.mark.parametrize("hold", HOLDS)
def test_a_verdict_on_a_claim_someone_else_holds_is_refused(hold):
    holder, other = ReviewerFactory(), ReviewerFactory()
    claim = HOLDS[hold](holder)
    with pytest.raises(services.ClaimHeldByOther, match=holder.username):
        services.verdict_set(claim_id=claim.pk, reviewer=other, rating=Rating.TRUE, explanation="x")
    assert not Verdict.objects.exists()
    claim.refresh_from_db()
    assert claim.assignee == holder


@pytest.mark.parametrize("hold", HOLDS)
def test_the_holder_may_give_the_verdict(hold):
    holder = ReviewerFactory()
    claim = HOLDS[hold](holder)
    services.verdict_set(claim_id=claim.pk, reviewer=holder, rating=Rating.TRUE, explanation="x")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERDICT and claim.assignee is None


@pytest.mark.parametrize("hold", HOLDS)
def test_dismissing_a_claim_someone_else_holds_is_refused(hold):
    holder, other = ReviewerFactory(), ReviewerFactory()
    claim = HOLDS[hold](holder)
    with pytest.raises(services.ClaimHeldByOther):
        services.claim_dismiss(claim_id=claim.pk, user=other)
    claim.refresh_from_db()
    assert claim.status != Claim.Status.DISMISSED and claim.assignee == holder


@pytest.mark.parametrize("hold", HOLDS)
def test_taking_a_claim_someone_else_holds_is_refused(hold):
    holder, other = ReviewerFactory(), ReviewerFactory()
    claim = HOLDS[hold](holder)
    with pytest.raises(services.ClaimHeldByOther, match=holder.username):
        services.claim_lease_take(claim_id=claim.pk, reviewer=other)
    claim.refresh_from_db()
    assert claim.assignee == holder


@pytest.mark.parametrize("hold", HOLDS)
def test_skipping_a_claim_someone_else_holds_leaves_it_with_them(hold):
    holder, other = ReviewerFactory(), ReviewerFactory()
    claim = HOLDS[hold](holder)
    assert services.claim_release(claim_id=claim.pk, user=other, skipped=True) is False
    claim.refresh_from_db()
    assert claim.assignee == holder


def test_an_expired_lease_holds_nobody_back():
    holder, other = ReviewerFactory(), ReviewerFactory()
    claim = ClaimFactory(assignee=holder, lease_expires_at=timezone.now() - timedelta(seconds=1))
    services.verdict_set(claim_id=claim.pk, reviewer=other, rating=Rating.TRUE, explanation="x")
    assert Verdict.objects.get().reviewer == other


@pytest.mark.parametrize("status", [Claim.Status.VERDICT])
def test_only_open_or_duplicate_claims_can_be_dismissed(status):
    claim = ClaimFactory(status=status)
    with pytest.raises(ValidationError, match="only open or duplicate claims"):
        services.claim_dismiss(claim_id=claim.pk, user=ReviewerFactory())
    claim.refresh_from_db()
    assert claim.status == status


def test_a_duplicate_claim_can_be_dismissed():
    claim = ClaimFactory(status=Claim.Status.DUPLICATE)
    services.claim_dismiss(claim_id=claim.pk, user=ReviewerFactory())
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED


def test_the_api_answers_409_for_a_verdict_on_a_claim_assigned_to_someone_else():
    holder = ReviewerFactory()
    claim = assigned_to(holder)
    response = token_api_client().post(
        "/api/v1/verdicts/",
        data=json.dumps({"claim": claim.pk, "rating": "true", "explanation": "Minutes."}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert holder.username in response.json()["detail"]
    assert not Verdict.objects.exists()


def test_the_claim_page_refuses_a_verdict_on_a_claim_assigned_to_someone_else(client):
    holder, other = ReviewerFactory(), ReviewerFactory()
    claim = assigned_to(holder)
    client.force_login(other)
    page = client.get(f"/claims/{claim.pk}/")
    assert holder.username in page.content.decode()
    response = client.post(
        f"/claims/{claim.pk}/", {"rating": "true", "explanation": "Council minutes."}
    )
    assert response.status_code == 200
    assert holder.username in response.content.decode()
    assert not Verdict.objects.exists()


def test_the_dismiss_button_refuses_a_claim_assigned_to_someone_else(client):
    holder, other = ReviewerFactory(), ReviewerFactory()
    claim = assigned_to(holder)
    client.force_login(other)
    client.post(f"/claims/{claim.pk}/dismiss/")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEW and claim.assignee == holder
