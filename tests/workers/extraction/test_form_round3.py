"""Claim rules prompted by the sixth sample (``docs/wellformed/fresh5.jsonl``): a number or a
range cut at its "and"/"or", and an apposition put on the wrong noun, each as a general rule."""

from tests.workers._nlp import parse_sentence
from workers.extraction.atomic import split_atomic


def texts(sentence: str) -> list[str]:
    return [claim.text for claim in split_atomic(parse_sentence(sentence))]


def test_a_number_spoken_with_and_is_not_cut_into_two_numbers():
    found = texts(
        "In the last month, we've had a net loss of one hundred and sixty-three thousand jobs."
    )
    assert found == [
        "In the last month, we've had a net loss of one hundred and sixty-three thousand jobs"
    ]


def test_a_fraction_joined_by_hyphens_stays_one_number():
    found = texts(
        "And it just continues, the seven-and-a-half years of unbelievable obstructionism we "
        "have seen from these right-wing Republicans."
    )
    assert not any(t.endswith("the seven") or "continues a-half" in t for t in found)
    assert any("seven-and-a-half years" in t for t in found)


def test_a_range_with_or_is_one_quantity():
    found = texts(
        "I said that we would create jobs for our people, and we did -- 6 million in the last "
        "20 or 21 months."
    )
    assert not any(t.endswith("the last 20") or t == "We did 21 months" for t in found)
    assert any("the last 20 or 21 months" in t for t in found)


def test_a_range_with_between_is_one_item_but_a_list_of_counts_is_still_cut():
    assert texts("The deal covers the gap between 40 tanks and 60 jets.") == [
        "The deal covers the gap between 40 tanks and 60 jets"
    ]
    assert texts("The army has 20 tanks and 30 jets.") == [
        "The army has 20 tanks",
        "The army has 30 jets",
    ]


def test_a_change_set_off_after_the_clause_is_not_what_the_name_is():
    found = texts(
        "Last month, 20,000 migrant children were illegally brought into the United States "
        "— a dramatic increase."
    )
    assert not any(t.startswith("The United States is") for t in found)
    found = texts("Spending rose while he was Governor - a 122% increase - in every year.")
    assert not any(t.startswith("Governor is") for t in found)


def test_a_list_of_two_determined_nouns_is_not_what_one_name_is():
    found = texts("Both parties in Washington, the president and the Congress, have cut Medicare.")
    assert not any(t.startswith("Washington is") for t in found)
    # One person with two titles is still described.
    assert "Zelensky is the president and commander in chief of Ukraine" in texts(
        "We met Zelensky, the president and commander in chief of Ukraine."
    )


def test_a_date_set_off_after_a_name_is_still_what_the_name_is():
    found = texts(
        "While millions have already voted, Election Day, November 8th, is just 20 days away."
    )
    assert "Election Day is November 8th" in found


def test_a_description_with_a_coordination_inside_it_is_still_an_apposition():
    found = texts(
        "We strongly support NATO, an alliance forged through the bonds of two world wars that "
        "dethroned fascism, and a Cold War, and defeated communism."
    )
    assert "We strongly support NATO" in found
    assert not any(t.startswith("We strongly support NATO and") for t in found)


def test_a_share_of_a_group_is_still_what_the_group_is():
    found = texts(
        "Unfortunately, 123 Democrats in the House of Representatives — 64 percent of House "
        "Democrats — have already formally co-sponsored this legislation."
    )
    assert (
        "123 Democrats in the House of Representatives are 64 percent of House Democrats" in found
    )
