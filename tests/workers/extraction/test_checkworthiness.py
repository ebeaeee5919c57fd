"""The check-worthiness scorer with the committed model and the real en_core_web_sm pipeline."""

import gzip
import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Span

from workers.extraction.checkworthiness import (
    ArtifactError,
    CheckworthinessModel,
    LexicalModel,
    lexical_counts,
    lexical_features,
    load_default_model,
    masked_lemmas,
    sentence_features,
)
from workers.training import cw_metrics

# Written for these tests, not taken from the training or evaluation data.
CHECKWORTHY = [
    "Unemployment fell to 3.5 percent last year, the lowest rate in fifty years.",
    "My opponent voted against the defense bill fourteen times.",
    "The federal deficit has tripled since 2019.",
    "Violent crime in our cities went up by 30 percent under this administration.",
    "Ten million people lost their health insurance in the last two years.",
]
NOT_CHECKWORTHY = [
    "Thank you very much.",
    "I think that's a great question.",
    "Let me finish, please.",
    "We're going to make this country great again.",
    "I'm happy to talk about this.",
]


@pytest.fixture(scope="module")
def model() -> CheckworthinessModel:
    return load_default_model()


def test_it_loads_the_committed_artifact_with_a_threshold_and_a_version(
    model: CheckworthinessModel,
) -> None:
    assert 0.0 < model.threshold < 1.0
    assert model.version.startswith("ensemble-masked-tfidf-2+")
    assert len(model.weights) > 1000
    assert model.lexical is not None
    assert 0.0 < model.lexical.share < 0.5
    assert len(model.lexical.idf) > 1000


def test_the_score_is_the_shared_average_of_the_abstract_and_lexical_models(
    model: CheckworthinessModel, sentence: Callable[[str], Span]
) -> None:
    assert model.lexical is not None
    span = sentence("The federal deficit has tripled since 2019.")
    abstract = model.score_features(sentence_features(span))
    lexical = model.lexical.score(span.text)
    share = model.lexical.share
    assert model.score_spans([span]) == [pytest.approx((1 - share) * abstract + share * lexical)]


def test_load_default_model_reads_the_artifact_once_per_process() -> None:
    assert load_default_model() is load_default_model()


def test_it_scores_a_statistic_above_an_opinion(
    model: CheckworthinessModel, sentence: Callable[[str], Span]
) -> None:
    statistic, opinion = model.score_spans(
        [
            sentence("Unemployment fell to 3.5 percent last year."),
            sentence("I think that's a great question."),
        ]
    )
    assert statistic > opinion


def test_it_flags_a_voting_record_and_not_a_thank_you(
    model: CheckworthinessModel, sentence: Callable[[str], Span]
) -> None:
    record, thanks = model.score_spans(
        [
            sentence("My opponent voted against the defense bill fourteen times."),
            sentence("Thank you very much."),
        ]
    )
    assert model.is_checkworthy(record)
    assert not model.is_checkworthy(thanks)


def test_it_ranks_unseen_claims_above_unseen_chatter(
    model: CheckworthinessModel, nlp: Language
) -> None:
    scores = model.score_texts(nlp, CHECKWORTHY + NOT_CHECKWORTHY)
    labels = [True] * len(CHECKWORTHY) + [False] * len(NOT_CHECKWORTHY)
    assert cw_metrics.average_precision(labels, scores) >= 0.9


def test_every_score_is_between_zero_and_one(model: CheckworthinessModel, nlp: Language) -> None:
    texts = ["", "?", "Yes.", " ".join(CHECKWORTHY), "no " * 300]
    scores = model.score_texts(nlp, texts)
    assert len(scores) == len(texts)
    assert all(0.0 <= score <= 1.0 for score in scores)


def test_it_scores_an_empty_list_as_an_empty_list(model: CheckworthinessModel) -> None:
    assert model.score_spans([]) == []


def test_it_scores_the_sentences_of_a_parsed_article_in_order(
    model: CheckworthinessModel, nlp: Language
) -> None:
    doc = nlp("Thank you very much. The federal deficit has tripled since 2019.")
    spans = list(doc.sents)
    assert len(spans) == 2
    forward = model.score_spans(spans)
    backward = model.score_spans(spans[::-1])
    assert forward == backward[::-1]
    assert forward[1] > forward[0]


def test_score_texts_gives_the_scores_of_score_spans_on_the_same_parse(
    model: CheckworthinessModel, nlp: Language
) -> None:
    spans = [doc[:] for doc in nlp.pipe(CHECKWORTHY)]
    assert model.score_texts(nlp, CHECKWORTHY) == model.score_spans(spans)


def test_it_masks_entities_and_numbers_with_their_kind(sentence: Callable[[str], Span]) -> None:
    words = masked_lemmas(sentence("Joe Biden said 7 million people in Ohio got sick."))
    assert "joe" not in words
    assert "ohio" not in words
    assert "7" not in words
    assert "<GPE>" in words
    assert "say" in words


def test_each_feature_group_has_unit_length(sentence: Callable[[str], Span]) -> None:
    features = sentence_features(sentence("The deficit has tripled since 2019."))
    for group in ("l", "p", "d", "e"):
        values = [v for k, v in features.items() if k.startswith(group + "|")]
        assert sum(v * v for v in values) == pytest.approx(1.0)


def test_character_ngrams_stay_inside_words_padded_with_spaces() -> None:
    counts = lexical_counts("We  WON, a lot")
    assert counts["w"] == {"we": 1, "won": 1, "lot": 1, "we won": 1, "won lot": 1}
    chars = counts["c"]
    assert chars[" we "] == 1  # the whole padded word; no 5-gram of a 4-character string
    assert chars[" a "] == 1
    assert chars["n, "] == 1
    assert chars["e w"] == 0  # never across two words


def test_the_lexical_score_is_its_weights_applied_to_unit_length_tf_idf() -> None:
    idf = {"w|deficit": 2.0, "w|the": 1.0, "c|ti": 1.5, "c| th": 1.2}
    weights = {"w|deficit": 1.5, "c|ti": -0.5}
    lexical = LexicalModel(weights=weights, idf=idf, bias=-0.25, share=0.3)
    text = "The deficit, the debt."
    features = lexical_features(text, idf)
    for group in ("w", "c"):
        values = [v for k, v in features.items() if k.startswith(group + "|")]
        assert sum(v * v for v in values) == pytest.approx(1.0)
    z = -0.25 + sum(weights.get(name, 0.0) * value for name, value in features.items())
    assert lexical.score(text) == pytest.approx(1 / (1 + math.exp(-z)))


def test_a_saved_model_loads_with_the_same_weights_threshold_and_version(
    tmp_path: Path, sentence: Callable[[str], Span]
) -> None:
    model = CheckworthinessModel(
        weights={"e|nnum:1": 2.0, "l|thank": -3.0}, bias=-0.5, threshold=0.4, version="test+1"
    )
    path = tmp_path / "model.json.gz"
    model.save(path)
    loaded = CheckworthinessModel.load(path)
    assert (loaded.weights, loaded.bias, loaded.threshold, loaded.version) == (
        model.weights,
        model.bias,
        model.threshold,
        model.version,
    )
    span = sentence("The deficit has tripled since 2019.")
    assert loaded.score_spans([span]) == model.score_spans([span])


def test_a_saved_ensemble_loads_with_its_lexical_model(
    tmp_path: Path, sentence: Callable[[str], Span]
) -> None:
    lexical = LexicalModel(
        weights={"w|deficit": 1.5}, idf={"w|deficit": 2.0, "c|ti": 1.5}, bias=-0.2, share=0.3
    )
    model = CheckworthinessModel(
        weights={"e|nnum:1": 2.0}, bias=-0.5, threshold=0.4, version="test+2", lexical=lexical
    )
    path = tmp_path / "model.json.gz"
    model.save(path)
    loaded = CheckworthinessModel.load(path)
    assert loaded.lexical == lexical
    span = sentence("The deficit has tripled since 2019.")
    assert loaded.score_spans([span]) == model.score_spans([span])
    assert model.score_spans([span]) != [model.score_features(sentence_features(span))]


def test_saving_the_same_model_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    model = CheckworthinessModel(weights={"l|a": 1.0}, bias=0.0, threshold=0.5, version="v")
    model.save(tmp_path / "a.json.gz")
    model.save(tmp_path / "b.json.gz")
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()


def test_it_rejects_a_file_that_is_not_a_checkworthiness_artifact(tmp_path: Path) -> None:
    path = tmp_path / "other.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump({"format": "something-else/1", "weights": {}}, f)
    with pytest.raises(ArtifactError):
        CheckworthinessModel.load(path)
