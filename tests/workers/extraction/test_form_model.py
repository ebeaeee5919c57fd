"""The claim-form classifier: what it reads of a claim's parse, and what happens to a claim it
doubts (``workers/extraction/form_model.py``)."""

import math

from tests.workers._nlp import load_nlp, parse_sentence
from workers.extraction import extract_claims
from workers.extraction.atomic import split_atomic, whole_sentence
from workers.extraction.form_model import (
    DOUBTFUL,
    FormModel,
    claim_form_features,
    claim_tokens,
    default_form_model,
    feature_names,
    screen_claims,
)
from workers.extraction.vocabulary import KIND_NOT_CHECKABLE

TWO_CLAUSES = (
    "She supported NAFTA, and she supported China's entrance into the World Trade Organization."
)


class FixedScorer:
    threshold = 0.5

    def score_spans(self, spans):
        return [0.9] * len(spans)


def doubting(feature: str, below: float) -> FormModel:
    """A model that doubts exactly the claims whose ``feature`` is under ``below``."""
    names = feature_names()
    return FormModel(
        weights=tuple(10.0 if name == feature else 0.0 for name in names),
        bias=-10.0 * below,
        mean=(0.0,) * len(names),
        scale=(1.0,) * len(names),
        threshold=0.5,
    )


def screened(sentence: str, model: FormModel, *, whole: bool = True) -> list[tuple[str, str]]:
    span = parse_sentence(sentence)
    claims = screen_claims(
        span, split_atomic(span), model, (lambda: whole_sentence(span)) if whole else lambda: None
    )
    return [(c.text, c.problem) for c in claims]


def features(sentence: str, claim: str) -> dict[str, float]:
    span = parse_sentence(sentence)
    return dict(
        zip(feature_names(), claim_form_features(span, claim_tokens(span, claim)), strict=True)
    )


def test_the_committed_model_reads_the_features_this_code_computes():
    model = default_form_model()
    assert len(model.weights) == len(feature_names())
    assert 0 < model.threshold < 1
    span = parse_sentence(TWO_CLAUSES)
    probability = model.probability(claim_form_features(span, split_atomic(span)[0].tokens))
    assert 0 < probability < 1 and not math.isnan(probability)


def test_doubted_pieces_give_way_to_their_sentence_once():
    assert [text for text, _ in screened(TWO_CLAUSES, FormModel.trusting())] == [
        "She supported NAFTA",
        "She supported China's entrance into the World Trade Organization",
    ]
    # Both pieces cover less than 90% of the sentence: both doubted, one whole sentence instead.
    assert screened(TWO_CLAUSES, doubting("share", 0.9)) == [
        (TWO_CLAUSES.rstrip("."), ""),
    ]


def test_a_piece_the_model_trusts_stays_beside_the_sentence_that_replaces_its_neighbour():
    # "She supported NAFTA" is 3 of 14 words; the other piece 10 of 14.
    assert screened(TWO_CLAUSES, doubting("share", 0.5)) == [
        (TWO_CLAUSES.rstrip("."), ""),
        ("She supported China's entrance into the World Trade Organization", ""),
    ]


def test_doubted_pieces_stay_hidden_when_the_sentence_cannot_replace_them():
    result = screened(TWO_CLAUSES, doubting("share", 0.5), whole=False)
    assert result == [
        ("She supported NAFTA", DOUBTFUL),
        ("She supported China's entrance into the World Trade Organization", ""),
    ]
    # Nor when the model doubts the sentence itself.
    assert all(problem == DOUBTFUL for _, problem in screened(TWO_CLAUSES, doubting("share", 2)))


def test_a_doubted_claim_is_hidden_by_default_in_the_extractors_output():
    text = "The city has built 4,000 homes since 2019."
    shown = extract_claims(load_nlp(), text, scorer=FixedScorer(), form_model=FormModel.trusting())
    assert [c.kind for c in shown] != [KIND_NOT_CHECKABLE]
    hidden = extract_claims(load_nlp(), text, scorer=FixedScorer(), form_model=doubting("share", 2))
    assert [(c.text, c.kind) for c in hidden] == [(shown[0].text, KIND_NOT_CHECKABLE)]


def test_the_extractor_uses_the_committed_model_unless_given_one():
    text = f"{TWO_CLAUSES}\nThe city has built 4,000 homes since 2019."
    default = extract_claims(load_nlp(), text, scorer=FixedScorer())
    committed = extract_claims(
        load_nlp(), text, scorer=FixedScorer(), form_model=default_form_model()
    )
    assert default == committed
    replaced = extract_claims(
        load_nlp(), text, scorer=FixedScorer(), form_model=doubting("share", 0.9)
    )
    assert [c.text for c in replaced][0] == TWO_CLAUSES.rstrip(".")


def test_an_added_copula_is_left_out_of_the_claims_tokens():
    span = parse_sentence("Mexico just took Carrier Corporation, maker of air conditioners.")
    tokens = claim_tokens(span, "Carrier Corporation is maker of air conditioners")
    assert [span.doc[i].text for i in sorted(tokens)] == [
        "Carrier", "Corporation", "maker", "of", "air", "conditioners",
    ]  # fmt: skip


def test_it_sees_a_verb_cut_out_of_the_middle_of_a_claim():
    sentence = "You can go and see 39 years of our tax returns."
    cut = features(sentence, "You can go 39 years of our tax returns")
    assert cut["gaps"] == 1 and cut["skipped_verb"] == 1
    whole = features(sentence, "You can go and see 39 years of our tax returns")
    assert whole["gaps"] == 0 and whole["skipped_verb"] == 0 and whole["share"] == 1


def test_it_sees_a_sentence_the_speaker_broke_off_and_a_claim_opening_on_a_subordinator():
    broken = features("Well, he approved NAFTA and --", "He approved NAFTA")
    assert broken["sentence_ragged"] == 1
    assert features("Well, he approved NAFTA.", "He approved NAFTA")["sentence_ragged"] == 0
    when = features("When it was 6 trillion, we could have rebuilt it.", "When it was 6 trillion")
    assert when["first_subordinator"] == 1 and when["root_inside"] == 0


def test_a_quantity_phrase_without_a_verb_is_never_doubted():
    sentence = (
        "A typical Patriot battery contains a radar set, a control station and up to eight "
        "launchers, each with four ready to fire missiles."
    )
    doubt_all = doubting("share", 2)
    texts = [text for text, problem in screened(sentence, doubt_all) if not problem]
    assert "up to eight launchers, four missiles each" in texts
