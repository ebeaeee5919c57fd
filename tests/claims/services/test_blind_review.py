"""Blind double review: which verdicts wait for it, how the blind rating settles them, and that
the second reviewer cannot see the first verdict on the pages they use."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from claims import selectors, services
from claims.models import Article, Rating, Verdict
from claims.services.agreement import claim_in_sample
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db
FIRST_EXPLANATION = "FIRST-VERDICT-EXPLANATION"


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    settings.FACTCHECK_BLIND_REVIEW_PERCENT = 0


def blind_article() -> Article:
    article = ArticleFactory(status=Article.Status.SPLIT)
    services.article_blind_review_set(article_ids=[article.pk], on=True, by=EditorFactory())
    return article


def first_verdict(claim: Any, rating: str = Rating.FALSE) -> Verdict:
    return services.verdict_set(
        claim_id=claim.pk, reviewer=ReviewerFactory(), rating=rating, explanation=FIRST_EXPLANATION
    )


def test_a_verdict_on_a_chosen_article_waits_for_a_blind_review() -> None:
    claim = ClaimFactory(article=blind_article())
    verdict = first_verdict(claim)
    assert verdict.blind_review and verdict.published_at is None
    plain = first_verdict(ClaimFactory())
    assert not plain.blind_review and plain.published_at is not None


def test_the_sample_share_picks_the_same_claims_every_time(settings: Any) -> None:
    ids = range(1, 2001)
    chosen = [i for i in ids if claim_in_sample(claim_id=i, percent=10)]
    assert 150 <= len(chosen) <= 250  # about a tenth
    assert chosen == [i for i in ids if claim_in_sample(claim_id=i, percent=10)]
    assert all(claim_in_sample(claim_id=i, percent=100) for i in ids)
    assert not any(claim_in_sample(claim_id=i, percent=0) for i in ids)


def test_the_same_blind_rating_publishes_and_counts_as_agreement() -> None:
    verdict = first_verdict(ClaimFactory(article=blind_article()))
    review = services.verdict_review_blind(
        verdict_id=verdict.pk, reviewer=ReviewerFactory(), rating=Rating.FALSE
    )
    verdict.refresh_from_db()
    assert review.agrees and review.blind and verdict.published_at is not None


def test_another_blind_rating_goes_to_an_editor_with_both_ratings() -> None:
    verdict = first_verdict(ClaimFactory(article=blind_article()))
    review = services.verdict_review_blind(
        verdict_id=verdict.pk, reviewer=ReviewerFactory(), rating=Rating.MIXED
    )
    verdict.refresh_from_db()
    assert not review.agrees and review.rating == Rating.MIXED
    assert verdict.published_at is None
    assert verdict in selectors.verdicts_disputed()


def test_a_verdict_under_blind_review_cannot_be_agreed_with_by_sight() -> None:
    verdict = first_verdict(ClaimFactory(article=blind_article()))
    with pytest.raises(ValidationError, match="blind review"):
        services.verdict_review(verdict_id=verdict.pk, reviewer=ReviewerFactory(), agrees=True)
    verdict.refresh_from_db()
    assert verdict.published_at is None and not verdict.reviews.exists()


def test_a_blind_review_needs_a_rating_and_a_verdict_under_blind_review() -> None:
    verdict = first_verdict(ClaimFactory(article=blind_article()))
    with pytest.raises(ValidationError, match="Give your rating"):
        services.verdict_review_blind(verdict_id=verdict.pk, reviewer=ReviewerFactory(), rating="")
    plain = services.verdict_set(
        claim_id=ClaimFactory().pk, reviewer=ReviewerFactory(), rating="true", explanation="x"
    )
    with pytest.raises(ValidationError, match="not under blind review"):
        services.verdict_review_blind(
            verdict_id=plain.pk, reviewer=ReviewerFactory(), rating="true"
        )
    assert not verdict.reviews.exists() and not plain.reviews.exists()


def test_the_author_cannot_review_their_own_verdict_blind() -> None:
    verdict = first_verdict(ClaimFactory(article=blind_article()))
    with pytest.raises(ValidationError, match="someone else"):
        services.verdict_review_blind(
            verdict_id=verdict.pk, reviewer=verdict.reviewer, rating=Rating.FALSE
        )


def test_the_second_reviewer_sees_neither_rating_nor_explanation_on_their_pages() -> None:
    claim = ClaimFactory(article=blind_article())
    verdict = first_verdict(claim, Rating.MOSTLY_FALSE)
    client = Client()
    client.force_login(ReviewerFactory())
    reviews = client.get("/reviews/").content.decode()
    assert f"/verdicts/{verdict.pk}/blind-review/" in reviews
    assert FIRST_EXPLANATION not in reviews and "Mostly false</strong>" not in reviews
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert FIRST_EXPLANATION not in page and "Rated Mostly false" not in page
    assert "blind second review" in page

    # Its author and editors still see it.
    author = Client()
    author.force_login(verdict.reviewer)
    assert FIRST_EXPLANATION in author.get(f"/claims/{claim.pk}/").content.decode()
    editor = Client()
    editor.force_login(EditorFactory())
    assert FIRST_EXPLANATION in editor.get(f"/claims/{claim.pk}/").content.decode()


def test_the_blind_review_page_form_records_the_rating() -> None:
    verdict = first_verdict(ClaimFactory(article=blind_article()))
    client = Client()
    client.force_login(ReviewerFactory())
    response = client.post(f"/verdicts/{verdict.pk}/blind-review/", {"rating": "false"})
    assert response.status_code == 302 and response["Location"] == "/reviews/"
    verdict.refresh_from_db()
    assert verdict.published_at is not None
    bad = client.post(f"/verdicts/{verdict.pk}/blind-review/", {"rating": "nonsense"})
    assert bad.status_code == 302 and verdict.reviews.count() == 1
