"""The worker's models and extractor: one configured scorer, and refusals the service understands."""

from collections.abc import Iterator

import pytest

from claims.services import ExtractionRefused
from tests.paths import SAMPLE_ARTICLE
from workers.extraction import EXTRACTOR_VERSION
from workers.extraction.checkworthiness import CheckworthinessModel, load_default_model
from workers.nlp import extract_article, get_scorer


@pytest.fixture
def fresh_scorer() -> Iterator[None]:
    """``get_scorer`` reads the setting once per process; let a test change it, then forget it."""
    get_scorer.cache_clear()
    yield
    get_scorer.cache_clear()


def test_without_a_configured_model_the_worker_scores_with_the_committed_one(
    settings, fresh_scorer
):
    settings.FACTCHECK_CHECKWORTHINESS_MODEL = ""
    assert get_scorer() is load_default_model()


def test_the_extractor_scores_with_the_configured_model_and_no_other(
    settings, fresh_scorer, tmp_path
):
    # A model that finds nothing check-worthy: any claim would come from a second model.
    never = CheckworthinessModel(weights={}, bias=0.0, threshold=2.0, version="never-1")
    path = tmp_path / "never.json.gz"
    never.save(path)
    settings.FACTCHECK_CHECKWORTHINESS_MODEL = str(path)

    candidates, version = extract_article(SAMPLE_ARTICLE.read_text(encoding="utf-8"))

    assert candidates == []
    assert version == f"{EXTRACTOR_VERSION}+never-1"


def test_text_that_cannot_be_split_is_refused_in_the_services_terms():
    with pytest.raises(ExtractionRefused, match="no text to split"):
        extract_article(" \n\t ")
