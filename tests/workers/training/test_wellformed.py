from tests.workers._nlp import load_nlp
from workers.extraction import ClaimCandidate
from workers.extraction.vocabulary import KIND_EVENT, KIND_NOT_CHECKABLE
from workers.training.wellformed import claim_form_problem, form_report


def problem(text: str) -> str:
    return claim_form_problem(load_nlp()(text))


def test_the_issues_broken_claims_fail_the_check():
    assert problem("the city has built including") == "ends with “including”"
    assert problem("Including 1,200 social homes") == "starts with “including”"
    assert problem("Mr. Speaker, Mr. Vice President, Members of Congress") == "no finite verb"


def test_clauses_and_quantity_phrases_pass_it():
    assert problem("Since 2019 the city has built 4,000 homes.") == ""
    assert problem("up to eight launchers, four missiles each") == ""
    assert problem("Senator Sanders voted for that") == ""
    assert problem("That is not what they are asking for") == ""


def claim(text: str, kind: str) -> ClaimCandidate:
    return ClaimCandidate(text=text, sentence=text, start=0, end=len(text), kind=kind, score=0.9)


def test_the_report_counts_only_the_claims_shown_by_default():
    report = form_report(
        load_nlp(),
        [
            claim("The city has built 4,000 homes", KIND_EVENT),
            claim("Including 1,200 social homes", KIND_EVENT),
            claim("Mr. Speaker, Mr. Vice President", KIND_NOT_CHECKABLE),
        ],
    )
    assert (report.shown, report.malformed) == (2, 1)
    assert report.rate == 0.5
    assert report.examples == [("Including 1,200 social homes", "starts with “including”")]
