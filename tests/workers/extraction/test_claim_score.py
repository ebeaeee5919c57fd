import pytest

from tests.workers._nlp import parse_sentence
from workers.extraction.claim_score import ClaimFeatures, claim_features, claim_score
from workers.extraction.vocabulary import KIND_EVENT, KIND_NOT_CHECKABLE

GOOD = ClaimFeatures(
    has_number=True,
    has_name=True,
    checkable=True,
    well_formed=True,
    pronoun_subject=False,
    first_person=False,
)


def test_a_claim_with_a_number_and_a_name_keeps_about_its_sentence_score():
    assert claim_score(0.7, GOOD) == pytest.approx(0.74, abs=0.01)


def test_each_missing_trait_sinks_the_claim_below_the_sentence():
    for trait in ("checkable", "well_formed"):
        worse = ClaimFeatures(**{**GOOD.__dict__, trait: False})
        assert claim_score(0.7, worse) < 0.7 - 0.1
    for trait in ("pronoun_subject", "first_person"):
        worse = ClaimFeatures(**{**GOOD.__dict__, trait: True})
        assert claim_score(0.7, worse) < claim_score(0.7, GOOD)
    anchorless = ClaimFeatures(**{**GOOD.__dict__, "has_number": False, "has_name": False})
    assert claim_score(0.7, anchorless) < 0.5


def test_the_order_of_sentences_is_kept_for_claims_with_the_same_traits():
    assert claim_score(0.6, GOOD) < claim_score(0.61, GOOD)
    assert claim_score(0.0, GOOD) > 0.0 and claim_score(1.0, GOOD) < 1.0


def test_features_are_read_from_the_claims_own_words():
    span = parse_sentence("We handed over our beautiful Ukrainian flag to the guys.")
    features = claim_features(span, kind=KIND_EVENT, well_formed=True, text=span.text)
    assert not features.has_name  # a nationality as an adjective names nothing to look up
    assert not features.has_number
    assert features.first_person
    span = parse_sentence("He sent 300 tanks to Poland.")
    features = claim_features(span, kind=KIND_NOT_CHECKABLE, well_formed=True, text=span.text)
    assert features.has_number and features.has_name and features.pronoun_subject
    assert not features.checkable
