import pytest
from spacy.tokens import Span

from tests.workers._nlp import (
    ARTICLE,
    GOLD,
    MATCH_F1,
    load_nlp,
    parse_sentence,
    parse_sentences,
    sentence_with,
    token_f1,
)
from workers.extraction.atomic import MAX_CLAIM_CHARS, split_atomic

LAUNCHERS = "but a typical Patriot battery contains a radar set"


@pytest.fixture(scope="session")
def article() -> list[Span]:
    load_nlp()
    return parse_sentences(ARTICLE)


def texts(span: Span) -> list[str]:
    return [claim.text for claim in split_atomic(span)]


def test_it_splits_launchers_and_missiles_into_their_own_claim(article: list[Span]) -> None:
    span = sentence_with(article, LAUNCHERS)
    claims = {claim.text: claim for claim in split_atomic(span)}
    assert "up to eight launchers, four missiles each" in claims
    evidence = claims["up to eight launchers, four missiles each"]
    assert span.doc.text[evidence.start : evidence.end] == (
        "up to eight launchers, each with four ready to fire missiles"
    )


def test_the_rest_of_the_battery_list_stays_together_without_the_launchers(
    article: list[Span],
) -> None:
    listed = [t for t in texts(sentence_with(article, LAUNCHERS)) if "radar set" in t]
    assert len(listed) == 1
    assert listed[0].startswith("A typical Patriot battery contains a radar set")
    assert listed[0].endswith("computers, power generation equipment and a control station")
    assert "launchers" not in listed[0]


def test_every_claim_lies_inside_its_sentence_and_is_not_empty(article: list[Span]) -> None:
    total = 0
    for span in article:
        claims = split_atomic(span)
        assert claims, span.text
        for claim in claims:
            total += 1
            assert claim.text.strip() == claim.text and claim.text
            assert span.start_char <= claim.start < claim.end <= span.end_char, (claim, span.text)
            # The evidence starts with the claim's first word (capitalised or not).
            first_word = claim.text.split()[0].lower()
            assert span.doc.text[claim.start :].lower().startswith(first_word), claim
    assert total > len(article)


def test_a_sentence_with_one_fact_becomes_one_trimmed_claim() -> None:
    span = parse_sentence("Ukraine has been asking for the system for months, officials told CNN.")
    assert texts(span) == ["Ukraine has been asking for the system for months"]


def test_it_turns_an_apposition_into_a_claim_of_its_own(article: list[Span]) -> None:
    claims = texts(sentence_with(article, "Bill Taylor, the former US ambassador"))
    assert "Bill Taylor is the former US ambassador to Ukraine" in claims
    assert not any("ambassador" in c for c in claims if c.startswith("Bill Taylor said"))


def test_it_turns_a_relative_clause_into_a_claim_about_its_noun(article: list[Span]) -> None:
    claims = texts(sentence_with(article, "who is visiting the White House"))
    assert "President Volodymyr Zelensky is visiting the White House today" in claims
    assert (
        "The announcement comes ahead of Biden’s meeting with President Volodymyr Zelensky"
        in claims
    )


def test_coordinated_clauses_become_claims_that_share_the_subject(article: list[Span]) -> None:
    claims = texts(sentence_with(article, "and sent other weapon systems to Ukraine"))
    assert "The US sent other weapon systems to Ukraine" in claims
    first = [c for c in claims if "Poland" in c]
    assert len(first) == 1 and "other weapon systems" not in first[0]


def test_a_shared_modal_goes_with_the_shared_subject(article: list[Span]) -> None:
    claims = texts(sentence_with(article, "President Zelensky will address a joint session"))
    assert claims == [
        "President Zelensky will address a joint session of Congress",
        "President Zelensky will demonstrate strong bipartisan support for Ukraine",
    ]


def test_a_trailing_reporting_frame_is_dropped_and_a_named_speaker_is_kept(
    article: list[Span],
) -> None:
    sourced = texts(sentence_with(article, "at a US army base in Grafenwoehr"))
    assert not any("officials told" in c for c in sourced)
    named = texts(sentence_with(article, "Antony Blinken told CNN"))
    assert any("Blinken told CNN that the US is very focused" in c for c in named)


def test_leading_discourse_words_and_quote_marks_are_stripped(article: list[Span]) -> None:
    claims = texts(sentence_with(article, "However, the Pentagon’s plan"))
    assert claims[0].startswith("The Pentagon’s plan to send the Patriot missile")
    quoted = texts(sentence_with(article, "Biden is expected to announce"))
    assert quoted == ["Biden is expected to announce a significant new package of security aid"]


def test_a_list_without_quantities_is_one_fact() -> None:
    span = parse_sentence("The US has sent Patriot missiles to Saudi Arabia and Iraq.")
    assert texts(span) == ["The US has sent Patriot missiles to Saudi Arabia and Iraq"]


def test_each_counted_item_of_a_list_becomes_its_own_claim() -> None:
    span = parse_sentence("The army has 30 tanks, 12 jets and a field hospital.")
    assert texts(span) == [
        "The army has 30 tanks",
        "The army has 12 jets",
        "The army has a field hospital",
    ]


def test_a_subject_the_parser_hung_on_an_object_still_heads_its_clause() -> None:
    span = parse_sentence("Meanwhile, Germany delivered the tanks and Poland trained the crews.")
    assert texts(span) == ["Germany delivered the tanks", "Poland trained the crews"]


def test_most_gold_atomic_claims_are_recalled(article: list[Span]) -> None:
    found, missed = 0, []
    for gold in GOLD["checkworthy"]:
        produced = texts(sentence_with(article, gold["quote"]))
        for expected in gold["claims"]:
            if max(token_f1(p, expected) for p in produced) >= MATCH_F1:
                found += 1
            else:
                missed.append(expected)
    recall = found / (found + len(missed))
    assert recall >= 0.9, (recall, missed)


def test_most_claims_fit_the_claimreview_length(article: list[Span]) -> None:
    claims = [c for span in article for c in split_atomic(span)]
    short = sum(len(c.text) <= MAX_CLAIM_CHARS for c in claims)
    assert short / len(claims) >= 0.4
    assert len(claims) >= 60
