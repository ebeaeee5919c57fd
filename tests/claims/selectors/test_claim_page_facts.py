"""``claim_page_facts``: the claim page's neighbours and which of its lists have rows, in one
query; each flag must agree with the list it lets the page skip."""

import pytest

from claims import selectors, services
from claims.matching.encoder import sentence_encoder
from claims.matching.ranking import ranker
from claims.models import Claim, ClaimMatch
from tests.factories import ArticleFactory, ClaimFactory, PublishedVerdictFactory, VerdictFactory

pytestmark = pytest.mark.django_db

TEXT = "Inflation fell to two percent."


def _suggested(claim: Claim) -> bool:
    return selectors.claim_matching_verdicts(claim=claim).exists()


def test_a_lone_claim_has_no_neighbours_and_nothing_to_list():
    claim = ClaimFactory()
    facts = selectors.claim_page_facts(claim_id=claim.pk)
    assert facts == selectors.ClaimPageFacts(
        previous_id=None,
        next_id=None,
        has_duplicates=False,
        has_verdicts=False,
        has_matches=False,
        has_suggestions=False,
    )


def test_the_neighbours_are_the_claims_before_and_after_it_in_its_article():
    article = ArticleFactory()
    first, middle, last = (ClaimFactory(article=article, position=p) for p in (0, 5, 9))
    ClaimFactory(position=6)  # another article's
    facts = selectors.claim_page_facts(claim_id=middle.pk)
    assert (facts.previous_id, facts.next_id) == (first.pk, last.pk)
    assert selectors.claim_page_facts(claim_id=first.pk).previous_id is None


def test_verdicts_and_duplicates_are_seen():
    claim = ClaimFactory()
    VerdictFactory(claim=claim, is_current=False)
    ClaimFactory(duplicate_of=claim)
    facts = selectors.claim_page_facts(claim_id=claim.pk)
    assert facts.has_verdicts and facts.has_duplicates


@pytest.mark.parametrize("case", ["fingerprint", "restated_by", "restates", "own", "old", "blank"])
def test_suggestions_are_flagged_exactly_when_claim_matching_verdicts_has_one(case):
    claim = ClaimFactory(fingerprint="" if case == "blank" else "abc")
    other = ClaimFactory(fingerprint="" if case == "blank" else "zzz")
    if case == "fingerprint":
        other.fingerprint = "abc"
    elif case == "restated_by":
        other.duplicate_of = claim
    elif case == "restates":
        claim.duplicate_of = other
        claim.save()
    other.save()
    judged = claim if case == "own" else other
    VerdictFactory(claim=judged, is_current=case != "old")
    expected = case in ("fingerprint", "restated_by", "restates")
    assert _suggested(claim) is expected
    assert selectors.claim_page_facts(claim_id=claim.pk).has_suggestions is expected


def test_a_missing_claim_raises_does_not_exist():
    with pytest.raises(Claim.DoesNotExist):
        selectors.claim_page_facts(claim_id=987654)


def test_stored_matches_are_seen():
    earlier = ClaimFactory(article=ArticleFactory(), text=TEXT)
    PublishedVerdictFactory(claim=earlier)
    later = ClaimFactory(article=ArticleFactory(), text=TEXT)
    assert not selectors.claim_page_facts(claim_id=later.pk).has_matches
    for claim in (earlier, later):
        services.article_match_claims(
            article_id=claim.article_id, encoder=sentence_encoder(), ranker=ranker()
        )
    assert ClaimMatch.objects.filter(claim=later).exists()
    assert selectors.claim_page_facts(claim_id=later.pk).has_matches
