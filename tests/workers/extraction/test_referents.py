import pytest

from tests.workers._nlp import load_nlp, parse_sentence
from workers.extraction import extract_claims
from workers.extraction.referents import resolve_pronoun


class FixedScorer:
    threshold = 0.5

    def score_spans(self, spans):
        return [0.9] * len(spans)


@pytest.fixture(scope="module")
def claims():
    text = (
        "President Volodymyr Zelensky visited Washington on Wednesday.\n"
        "He met Joe Biden at the White House and he asked Congress for $45 billion in aid.\n"
    )
    return text, extract_claims(load_nlp(), text, scorer=FixedScorer())


def test_a_pronoun_subject_gets_the_person_named_in_the_previous_sentence(claims):
    text, found = claims
    met = next(c for c in found if "met Joe Biden" in c.text)
    assert met.text.startswith("Volodymyr Zelensky met Joe Biden")
    assert text[met.start : met.end].startswith("He met")  # the evidence is the article's words


def test_a_second_he_in_the_sentence_is_the_first_ones_person_not_the_object(claims):
    _, found = claims
    asked = next(c for c in found if "asked Congress" in c.text)
    assert asked.text.startswith("Volodymyr Zelensky asked Congress"), asked.text


def test_a_pronoun_in_a_direct_quote_is_never_its_speaker():
    text = "Bill Taylor said: “He needs 40 longer-range missiles from Germany.”\n"
    found = extract_claims(load_nlp(), text, scorer=FixedScorer())
    assert not any(c.text.startswith("Bill Taylor needs") for c in found), found


def test_without_anyone_named_the_pronoun_stays():
    text = "The weather was cold in Kyiv.\nHe asked Congress for $45 billion in aid.\n"
    found = extract_claims(load_nlp(), text, scorer=FixedScorer())
    assert any(c.text.startswith("He asked Congress") for c in found), found


def test_a_person_named_only_in_an_object_is_not_taken_as_the_referent():
    text = "One woman wrote me about her son, Felix.\nShe adopted him from Ethiopia in 2004.\n"
    found = extract_claims(load_nlp(), text, scorer=FixedScorer())
    assert not any(c.text.startswith("Felix adopted") for c in found), found


def test_the_speaker_is_the_referent_only_of_what_the_speaker_reports():
    choked = parse_sentence("He choked in 2019 and then got into a Twitter war with Mexico.")
    text = "He choked in 2019"
    assert resolve_pronoun(text, choked, choked, None, "Barack Obama") == text
    posted = parse_sentence("The President of Ukraine posted that he hopes to get 40 batteries.")
    he = next(t for t in posted if t.lower_ == "he")
    claim = posted.doc[he.i : posted.end - 1]
    resolved = resolve_pronoun(claim.text, claim, posted, None, "Zelensky")
    assert resolved == "Zelensky hopes to get 40 batteries"
