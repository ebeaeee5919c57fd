import pytest
from spacy.tokens import Span

from tests.workers._nlp import (
    ARTICLE,
    GOLD,
    load_nlp,
    parse_sentence,
    parse_sentences,
    sentence_with,
)
from workers.extraction.kinds import classify_kind


@pytest.fixture(scope="session")
def article() -> list[Span]:
    load_nlp()
    return parse_sentences(ARTICLE)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We hope the meeting with Biden goes well.", "not_checkable"),
        ("I believe Russia will lose this war.", "not_checkable"),
        ("We will rebuild every house in Bakhmut.", "not_checkable"),
        ("Will the US send tanks to Ukraine?", "not_checkable"),
        ("The strike could kill thousands of civilians in Kharkiv.", "not_checkable"),
        ("The US sent 30 tanks to Poland in 2023.", "quantity"),
        ("Poland has a larger army than Germany.", "comparison"),
        ("Biden visited Kyiv on Monday.", "event"),
        ("Blinken told CNN that the US is focused on air defense.", "attribution"),
        ("Ukraine sent troops to Bakhmut, officials told CNN.", "event"),
        # A promise keeps its frame: what was promised is no fact yet.
        ("We promised that the US would send 30 tanks to Poland.", "not_checkable"),
        ("Mr. Carter alleges that the Pope signed the treaty in 1979.", "attribution"),
    ],
)
def test_it_classifies_clear_cases(text: str, kind: str) -> None:
    assert classify_kind(parse_sentence(text)) == kind


def test_it_agrees_with_the_gold_kinds_of_the_sample_article(article: list[Span]) -> None:
    disagreements = [
        (gold["quote"], gold["kind"], kind)
        for gold in GOLD["checkworthy"]
        if (kind := classify_kind(sentence_with(article, gold["quote"]))) != gold["kind"]
    ]
    assert len(disagreements) <= 2, disagreements


def test_first_person_feelings_in_the_article_are_hidden(article: list[Span]) -> None:
    for quote in (
        "We are grateful for their support",
        "We are not in an easy situation.",
        "We are now very focused on air defense systems",
        "it could potentially shoot down Russian missiles",
    ):
        assert classify_kind(sentence_with(article, quote)) == "not_checkable", quote


def test_no_checkworthy_sentence_is_hidden(article: list[Span]) -> None:
    hidden = [
        gold["quote"]
        for gold in GOLD["checkworthy"]
        if classify_kind(sentence_with(article, gold["quote"])) == "not_checkable"
    ]
    assert hidden == []
