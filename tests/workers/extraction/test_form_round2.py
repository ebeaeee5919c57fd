"""Claim rules prompted by the third sample (``docs/wellformed/fresh2.jsonl``): each failure type
read there, as a general rule."""

from tests.workers._nlp import parse_sentence
from workers.extraction.atomic import split_atomic


def texts(sentence: str) -> list[str]:
    return [claim.text for claim in split_atomic(parse_sentence(sentence))]


def test_a_closing_which_clause_stays_with_its_clause_since_its_antecedent_is_unclear():
    found = texts(
        "And now they have the oil all over the place, including a lot of the oil in Libya, "
        "which was another one of her disasters."
    )
    assert not any(t.startswith(("The oil was", "Libya was")) for t in found)
    assert found[-1].endswith("which was another one of her disasters")


def test_a_when_clause_with_no_main_clause_is_not_a_claim():
    found = texts(
        "When nearly half of the delegates needed to win the Republican nomination will be "
        "awarded, and the biggest prize of the night is Texas."
    )
    assert found == ["The biggest prize of the night is Texas"]
    assert texts(
        "When President Obama came into office, he inherited the worst economic disaster."
    ) == ["When President Obama came into office, he inherited the worst economic disaster"]


def test_an_answer_opening_with_because_asserts_the_rest():
    assert texts("Because Roe v. Wade clearly sets out that there can be regulations.") == [
        "Roe v. Wade clearly sets out that there can be regulations"
    ]


def test_an_auxiliary_whose_verb_went_to_the_other_clause_is_not_a_claim():
    found = texts("And once again one of us voted the right way and one of us didn't.")
    assert found == ["Once again one of us voted the right way"]


def test_a_date_after_a_name_is_not_what_the_name_is():
    found = texts("Not a single lead pipe has been replaced in Flint, even today.")
    assert not any(t.startswith("Flint is") for t in found)


def test_the_next_item_of_a_list_of_phrases_is_not_an_apposition():
    found = texts(
        "In eight years they haven't gotten anything done on Medicare, on Social Security, "
        "a patient's bill of rights."
    )
    assert not any(t.startswith("Social Security is") for t in found)


def test_a_phrase_after_the_object_is_not_a_list_item_of_its_own():
    found = texts(
        "Finally, I have kept my promise to appoint a justice to the United States Supreme "
        "Court, from my list of 20 judges, who will defend our Constitution."
    )
    assert not any(t.startswith("Finally, I have kept from") for t in found)


def test_a_yet_after_and_does_not_open_the_second_claim():
    found = texts(
        "These trade deals are far bigger than these companies, and yet we don't use them."
    )
    assert "We don't use them" in found
