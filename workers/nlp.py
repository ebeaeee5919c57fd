"""The models workers use, loaded lazily and once per worker process, and the extractor the split
task hands to ``claims.services.article_extract_claims``.

The spaCy pipeline costs about 160 MB per process and the neural scorer about 60 MB more; web
processes never import this module."""

from collections.abc import Sequence
from functools import cache
from typing import Protocol

import spacy
from django.conf import settings
from spacy.language import Language

from claims.services import ExtractionRefused
from workers.extraction import (
    EXTRACTOR_VERSION,
    ClaimCandidate,
    ExtractionInputError,
    Scorer,
    extract_claims,
)
from workers.extraction.checkworthiness import CheckworthinessModel, load_default_model
from workers.extraction.fast_ruler import use_fast_attribute_ruler
from workers.extraction.neural import NeuralScorer


@cache
def get_nlp() -> Language:
    """Load the configured model package (installed from PyPI; nothing is downloaded here), with
    the attribute ruler swapped for one that sets the same annotations faster."""
    return use_fast_attribute_ruler(spacy.load(settings.FACTCHECK_SPACY_MODEL))


class WorkerScorer(Scorer, Protocol):
    """The scorer as the worker records it: the pipeline's ``Scorer`` plus a ``version``."""

    version: str


@cache
def get_scorer() -> WorkerScorer:
    """The configured check-worthiness scorer (``FACTCHECK_CHECKWORTHINESS_SCORER``), loaded once
    per process: the neural model (its configured artifact, else the committed one) or the
    feature model (likewise)."""
    if settings.FACTCHECK_CHECKWORTHINESS_SCORER == "features":
        path = settings.FACTCHECK_CHECKWORTHINESS_MODEL
        return CheckworthinessModel.load(path) if path else load_default_model()
    return NeuralScorer.load(
        settings.FACTCHECK_CHECKWORTHINESS_NEURAL_MODEL or None,
        intra_op_threads=settings.FACTCHECK_ONNX_THREADS,
    )


def extract_article(body: str) -> tuple[Sequence[ClaimCandidate], str]:
    """Candidates for one article body, with the version of the extractor that made them.

    Text the extractor cannot split raises ``ExtractionRefused``: the service marks the article
    failed with that reason instead of retrying."""
    scorer = get_scorer()
    try:
        candidates = extract_claims(
            get_nlp(),
            body,
            scorer=scorer,
            max_claims=settings.FACTCHECK_MAX_CLAIMS_PER_ARTICLE,
            max_comparisons=settings.FACTCHECK_DUPLICATE_COMPARISONS,
        )
    except ExtractionInputError as exc:
        raise ExtractionRefused(str(exc)) from exc
    return candidates, f"{EXTRACTOR_VERSION}+{scorer.version}"
