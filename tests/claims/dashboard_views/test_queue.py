"""The queue: filters, search, counts and paging; the next claim, skipping and leases."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import AuditEvent, Claim
from tests.claims.dashboard_views._helpers import _ids, _messages
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


# --- Queue -----------------------------------------------------------------------------------


def test_the_queue_hides_not_checkable_and_duplicate_claims_until_asked(reviewer_client):
    shown = ClaimFactory()
    original = ClaimFactory()
    ClaimFactory(kind=Claim.Kind.NOT_CHECKABLE)
    ClaimFactory(status=Claim.Status.DUPLICATE, duplicate_of=original)
    response = reviewer_client.get(reverse("claims:queue"))
    assert set(_ids(response)) == {shown.pk, original.pk}
    assert "show them" in response.content.decode()
    assert len(_ids(reviewer_client.get(reverse("claims:queue"), {"all": "on"}))) == 4


def test_the_queue_orders_by_priority_then_score_or_newest(reviewer_client):
    urgent = ClaimFactory(score=0.1, priority=10)
    low = ClaimFactory(score=0.2)
    high = ClaimFactory(score=0.9)
    assert _ids(reviewer_client.get(reverse("claims:queue"))) == [urgent.pk, high.pk, low.pk]
    newest = reviewer_client.get(reverse("claims:queue"), {"order": "newest"})
    assert _ids(newest) == [high.pk, low.pk, urgent.pk]


def test_the_queue_filters_by_outlet_score_verdict_and_assignee(reviewer_client, reviewer):
    gazette = ClaimFactory(score=0.9, article=ArticleFactory(source="Gazette"))
    herald = ClaimFactory(score=0.5, article=ArticleFactory(source="Herald"))
    judged = ClaimFactory(score=0.7, status=Claim.Status.VERDICT)
    VerdictFactory(claim=judged)
    mine = ClaimFactory(score=0.3, assignee=reviewer)
    url = reverse("claims:queue")
    assert _ids(reviewer_client.get(url, {"source": "Herald"})) == [herald.pk]
    assert _ids(reviewer_client.get(url, {"score_min": "0.4", "score_max": "0.8"})) == [herald.pk]
    assert _ids(reviewer_client.get(url, {"has_verdict": "yes", "all": "on"})) == [judged.pk]
    assert judged.pk not in _ids(reviewer_client.get(url, {"has_verdict": "no", "all": "on"}))
    assert _ids(reviewer_client.get(url, {"assignee": "me"})) == [mine.pk]
    assert _ids(reviewer_client.get(url, {"assignee": "none"})) == [gazette.pk, herald.pk]


def test_the_queue_filters_by_the_date_a_claim_was_found(reviewer_client):
    old = ClaimFactory()
    Claim.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    new = ClaimFactory()
    today = timezone.localdate().isoformat()
    url = reverse("claims:queue")
    assert _ids(reviewer_client.get(url, {"created_from": today})) == [new.pk]
    assert _ids(reviewer_client.get(url, {"created_to": "2000-01-01"})) == []


def test_the_queue_search_needs_every_word_in_the_claim_or_its_sentence(reviewer_client):
    claim = ClaimFactory(text="Council approved bus lines", sentence="The mayor said so on Monday.")
    ClaimFactory(text="Council approved tram lines", sentence="Nobody said when.")
    url = reverse("claims:queue")
    assert _ids(reviewer_client.get(url, {"q": "bus mayor"})) == [claim.pk]
    assert len(_ids(reviewer_client.get(url, {"q": "council"}))) == 2
    assert _ids(reviewer_client.get(url, {"q": "%"})) == []


def test_the_queue_drops_malformed_filters_instead_of_failing(reviewer_client):
    ClaimFactory()
    response = reviewer_client.get(
        reverse("claims:queue"),
        {"score_min": "lots", "created_from": "yesterday", "status": "bogus", "assignee": "x"},
    )
    assert response.status_code == 200
    assert len(_ids(response)) == 1


def test_the_queue_counts_claims_per_status_under_the_other_filters(reviewer_client):
    herald = ArticleFactory(source="Herald")
    ClaimFactory.create_batch(2, article=herald)
    ClaimFactory(article=herald, status=Claim.Status.DISMISSED)
    ClaimFactory(article=ArticleFactory(source="Gazette"))
    counts = reviewer_client.get(reverse("claims:queue"), {"source": "Herald"}).context["counts"]
    assert (counts["new"], counts["dismissed"], counts["verdict"]) == (2, 1, 0)


def test_the_queue_pages_by_the_configured_size(reviewer_client, settings):
    settings.FACTCHECK_QUEUE_PAGE_SIZE = 2
    ClaimFactory.create_batch(5)
    response = reviewer_client.get(reverse("claims:queue"), {"page": "3"})
    assert response.context["page"].paginator.num_pages == 3
    assert len(_ids(response)) == 1


# --- Next claim, leases, skip ----------------------------------------------------------------


def test_next_claim_leases_the_best_free_claim_and_opens_it(reviewer_client, reviewer):
    ClaimFactory(score=0.4)
    best = ClaimFactory(score=0.9)
    response = reviewer_client.post(reverse("claims:claim-next"))
    assert response.url == reverse("claims:claim", args=[best.pk])
    best.refresh_from_db()
    assert best.assignee == reviewer and best.lease_expires_at > timezone.now()
    page = reviewer_client.get(response.url).content.decode()
    assert "You hold this claim" in page
    assert reverse("claims:claim-renew", args=[best.pk]) in page


def test_two_reviewers_asking_for_the_next_claim_get_different_ones(client, reviewer):
    ClaimFactory.create_batch(2)
    first, second = ReviewerFactory(), ReviewerFactory()
    client.force_login(first)
    a = client.post(reverse("claims:claim-next")).url
    client.force_login(second)
    b = client.post(reverse("claims:claim-next")).url
    assert a != b and "/claims/" in a and "/claims/" in b


def test_next_claim_on_an_empty_queue_says_so(reviewer_client):
    response = reviewer_client.post(reverse("claims:claim-next"))
    assert response.url == reverse("claims:queue")
    assert any("queue is empty" in m for m in _messages(response))


def test_skipping_returns_the_claim_and_opens_another(reviewer_client, reviewer):
    first = ClaimFactory(score=0.9)
    second = ClaimFactory(score=0.5)
    reviewer_client.post(reverse("claims:claim-next"))
    response = reviewer_client.post(reverse("claims:claim-skip", args=[first.pk]))
    assert response.url == reverse("claims:claim", args=[second.pk])
    first.refresh_from_db()
    assert first.assignee is None and first.status == Claim.Status.NEW
    assert AuditEvent.objects.filter(action="skip", claim=first, actor=reviewer).exists()
    # With everything skipped, the round starts over instead of reporting an empty queue.
    again = reviewer_client.post(reverse("claims:claim-skip", args=[second.pk]))
    assert again.url == reverse("claims:claim", args=[first.pk])


def test_the_lease_is_renewed_for_its_holder_only(reviewer_client, reviewer, client):
    claim = ClaimFactory()
    services.claim_lease_next(reviewer=reviewer)
    response = reviewer_client.post(reverse("claims:claim-renew", args=[claim.pk]))
    assert response.status_code == 200 and response.json()["held"] is True
    client.force_login(ReviewerFactory())
    assert client.post(reverse("claims:claim-renew", args=[claim.pk])).status_code == 409
