import json
from collections.abc import Callable
from typing import Any

import pytest
from spacy.tokens import Span

from tests.paths import SHARED_DATA
from workers.extraction.attribution import Attribution, attribute_sentences, find_speaker

DATA = SHARED_DATA
ARTICLE = (DATA / "patriot-article.txt").read_text(encoding="utf-8")
GOLD: dict[str, Any] = json.loads((DATA / "patriot-gold.json").read_text(encoding="utf-8"))
GOLD_SPEAKERS = [claim for claim in GOLD["checkworthy"] if "speaker" in claim]

Sentences = Callable[[str], list[Span]]
Sentence = Callable[[str], Span]


@pytest.fixture(scope="module")
def article(sentences: Sentences) -> list[tuple[Span, Attribution]]:
    spans = sentences(ARTICLE)
    return list(zip(spans, attribute_sentences(spans), strict=True))


@pytest.mark.parametrize("gold", GOLD_SPEAKERS, ids=lambda gold: gold["quote"][:40])
def test_it_names_every_gold_speaker(
    article: list[tuple[Span, Attribution]], gold: dict[str, Any]
) -> None:
    attribution = next(found for span, found in article if gold["quote"] in span.text)

    # The gold gives some people by surname only ("Zelensky"); a full name is as good.
    assert attribution.speaker == gold["speaker"] or attribution.speaker.endswith(
        " " + gold["speaker"]
    )


def test_it_takes_the_subject_of_a_reporting_verb(sentence: Sentence) -> None:
    attribution = find_speaker(sentence("The three officials told CNN that approval is expected."))

    assert (attribution.speaker, attribution.via) == ("three officials", "CNN")


def test_every_reporting_verb_of_the_shared_vocabulary_names_a_speaker(
    sentence: Sentence,
) -> None:
    # "suggest" was missing from this module's own copy of the list before the two were merged.
    attribution = find_speaker(sentence("Blinken suggested that the US will send 30 tanks."))

    assert attribution.speaker == "Blinken"


def test_whoever_promises_something_is_its_speaker(sentence: Sentence) -> None:
    attribution = find_speaker(sentence("Senator Kennedy promised that taxes would fall by 2024."))

    assert attribution.speaker == "Kennedy"


def test_it_takes_a_speaker_after_the_quote(sentence: Sentence) -> None:
    attribution = find_speaker(sentence("“We are very focused on air defense,” Blinken said."))

    assert attribution.speaker == "Blinken"


def test_it_ignores_reporting_verbs_inside_the_quote(sentence: Sentence) -> None:
    assert find_speaker(sentence("“He said no,” Blinken said.")).speaker == "Blinken"


def test_it_drops_the_article_from_a_speaker(sentence: Sentence) -> None:
    attribution = find_speaker(sentence("“The visit will matter,” the statement said."))

    assert attribution.speaker == "statement"


def test_it_widens_the_statement_to_the_one_named_before(sentences: Sentences) -> None:
    previous, span = sentences(
        "Jean-Pierre said in a White House statement that Biden was ready.\n"
        "“The visit will matter,” the statement said."
    )

    attribution = find_speaker(span, previous=previous)

    assert attribution.speaker == "White House statement"
    assert span.doc.text[attribution.start : attribution.end] == "statement"


def test_it_gives_no_speaker_for_a_passive_report(sentence: Sentence) -> None:
    span = sentence("Joe Biden was said to be finalizing plans to send a Patriot system.")

    assert find_speaker(span).speaker == ""


def test_it_takes_the_agent_of_a_passive_announcement(sentence: Sentence) -> None:
    span = sentence("It was announced by the Ministry of Defence that 20 tanks were lost.")

    assert find_speaker(span).speaker == "Ministry of Defence"


def test_it_drops_titles_from_a_named_person(sentence: Sentence) -> None:
    span = sentence("Last month, US Secretary of State Antony Blinken told CNN that it helps.")

    attribution = find_speaker(span)

    assert (attribution.speaker, attribution.via) == ("Antony Blinken", "CNN")
    assert span.doc.text[attribution.start : attribution.end] == "Antony Blinken"


def test_it_drops_an_apposition_from_the_speaker(sentence: Sentence) -> None:
    span = sentence("Bill Taylor, the former US ambassador to Ukraine, said the aid matters.")

    assert find_speaker(span).speaker == "Bill Taylor"


def test_it_widens_a_surname_from_the_previous_sentence(sentences: Sentences) -> None:
    previous, span = sentences(
        "Antony Blinken told CNN that the US is focused.\n“We are working on it,” Blinken said."
    )

    assert find_speaker(span, previous=previous).speaker == "Antony Blinken"


def test_it_resolves_he_to_a_person_earlier_in_the_sentence(sentence: Sentence) -> None:
    span = sentence("When Zelensky landed in Washington, he said the trip mattered.")

    attribution = find_speaker(span)

    assert attribution.speaker == "Zelensky"
    assert span.doc.text[attribution.start : attribution.end] == "Zelensky"


def test_it_resolves_he_from_the_previous_sentence(sentences: Sentences) -> None:
    previous, span = sentences(
        "Zelensky was handed a Ukrainian flag.\n“The guys handed over our flag,” he said in the video."
    )

    attribution = find_speaker(span, previous=previous)

    assert (attribution.speaker, attribution.via) == ("Zelensky", "video")
    assert span.doc.text[attribution.start : attribution.end] == "he"


def test_it_leaves_an_unresolved_pronoun_without_a_speaker(sentence: Sentence) -> None:
    assert find_speaker(sentence("He said the trip mattered.")).speaker == ""


def test_it_prefers_a_named_subject_to_an_unresolved_pronoun(sentence: Sentence) -> None:
    span = sentence(
        "They said the talks failed, and the spokesman told reporters that Kyiv would respond."
    )

    assert (find_speaker(span).speaker, find_speaker(span).via) == ("spokesman", "reporters")


def test_it_reads_according_to_as_a_source(sentence: Sentence) -> None:
    assert find_speaker(sentence("According to the governor, three people died.")).speaker == (
        "governor"
    )


def test_it_gives_a_quote_paragraph_without_a_verb_no_speaker(sentence: Sentence) -> None:
    assert find_speaker(sentence("“We are not in an easy situation.”")) == Attribution(
        speaker="", via="", start=None, end=None
    )


def test_it_carries_a_quote_speaker_into_the_next_quote_paragraph(sentences: Sentences) -> None:
    spans = sentences(
        "“We are very focused on air defense,” Blinken said.\n"
        "“We have a very deliberate process to get them what they need.”"
    )

    carried = attribute_sentences(spans)[1]

    assert carried == Attribution(speaker="Blinken", via="", start=None, end=None)


def test_it_stops_carrying_at_a_narrative_sentence(sentences: Sentences) -> None:
    spans = sentences(
        "“We are very focused on air defense,” Blinken said.\n"
        "Ukraine has been asking for the system for months.\n"
        "“We have a very deliberate process to get them what they need.”"
    )

    assert [found.speaker for found in attribute_sentences(spans)] == ["Blinken", "", ""]


def test_it_names_a_titled_speaker_after_the_last_holder_of_the_title(
    sentences: Sentences,
) -> None:
    spans = sentences(
        "Biden will meet President Volodymyr Zelensky today.\n"
        "The President of Ukraine posted on Twitter that he hopes for more aid."
    )

    attribution = attribute_sentences(spans)[1]

    assert (attribution.speaker, attribution.via) == ("Volodymyr Zelensky", "Twitter")
    assert spans[1].doc.text[attribution.start : attribution.end] == "President of Ukraine"


def test_it_serialises_to_json(sentence: Sentence) -> None:
    attribution = find_speaker(sentence("Officials told CNN that approval is expected."))

    assert json.loads(json.dumps(attribution.to_dict())) == {
        "speaker": "Officials",
        "via": "CNN",
        "start": 0,
        "end": 9,
    }
