"""The neural scorer on its committed artifact: onnxruntime, tokenizers and numpy only."""

import subprocess
import sys

import pytest

from workers.extraction import neural
from workers.extraction.neural import DEFAULT_ARTIFACT_PATH, ArtifactError, NeuralScorer

MODULE_PATH = neural.__file__

CLAIM = "Unemployment fell to 3.5 percent last year, the lowest rate in fifty years."
GREETING = "Thank you very much, and good evening to all of you."


@pytest.fixture(scope="module")
def scorer() -> NeuralScorer:
    return NeuralScorer.load()


def test_a_checkable_claim_outscores_a_greeting(scorer: NeuralScorer) -> None:
    claim, greeting = scorer.score([CLAIM, GREETING])
    assert claim > greeting
    assert claim >= scorer.threshold > greeting


def test_scores_are_probabilities(scorer: NeuralScorer) -> None:
    scores = scorer.score([CLAIM, GREETING, "", "?", "word " * 500])
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_it_returns_nothing_for_no_texts(scorer: NeuralScorer) -> None:
    assert scorer.score([]) == []


def test_batches_keep_the_callers_order(scorer: NeuralScorer) -> None:
    # Lengths out of order and more texts than one batch, so sorting by length is exercised.
    texts = [CLAIM, GREETING, "We will see.", CLAIM + " " + CLAIM, "Yes."] * 15
    one_by_one = [scorer.score([t])[0] for t in texts[:5]]
    together = scorer.score(texts)
    assert len(together) == len(texts)
    # Dynamic int8 quantisation scales activations per batch, so a text's score moves a little
    # with its batch-mates (under 0.003 here); a swapped order would move it by far more.
    assert together[:5] == pytest.approx(one_by_one, abs=0.01)
    assert together[5:10] == pytest.approx(one_by_one, abs=0.01)


def test_it_exposes_threshold_and_version(scorer: NeuralScorer) -> None:
    assert 0.0 < scorer.threshold < 1.0
    assert scorer.version.startswith("minilm-l6-ct24+")
    assert scorer.meta["base_license"] == "Apache-2.0"


def test_the_artifact_stays_under_40_mb() -> None:
    size = sum(p.stat().st_size for p in DEFAULT_ARTIFACT_PATH.iterdir() if p.is_file())
    assert size < 40_000_000


def test_it_rejects_a_directory_of_another_format(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "model.json").write_text('{"format": "something-else"}')
    with pytest.raises(ArtifactError):
        NeuralScorer.load(tmp_path)


def test_it_imports_neither_torch_nor_spacy_nor_django() -> None:
    # The module on its own, in a fresh interpreter: the package's __init__ loads the spaCy
    # pipeline (and spaCy's thinc imports torch wherever it is installed), and other tests of the
    # same session may have imported any of them.
    code = (
        "import importlib.util, sys; "
        f"spec = importlib.util.spec_from_file_location('neural', {str(MODULE_PATH)!r}); "
        "spec.loader.exec_module(importlib.util.module_from_spec(spec)); "
        "print(sorted(m for m in ('torch', 'spacy', 'django') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class _Sentence:
    def __init__(self, text: str) -> None:
        self.text = text


def test_as_the_pipelines_scorer_it_scores_each_sentences_text(scorer: NeuralScorer) -> None:
    spans = [_Sentence(CLAIM), _Sentence(GREETING)]
    assert scorer.score_spans(spans) == scorer.score([CLAIM, GREETING])
    assert scorer.score_spans([]) == []
