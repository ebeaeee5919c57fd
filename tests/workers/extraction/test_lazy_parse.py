"""The entity recogniser waits for the score, and the claims of sentences that pass are the same
as when it runs on every line (the real model and the committed neural scorer)."""

import pytest
from spacy.tokens import Doc

from tests.workers._nlp import ARTICLE, load_nlp
from workers.extraction import extract_claims
from workers.extraction.lazy_parse import deferrable, entity_docs
from workers.extraction.neural import NeuralScorer
from workers.extraction.sentences import split_sentences

TRANSCRIPT = "\n".join(
    [
        "Thank you all for coming tonight.",
        "It is good to be here with you in this room.",
        "President Volodymyr Zelensky spoke to Congress on Tuesday.",
        "We have a lot of friends here tonight, so let us begin.",
        "He said that Ukraine had lost 2,000 soldiers in March alone.",
        "“We need 50 more Patriot batteries,” he told reporters.",
        "“They saved 3,000 lives last winter.”",
        "Good night, and thank you.",
    ]
)


@pytest.fixture(scope="module")
def scorers() -> tuple[NeuralScorer, NeuralScorer]:
    lazy, eager = NeuralScorer.load(), NeuralScorer.load()
    eager.reads_entities = True  # type: ignore[misc]
    return lazy, eager


@pytest.mark.parametrize("text", [ARTICLE, TRANSCRIPT], ids=["article", "transcript"])
def test_claims_are_the_same_as_with_entities_on_every_line(
    scorers: tuple[NeuralScorer, NeuralScorer], text: str
) -> None:
    lazy, eager = scorers
    claims = extract_claims(load_nlp(), text, scorer=eager)
    assert claims, "the text should give claims"
    assert extract_claims(load_nlp(), text, scorer=lazy) == claims


def test_only_lines_with_a_passing_sentence_or_its_context_get_entities() -> None:
    nlp = load_nlp()
    sentences = split_sentences(nlp, TRANSCRIPT, deferred=deferrable(nlp))
    spans = [s.span for s in sentences]
    assert not any(span.doc.has_annotation("ENT_IOB") for span in spans)
    # Only the fifth line passes: it, the title line before it and the quoted lines are needed.
    scores = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
    needed: list[Doc] = entity_docs(spans, scores, 0.5)
    texts = [doc.text for doc in needed]
    assert texts == [
        "President Volodymyr Zelensky spoke to Congress on Tuesday.",
        "We have a lot of friends here tonight, so let us begin.",
        "He said that Ukraine had lost 2,000 soldiers in March alone.",
        "“We need 50 more Patriot batteries,” he told reporters.",
        "“They saved 3,000 lives last winter.”",
    ]


def test_a_scorer_that_reads_entities_gets_them_on_every_line() -> None:
    assert deferrable(load_nlp()) == ["ner"]
    nlp = load_nlp()
    sentences = split_sentences(nlp, TRANSCRIPT)
    assert all(s.span.doc.has_annotation("ENT_IOB") for s in sentences)
