from tests.workers._nlp import load_nlp, parse_sentence
from workers.extraction.atomic import split_atomic
from workers.extraction.form import form_problem


def texts(sentence: str) -> list[str]:
    return [claim.text for claim in split_atomic(parse_sentence(sentence))]


def test_an_including_item_stays_with_the_item_it_is_part_of():
    claims = texts("Since 2019 the city has built 4,000 homes, including 1,200 social homes.")
    assert claims == ["Since 2019 the city has built 4,000 homes, including 1,200 social homes"]
    assert texts("He's shipped jobs to 12 countries, including Mexico.") == [
        "He's shipped jobs to 12 countries, including Mexico"
    ]


def test_a_rate_stays_with_the_amount_it_divides():
    assert texts("We got 3.5 million individual contributions, $27 a piece.") == [
        "We got 3.5 million individual contributions, $27 a piece"
    ]


def test_alternatives_are_one_claim_since_neither_half_is_asserted():
    assert texts("In the last 10 polls on RealClearPolitics, I either tied or beat Hillary.") == [
        "In the last 10 polls on RealClearPolitics, I either tied or beat Hillary"
    ]


def test_a_restrictive_relative_clause_stays_but_one_set_off_by_a_comma_is_split():
    assert texts("Well, there's seven million people that contracted COVID.") == [
        "Well, there's seven million people that contracted COVID"
    ]
    assert "Zelensky is visiting the White House today" in texts(
        "Biden met Zelensky, who is visiting the White House today."
    )


def test_a_transcribers_note_and_a_name_spoken_to_are_not_part_of_the_claim():
    assert texts("(inaudible) I watched him repeat himself five times four weeks ago.") == [
        "I watched him repeat himself five times four weeks ago"
    ]
    claims = texts("Secretary Clinton, as secretary of state, you pioneered a program in 2010.")
    assert all(not c.startswith("Secretary Clinton") for c in claims), claims


def test_a_percent_sign_at_the_end_is_kept():
    assert texts("The mortality rate is down 85%.") == ["The mortality rate is down 85%"]


def test_a_subjectless_line_and_a_cut_off_report_are_flagged():
    [claim] = split_atomic(parse_sentence("advocated more countries getting them, Japan, Korea."))
    assert claim.problem == "no subject"
    [claim] = split_atomic(parse_sentence("Governor, Mr. Trump has said"))
    assert claim.problem == "ends with “said”"


def test_a_salutation_before_a_colon_is_not_part_of_the_claim():
    [claim] = texts(
        "Mr. Speaker, Mr. Vice President, Members of Congress: tonight we passed "
        "a budget of $4 trillion."
    )
    assert not claim.startswith("Mr. Speaker"), claim
    assert "$4 trillion" in claim


def test_a_clause_with_a_finite_verb_has_no_problem():
    doc = load_nlp()("The city has built 4,000 homes.")
    assert form_problem([t for t in doc if not t.is_punct]) == ""


def test_a_fragment_starting_with_a_connector_is_flagged():
    doc = load_nlp()("Including 1,200 social homes")
    assert form_problem(list(doc)) == "starts with “including”"


def test_a_verbless_greeting_is_flagged_but_a_quantity_phrase_is_not():
    greeting = load_nlp()("Mr. Speaker, Mr. Vice President")
    assert form_problem([t for t in greeting if not t.is_punct]) == "no finite verb"
    quantity = load_nlp()("up to eight launchers, four missiles each")
    assert form_problem(list(quantity)) == ""


def test_a_preposition_cut_from_its_object_is_flagged_but_one_stranded_by_a_relative_is_not():
    doc = load_nlp()("The officials sent the missiles to Ukraine.")
    cut = [t for t in doc if t.i <= 5]  # "... the missiles to"
    assert form_problem(cut) == "ends with “to”"
    stranded = load_nlp()("This is what they are asking for")
    assert form_problem(list(stranded)) == ""


def test_a_sentence_that_is_no_clause_stays_whole_and_carries_its_problem():
    [claim] = split_atomic(parse_sentence("The failing New York Times and its 300 reporters."))
    assert claim.problem == ""  # a quantity phrase: "300 reporters"
    [claim] = split_atomic(parse_sentence("Slowest economic recovery since the Great Depression."))
    assert claim.problem == "no finite verb"
    assert claim.text == "Slowest economic recovery since the Great Depression"


def test_a_sentence_whose_verbs_all_hang_off_a_noun_has_no_main_clause():
    [claim] = split_atomic(
        parse_sentence("Donald Trump's idea that more nations should get nuclear weapons, Japan.")
    )
    assert claim.problem == "no main clause"


def test_a_transcribers_bracketed_note_inside_a_sentence_is_dropped():
    claims = texts("Under that plan [crosstalk] they spent $40 billion on roads in 2019.")
    assert claims and all("crosstalk" not in c for c in claims), claims


def claims(sentence: str) -> list[tuple[str, str]]:
    return [(claim.text, claim.problem) for claim in split_atomic(parse_sentence(sentence))]


def test_an_apposition_on_a_list_of_names_is_not_made_into_one_name_is_something():
    sentence = (
        "And my plan, Paul Krugman, Barney Frank, a lot of experts who understand what the new "
        "challenges might be, have said I am exactly on point."
    )
    assert not any(" is a lot of experts" in text for text in texts(sentence))
    assert texts("Bill Taylor, the former US ambassador, said it was wrong.")[0] == (
        "Bill Taylor is the former US ambassador"
    )


def test_a_which_clause_about_the_whole_clause_stays_with_it():
    sentence = (
        "Look, Donald Trump has filed over 100 pages of financial disclosure, which is what the "
        "law requires."
    )
    found = texts(sentence)
    assert len(found) == 1 and found[0].endswith("disclosure, which is what the law requires")


def test_an_aside_between_dashes_is_dropped_and_its_relative_clause_goes_to_the_name():
    sentence = (
        "It includes yet another scheme through the so-called Green Climate Fund — nice name — "
        "which calls for developed countries to send $100 billion to developing countries."
    )
    found = texts(sentence)
    assert not any("nice name" in text for text in found)
    assert (
        "The so-called Green Climate Fund calls for developed countries to send $100 billion "
        "to developing countries" in found
    )


def test_a_subject_clause_broken_off_for_a_new_start_is_no_main_clause():
    assert claims("What you did -- and this is after getting a subpoena from Congress.") == [
        ("What you did -- and this is after getting a subpoena from Congress", "no main clause")
    ]
    assert claims("What we need is more jobs.") == [("What we need is more jobs", "")]


def test_it_is_one_thing_keeps_the_clause_it_is_contrasted_with():
    sentence = (
        "It's one thing to have $20 trillion in debt and our roads are good and everything's in "
        "great shape."
    )
    assert len(texts(sentence)) == 1
    assert len(texts("We have debt and our roads are good.")) == 2
