"""The worker's models and extractor: one configured scorer, and refusals the service understands."""

import json
import shutil
from collections.abc import Iterator

import pytest

from claims.services import ExtractionRefused
from tests.paths import SAMPLE_ARTICLE
from workers.extraction import EXTRACTOR_VERSION
from workers.extraction.checkworthiness import CheckworthinessModel, load_default_model
from workers.extraction.neural import DEFAULT_ARTIFACT_PATH as NEURAL_ARTIFACT
from workers.extraction.neural import NeuralScorer
from workers.nlp import extract_article, get_scorer


@pytest.fixture
def fresh_scorer() -> Iterator[None]:
    """``get_scorer`` reads the setting once per process; let a test change it, then forget it."""
    get_scorer.cache_clear()
    yield
    get_scorer.cache_clear()


def test_by_default_the_worker_scores_with_the_committed_neural_model(settings, fresh_scorer):
    settings.FACTCHECK_CHECKWORTHINESS_SCORER = "neural"
    settings.FACTCHECK_CHECKWORTHINESS_NEURAL_MODEL = ""
    scorer = get_scorer()
    assert isinstance(scorer, NeuralScorer)
    assert scorer.version == NeuralScorer.load().version
    assert get_scorer() is scorer  # loaded once per process


def test_the_neural_scorer_runs_on_the_configured_number_of_threads(settings, fresh_scorer):
    settings.FACTCHECK_CHECKWORTHINESS_SCORER = "neural"
    settings.FACTCHECK_ONNX_THREADS = 2
    scorer = get_scorer()
    assert isinstance(scorer, NeuralScorer)
    assert scorer.session.get_session_options().intra_op_num_threads == 2


def test_the_feature_scorer_without_a_configured_model_is_the_committed_one(settings, fresh_scorer):
    settings.FACTCHECK_CHECKWORTHINESS_SCORER = "features"
    settings.FACTCHECK_CHECKWORTHINESS_MODEL = ""
    assert get_scorer() is load_default_model()


def test_the_extractor_scores_with_the_configured_feature_model_and_no_other(
    settings, fresh_scorer, tmp_path
):
    # A model that finds nothing check-worthy: any claim would come from a second model.
    never = CheckworthinessModel(weights={}, bias=0.0, threshold=2.0, version="never-1")
    path = tmp_path / "never.json.gz"
    never.save(path)
    settings.FACTCHECK_CHECKWORTHINESS_SCORER = "features"
    settings.FACTCHECK_CHECKWORTHINESS_MODEL = str(path)

    candidates, version = extract_article(SAMPLE_ARTICLE.read_text(encoding="utf-8"))

    assert candidates == []
    assert version == f"{EXTRACTOR_VERSION}+never-1"


def test_the_extractor_scores_with_the_configured_neural_artifact_and_no_other(
    settings, fresh_scorer, tmp_path
):
    # The committed artifact with a threshold no probability reaches, under another version.
    artifact = tmp_path / "never-neural"
    shutil.copytree(NEURAL_ARTIFACT, artifact)
    meta = json.loads((artifact / "model.json").read_text())
    (artifact / "model.json").write_text(
        json.dumps({**meta, "threshold": 2.0, "version": "never-neural-1"})
    )
    settings.FACTCHECK_CHECKWORTHINESS_SCORER = "neural"
    settings.FACTCHECK_CHECKWORTHINESS_NEURAL_MODEL = str(artifact)

    candidates, version = extract_article(SAMPLE_ARTICLE.read_text(encoding="utf-8"))

    assert candidates == []
    assert version == f"{EXTRACTOR_VERSION}+never-neural-1"


def test_text_that_cannot_be_split_is_refused_in_the_services_terms():
    with pytest.raises(ExtractionRefused, match="no text to split"):
        extract_article(" \n\t ")
