import pytest
from django.urls import reverse

from claims import services
from claims.matching.encoder import sentence_encoder
from claims.matching.formats import FactCheckRecord
from claims.matching.ranking import ranker
from claims.models import ClaimMatch, Rating, Verdict
from tests.factories import ArticleFactory, ClaimFactory, PublishedVerdictFactory

pytestmark = pytest.mark.django_db

TEXT = "Inflation fell to two percent."


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def _match(claim):
    services.article_match_claims(
        article_id=claim.article_id, encoder=sentence_encoder(), ranker=ranker()
    )


@pytest.fixture
def restated():
    earlier = ClaimFactory(article=ArticleFactory(), text=TEXT)
    PublishedVerdictFactory(claim=earlier, rating=Rating.MOSTLY_FALSE)
    _match(earlier)
    later = ClaimFactory(article=ArticleFactory(), text=TEXT)
    _match(later)
    return earlier, later


def test_the_claim_page_shows_the_earlier_verdict_with_a_one_key_reuse(reviewer_client, restated):
    earlier, later = restated
    page = reviewer_client.get(reverse("claims:claim", args=[later.pk])).content.decode()
    assert "Checked before" in page
    assert "Mostly false" in page
    assert reverse("claims:claim", args=[earlier.pk]) in page
    assert 'id="reuse-form"' in page


def test_reusing_records_the_earlier_verdict_on_this_claim(reviewer_client, restated):
    earlier, later = restated
    match = ClaimMatch.objects.get(claim=later)
    response = reviewer_client.post(reverse("claims:claim-reuse", args=[later.pk, match.pk]))
    assert response.status_code == 302
    verdict = Verdict.objects.get(claim=later, is_current=True)
    assert verdict.rating == Rating.MOSTLY_FALSE
    assert verdict.reused_from.claim == earlier


def test_the_queue_filters_claims_with_an_earlier_verdict(reviewer_client, restated):
    earlier, later = restated
    alone = ClaimFactory(article=ArticleFactory(), text="Nobody said anything like this before.")
    page = reviewer_client.get(reverse("claims:queue"), {"earlier": "yes"}).content.decode()
    assert reverse("claims:claim", args=[later.pk]) in page
    assert reverse("claims:claim", args=[alone.pk]) not in page


def test_an_imported_fact_check_appears_on_the_claim_page_as_the_outlets(reviewer_client):
    services.factchecks_import(
        records=[
            FactCheckRecord(
                source_key="x:1", claim_reviewed=TEXT, rating="Pants on fire",
                outlet="Checker", url="https://checker.example/1",
            )
        ],
        encoder=sentence_encoder(),
    )  # fmt: skip
    claim = ClaimFactory(article=ArticleFactory(), text=TEXT)
    _match(claim)
    page = reviewer_client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "Pants on fire" in page
    assert "by Checker" in page
    assert "https://checker.example/1" in page
