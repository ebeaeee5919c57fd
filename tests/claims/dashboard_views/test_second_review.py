"""Second review: from a verdict to a dispute to its settlement, and who may take part."""

import pytest
from django.urls import reverse

from claims import services
from claims.models import Rating, Verdict, VerdictReview
from tests.claims.dashboard_views._helpers import _messages
from tests.factories import (
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
)

pytestmark = pytest.mark.django_db


# --- Second review ---------------------------------------------------------------------------


def test_second_review_from_verdict_to_dispute_to_settlement(client, reviewer, settings):
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    first, second = ClaimFactory(), ClaimFactory()
    a = services.verdict_set(
        claim_id=first.pk, reviewer=reviewer, rating=Rating.FALSE, explanation="No."
    )
    b = services.verdict_set(
        claim_id=second.pk, reviewer=reviewer, rating=Rating.TRUE, explanation="Yes."
    )
    checker = ReviewerFactory()
    client.force_login(checker)
    page = client.get(reverse("claims:reviews"))
    assert [v.pk for v in page.context["awaiting"]] == [a.pk, b.pk]
    client.post(reverse("claims:verdict-review", args=[a.pk]), {"agrees": "yes"})
    client.post(
        reverse("claims:verdict-review", args=[b.pk]),
        {"agrees": "no", "rating": "mixed", "note": "Only half of it."},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.published_at is not None and b.published_at is None
    assert client.get(reverse("claims:reviews")).context["awaiting"] == []

    editor = EditorFactory()
    client.force_login(editor)
    page = client.get(reverse("claims:reviews"))
    assert [v.pk for v in page.context["disputed"]] == [b.pk]
    assert "Only half of it." in page.content.decode()
    client.post(reverse("claims:verdict-settle", args=[b.pk]), {"rating": "mixed"})
    settled = Verdict.objects.get(claim=second, is_current=True)
    assert settled.rating == "mixed" and settled.reviewer == editor
    assert settled.published_at is not None
    assert VerdictReview.objects.count() == 2
    assert client.get(reverse("claims:reviews")).context["disputed"] == []


def test_a_reviewer_sees_no_disputes_and_cannot_review_their_own_verdict(
    reviewer_client, reviewer, settings
):
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    claim = ClaimFactory()
    own = services.verdict_set(
        claim_id=claim.pk, reviewer=reviewer, rating=Rating.FALSE, explanation="No."
    )
    page = reviewer_client.get(reverse("claims:reviews"))
    assert page.context["awaiting"] == [] and page.context["disputed"] == []
    response = reviewer_client.post(
        reverse("claims:verdict-review", args=[own.pk]), {"agrees": "yes"}
    )
    assert any("someone else" in m for m in _messages(response))
    own.refresh_from_db()
    assert own.published_at is None
