"""My work (one's own claims and verdicts, everyone's for editors) and the stats page."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import Rating
from tests.factories import (
    ClaimFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


# --- My work ---------------------------------------------------------------------------------


def test_my_work_lists_my_claims_and_verdicts_but_not_others(reviewer_client, reviewer):
    held = ClaimFactory(text="Claim I hold")
    services.claim_lease_take(claim_id=held.pk, reviewer=reviewer)
    VerdictFactory(reviewer=reviewer, explanation="mine", claim__text="Claim I judged")
    VerdictFactory(claim__text="Someone else's claim")
    response = reviewer_client.get(reverse("claims:my-work"), {"who": "all"})
    page = response.content.decode()
    assert "Claim I hold" in page and "Claim I judged" in page
    assert "Someone else" not in page
    assert response.context["page"].paginator.count == 1


def test_editors_see_everyones_work(editor_client, reviewer):
    VerdictFactory(reviewer=reviewer, claim__text="Reviewer's claim")
    page = editor_client.get(reverse("claims:my-work"), {"who": "all"}).content.decode()
    assert "Reviewer&#x27;s claim" in page and "Everyone" in page
    one = editor_client.get(reverse("claims:my-work"), {"who": str(reviewer.pk)})
    assert one.context["subject"] == reviewer


# --- Stats -----------------------------------------------------------------------------------


def test_the_stats_page_draws_its_charts_as_inline_svg(editor_client):
    VerdictFactory(rating=Rating.FALSE)
    ClaimFactory.create_batch(2)
    page = editor_client.get(reverse("claims:stats")).content.decode()
    assert page.count("<svg") == 5
    assert "Claims by status" in page and "Verdicts per reviewer" in page
    assert 'aria-label="Current verdicts by rating: True 0, Mostly true 0' in page
    assert "False 1" in page
