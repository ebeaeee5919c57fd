"""The agreement report from blind double reviews in the database, and the stats page."""

from typing import Any

import pytest
from django.test import Client

from claims import selectors, services
from claims.models import Article, Rating
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings: Any) -> None:
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    settings.FACTCHECK_BLIND_REVIEW_PERCENT = 100


def double_review(first: Any, second: Any, ratings: tuple[str, str], text: str = "") -> None:
    claim = ClaimFactory(text=text) if text else ClaimFactory()
    verdict = services.verdict_set(
        claim_id=claim.pk, reviewer=first, rating=ratings[0], explanation="x"
    )
    services.verdict_review_blind(verdict_id=verdict.pk, reviewer=second, rating=ratings[1])


def test_the_report_gives_agreement_overall_and_per_pair_and_the_widest_disagreements() -> None:
    ann, bob, cat = (ReviewerFactory(username=n) for n in ("ann", "bob", "cat"))
    # ann & bob agree perfectly on two categories.
    double_review(ann, bob, (Rating.TRUE, Rating.TRUE))
    double_review(bob, ann, (Rating.FALSE, Rating.FALSE))
    double_review(ann, bob, (Rating.FALSE, Rating.FALSE))
    # ann & cat: chance (A A B B against A B A B).
    double_review(ann, cat, (Rating.TRUE, Rating.TRUE))
    double_review(ann, cat, (Rating.TRUE, Rating.FALSE), text="Far apart claim")
    double_review(ann, cat, (Rating.MIXED, Rating.TRUE))
    double_review(ann, cat, (Rating.MIXED, Rating.FALSE))

    report = selectors.agreement_report()
    assert report.overall.units == 7
    pairs = {p.label: p for p in report.pairs}
    assert set(pairs) == {"ann & bob", "ann & cat"}
    assert pairs["ann & bob"].units == 3
    assert pairs["ann & bob"].kappa.value == pytest.approx(1.0)
    assert pairs["ann & bob"].alpha.value == pytest.approx(1.0)
    # ann: true true mixed mixed; cat: true false true false. p_o = 1/4;
    # p_e = (2/4·1/4 + 0 + 0) [true] + 0 [false] + 0 [mixed]... = 2/4·2/4 = .25 → κ = 0.
    assert pairs["ann & cat"].kappa.value == pytest.approx(0.0)
    assert [u.distance for u in report.disagreements] == [4, 2, 2]
    assert report.disagreements[0].claim_text == "Far apart claim"
    assert report.disagreements[0].first_label == "True"
    assert report.disagreements[0].second_label == "False"


def test_only_blind_reviews_count() -> None:
    settings_off = ArticleFactory(status=Article.Status.SPLIT)
    verdict = services.verdict_set(
        claim_id=ClaimFactory(article=settings_off).pk,
        reviewer=ReviewerFactory(),
        rating=Rating.TRUE,
        explanation="x",
    )
    assert verdict.blind_review  # 100 % sampled
    assert selectors.agreement_report().overall.units == 0


def test_the_stats_page_shows_agreement_with_its_interval() -> None:
    ann, bob = ReviewerFactory(username="ann"), ReviewerFactory(username="bob")
    double_review(ann, bob, (Rating.TRUE, Rating.TRUE))
    double_review(ann, bob, (Rating.FALSE, Rating.FALSE))
    double_review(ann, bob, (Rating.MIXED, Rating.FALSE), text="They differ here")
    client = Client()
    client.force_login(EditorFactory())
    page = client.get("/stats/").content.decode()
    assert "Agreement between reviewers" in page
    assert "ann &amp; bob" in page
    assert "They differ here" in page
    kappa = selectors.agreement_report().overall.kappa
    assert f"{kappa.value:.2f} [{kappa.low:.2f}, {kappa.high:.2f}]" in page


def test_the_stats_page_says_how_to_start_when_there_is_no_blind_review() -> None:
    client = Client()
    client.force_login(EditorFactory())
    page = client.get("/stats/").content.decode()
    assert "No blind double review yet" in page
