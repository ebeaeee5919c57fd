"""The claim page: who holds it, dismissing, giving verdicts, assigning and priority."""

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import AuditEvent, Claim, Rating, Verdict
from tests.claims.dashboard_views._helpers import _messages
from tests.factories import (
    ClaimFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def test_a_claim_someone_else_holds_shows_who_and_offers_no_verdict_form(reviewer_client):
    holder = ReviewerFactory(username="alice")
    claim = ClaimFactory()
    services.claim_lease_next(reviewer=holder)
    page = reviewer_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "alice is reviewing this claim" in page
    assert 'id="verdict-form"' not in page
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]), {"rating": "true", "explanation": "Sure."}
    )
    assert "being reviewed by alice" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert not Verdict.objects.exists()


def test_taking_a_claim_from_its_page_leases_it(reviewer_client, reviewer):
    claim = ClaimFactory()
    response = reviewer_client.post(reverse("claims:claim-take", args=[claim.pk]))
    assert response.url == reverse("claims:claim", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.assignee == reviewer and claim.status == Claim.Status.IN_REVIEW


def test_dismissing_from_the_claim_page_opens_the_next_claim(reviewer_client):
    first = ClaimFactory(score=0.9)
    second = ClaimFactory(score=0.5)
    response = reviewer_client.post(reverse("claims:claim-dismiss", args=[first.pk]))
    assert response.url == reverse("claims:claim", args=[second.pk])
    assert Claim.objects.get(pk=first.pk).status == Claim.Status.DISMISSED


def test_dismissing_a_claim_with_a_published_verdict_is_refused_with_the_reason(reviewer_client):
    claim = ClaimFactory()
    verdict = services.verdict_set(
        claim_id=claim.pk, reviewer=ReviewerFactory(), rating=Rating.FALSE, explanation="Minutes."
    )
    assert verdict.is_published
    response = reviewer_client.post(reverse("claims:claim-dismiss", args=[claim.pk]), follow=True)
    assert response.redirect_chain == [(reverse("claims:claim", args=[claim.pk]), 302)]
    assert (
        f"Claim #{claim.pk} already has a verdict: only open or duplicate claims can be dismissed."
        in response.content.decode()
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERDICT
    assert not AuditEvent.objects.filter(action="dismiss").exists()
    # Its verdict still goes out, and the claim still says why.
    assert Verdict.objects.get(claim=claim).is_published


def test_dismissing_a_claim_that_does_not_exist_is_a_404(reviewer_client):
    response = reviewer_client.post(reverse("claims:claim-dismiss", args=[987654]))
    assert response.status_code == 404


# --- Claim page and verdicts -----------------------------------------------------------------


def test_the_claim_page_shows_facts_duplicates_earlier_verdicts_and_history(reviewer_client):
    original = ClaimFactory(
        speaker="Jane Doe",
        quantities=[{"text": "12 lines", "value": 12, "unit": "line", "qualifier": ""}],
        entities=[{"text": "Springfield", "label": "GPE"}],
    )
    restated = ClaimFactory(status=Claim.Status.DUPLICATE, duplicate_of=original)
    VerdictFactory(
        claim=restated, rating=Rating.MIXED, reviewer=ReviewerFactory(username="bob"),
        published_at=timezone.now(),
    )  # fmt: skip
    page = reviewer_client.get(reverse("claims:claim", args=[original.pk])).content.decode()
    assert "Jane Doe" in page and "12 lines" in page and "Springfield" in page
    assert "Restated by" in page and f"#{restated.pk}" in page
    assert "Already judged elsewhere" in page and "Mixed" in page and "bob" in page
    history = reviewer_client.get(reverse("claims:claim", args=[restated.pk])).content.decode()
    assert "by bob on" in history and "published" in history


def test_the_rating_radios_are_numbered_for_the_keyboard_and_labelled(reviewer_client):
    claim = ClaimFactory()
    page = reviewer_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    for number, (value, _label) in enumerate(Rating.choices, start=1):
        assert f'<label class="rating rating-{value}" for="id_rating_{number - 1}">' in page
        assert f"<kbd>{number}</kbd>" in page
    assert '<label for="id_explanation">' in page


def test_saving_a_verdict_leases_and_opens_the_next_claim(reviewer_client, reviewer):
    claim = ClaimFactory(score=0.9)
    following = ClaimFactory(score=0.5)
    services.claim_lease_next(reviewer=reviewer)
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "mostly_true", "explanation": "Close enough.", "evidence_urls": ""},
    )
    assert response.url == reverse("claims:claim", args=[following.pk])
    following.refresh_from_db()
    assert following.assignee == reviewer and following.status == Claim.Status.IN_REVIEW
    claim.refresh_from_db()
    assert claim.status == Claim.Status.VERDICT and claim.assignee is None


def test_an_invalid_evidence_link_is_a_field_error(reviewer_client):
    claim = ClaimFactory()
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "true", "explanation": "x", "evidence_urls": "https://ok.example/a\nnot a link"},
    )
    assert response.context["form"].errors["evidence_urls"]
    assert not Verdict.objects.exists()


def test_more_evidence_links_than_a_verdict_keeps_is_a_field_error(reviewer_client):
    claim = ClaimFactory()
    links = "\n".join(f"https://example.org/{i}" for i in range(services.MAX_EVIDENCE_URLS + 1))
    response = reviewer_client.post(
        reverse("claims:claim", args=[claim.pk]),
        {"rating": "true", "explanation": "x", "evidence_urls": links},
    )
    assert response.context["form"].errors["evidence_urls"] == ["At most 20 evidence links."]
    assert not Verdict.objects.exists()


def test_an_editor_can_reassign_a_claim_and_change_its_priority(editor_client, editor, reviewer):
    claim = ClaimFactory()
    response = editor_client.post(
        reverse("claims:claim-assign", args=[claim.pk]), {"assignee": reviewer.pk}
    )
    assert response.status_code == 302
    editor_client.post(reverse("claims:claim-priority", args=[claim.pk]), {"direction": "up"})
    claim.refresh_from_db()
    assert claim.assignee == reviewer and claim.lease_expires_at is None
    assert claim.priority == 10
    assert AuditEvent.objects.filter(action="assign", actor=editor, claim=claim).exists()
    editor_client.post(reverse("claims:claim-unassign", args=[claim.pk]))
    assert Claim.objects.get(pk=claim.pk).assignee is None


def test_assigning_a_judged_claim_is_refused_with_the_reason(editor_client, reviewer):
    claim = ClaimFactory(status=Claim.Status.VERDICT)
    response = editor_client.post(
        reverse("claims:claim-assign", args=[claim.pk]), {"assignee": reviewer.pk}
    )
    assert _messages(response) == [
        f"Claim #{claim.pk} already has a verdict: only open claims can be assigned."
    ]
    assert Claim.objects.get(pk=claim.pk).assignee is None
    assert (
        editor_client.post(
            reverse("claims:claim-assign", args=[987654]), {"assignee": reviewer.pk}
        ).status_code
        == 404
    )


def test_the_claim_page_reads_the_claims_verdicts_once(reviewer_client, django_assert_num_queries):
    claim = ClaimFactory()
    VerdictFactory(claim=claim, is_current=False)
    VerdictFactory(claim=claim)
    # Session, user, permissions (one query), the page's facts (neighbours, and which lists have
    # rows: one query), the claim with its article and assignee, its verdicts, their reviews, and
    # its audit trail. Nothing restates it, matches it or was judged elsewhere: not queried.
    with django_assert_num_queries(8) as captured:
        response = reviewer_client.get(reverse("claims:claim", args=[claim.pk]))
    assert response.status_code == 200
    verdict_reads = [q["sql"] for q in captured if 'FROM "claims_verdict"' in q["sql"]]
    # The history; no second read of the same verdicts.
    assert len(verdict_reads) == 1, verdict_reads
