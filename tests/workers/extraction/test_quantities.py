import json
from collections.abc import Callable
from typing import Any

import pytest
from spacy.tokens import Span

from tests.paths import SHARED_DATA
from workers.extraction.quantities import Quantity, find_quantities

DATA = SHARED_DATA
ARTICLE = (DATA / "patriot-article.txt").read_text(encoding="utf-8")
GOLD: dict[str, Any] = json.loads((DATA / "patriot-gold.json").read_text(encoding="utf-8"))
# Stated in a check-worthy sentence but not in the gold list, because it has no number.
VAGUE_IN_ARTICLE = {"dozens of personnel"}


def only(span: Span, text: str) -> Quantity:
    matches = [q for q in find_quantities(span) if q.text == text]
    assert len(matches) == 1, [q.text for q in find_quantities(span)]
    return matches[0]


@pytest.fixture(scope="module")
def article(sentences: Callable[[str], list[Span]]) -> list[Span]:
    return sentences(ARTICLE)


@pytest.mark.parametrize("gold", GOLD["quantities"], ids=lambda gold: gold["text"])
def test_it_finds_every_gold_quantity(article: list[Span], gold: dict[str, Any]) -> None:
    span = next(span for span in article if gold["quote"] in span.text)

    quantity = only(span, gold["text"])

    assert quantity.value == gold["value"]
    assert quantity.unit == gold["unit"]
    assert quantity.qualifier == gold.get("qualifier", "")
    assert span.doc.text[quantity.start : quantity.end] == gold["text"]


def test_it_finds_nothing_in_the_article_beyond_the_gold(article: list[Span]) -> None:
    found = {q.text for span in article for q in find_quantities(span)}

    assert found == {gold["text"] for gold in GOLD["quantities"]} | VAGUE_IN_ARTICLE


def test_it_reads_a_dozen_as_twelve(sentence: Callable[[str], Span]) -> None:
    quantity = only(sentence("The army sent a dozen tanks."), "a dozen tanks")

    assert (quantity.value, quantity.unit) == (12, "tanks")


def test_it_multiplies_number_words(sentence: Callable[[str], Span]) -> None:
    span = sentence("Officials said three hundred and fifty people were evacuated.")

    assert only(span, "three hundred and fifty people").value == 350


def test_it_reads_hyphenated_number_words(sentence: Callable[[str], Span]) -> None:
    assert only(sentence("Twenty-five tanks crossed."), "Twenty-five tanks").value == 25


def test_it_reads_two_dozen_as_twenty_four(sentence: Callable[[str], Span]) -> None:
    quantity = only(sentence("Two dozen F-16 jets arrived."), "Two dozen F-16 jets")

    assert (quantity.value, quantity.unit) == (24, "jets")


def test_it_drops_thousands_separators(sentence: Callable[[str], Span]) -> None:
    assert only(sentence("The plant employs 1,200 workers."), "1,200 workers").value == 1200


def test_it_scales_decimals_by_million(sentence: Callable[[str], Span]) -> None:
    quantity = only(sentence("The US sent 1.5 million rounds."), "1.5 million rounds")

    assert quantity.value == 1_500_000
    assert isinstance(quantity.value, int)


def test_it_reads_money_as_an_amount_and_a_currency_code(sentence: Callable[[str], Span]) -> None:
    span = sentence("The US will send $3 billion in aid and the EU €20 million.")

    assert (only(span, "$3 billion").value, only(span, "$3 billion").unit) == (3e9, "USD")
    assert (only(span, "€20 million").value, only(span, "€20 million").unit) == (2e7, "EUR")


@pytest.mark.parametrize(
    ("text", "value"), [("4.5%", 4.5), ("40 percent", 40), ("12 per cent", 12)]
)
def test_it_reads_percentages_with_a_percent_unit(
    sentence: Callable[[str], Span], text: str, value: float
) -> None:
    quantity = only(sentence(f"Prices rose by {text} last year."), text)

    assert (quantity.value, quantity.unit) == (value, "%")


def test_it_leaves_dozens_without_a_value(sentence: Callable[[str], Span]) -> None:
    quantity = only(sentence("It takes dozens of personnel to run."), "dozens of personnel")

    assert (quantity.value, quantity.unit) == (None, "personnel")


def test_it_reads_tens_of_thousands_as_one_vague_quantity(
    sentence: Callable[[str], Span],
) -> None:
    quantities = find_quantities(sentence("Tens of thousands of people fled the city."))

    assert [(q.text, q.value, q.unit) for q in quantities] == [
        ("Tens of thousands of people", None, "people")
    ]


def test_it_counts_durations(sentence: Callable[[str], Span]) -> None:
    quantity = only(sentence("The fire burned for 48 hours."), "48 hours")

    assert (quantity.value, quantity.unit) == (48, "hours")


@pytest.mark.parametrize(
    "text",
    [
        "Growth slowed in the first quarter.",
        "She came 2nd in the race.",
        "The treaty was signed in 1949.",
        "The talks ended on December 21.",
        "The meeting starts at 10:30 am.",
        "Article 5 of the treaty applies.",
        "Kyiv asked for F-16 jets.",
        "It is one of the most capable systems.",
        "Officials said the talks went well.",
    ],
)
def test_it_finds_no_quantity_in_ordinals_dates_labels_or_plain_words(
    sentence: Callable[[str], Span], text: str
) -> None:
    assert find_quantities(sentence(text)) == []


@pytest.mark.parametrize(
    ("text", "quantity_text", "qualifier"),
    [
        ("At least 1,200 troops crossed.", "At least 1,200 troops", "at least"),
        ("Fewer than twenty-five tanks crossed.", "Fewer than twenty-five tanks", "fewer than"),
        ("The town lies some 20 miles away.", "some 20 miles", "some"),
        ("The company employs over 5,000 workers.", "over 5,000 workers", "over"),
        ("As many as 30 towns were shelled.", "As many as 30 towns", "as many as"),
        ("Prices rose about 40 percent.", "about 40 percent", "about"),
        ("Nearly 300 people were evacuated.", "Nearly 300 people", "nearly"),
    ],
)
def test_it_reads_the_hedge_before_a_number_as_its_qualifier(
    sentence: Callable[[str], Span], text: str, quantity_text: str, qualifier: str
) -> None:
    assert only(sentence(text), quantity_text).qualifier == qualifier


def test_it_reads_a_trailing_each_as_distributive(sentence: Callable[[str], Span]) -> None:
    quantity = only(sentence("Each battery has four launchers each."), "four launchers")

    assert quantity.qualifier == "each"


def test_it_does_not_take_a_preposition_for_a_qualifier(sentence: Callable[[str], Span]) -> None:
    assert only(sentence("He talked about five things."), "five things").qualifier == ""


def test_its_offsets_are_into_the_whole_document(sentences: Callable[[str], list[Span]]) -> None:
    second = sentences("The war goes on. Nearly 300 people were evacuated.")[1]

    quantity = only(second, "Nearly 300 people")

    assert quantity.start > 0
    assert second.doc.text[quantity.start : quantity.end] == "Nearly 300 people"


def test_it_serialises_to_json(sentence: Callable[[str], Span]) -> None:
    quantity = only(sentence("Up to eight launchers were sent."), "Up to eight launchers")

    assert json.loads(json.dumps(quantity.to_dict())) == {
        "text": "Up to eight launchers",
        "value": 8,
        "unit": "launchers",
        "qualifier": "up to",
        "start": 0,
        "end": 21,
    }
