"""The models workers use, loaded lazily and once per worker process, and the extractor the split
task hands to ``claims.services.article_extract_claims``.

The spaCy pipeline costs about 160 MB per process; web processes never import this module."""

from collections.abc import Sequence
from functools import cache

import spacy
from django.conf import settings
from spacy.language import Language

from claims.services import ExtractionRefused
from workers.extraction import (
    EXTRACTOR_VERSION,
    ClaimCandidate,
    ExtractionInputError,
    extract_claims,
)
from workers.extraction.checkworthiness import CheckworthinessModel, load_default_model
from workers.extraction.fast_ruler import use_fast_attribute_ruler


@cache
def get_nlp() -> Language:
    """Load the configured model package (installed from PyPI; nothing is downloaded here), with
    the attribute ruler swapped for one that sets the same annotations faster."""
    return use_fast_attribute_ruler(spacy.load(settings.FACTCHECK_SPACY_MODEL))


@cache
def get_scorer() -> CheckworthinessModel:
    """The check-worthiness model: the configured artifact, else the committed one."""
    path = settings.FACTCHECK_CHECKWORTHINESS_MODEL
    return CheckworthinessModel.load(path) if path else load_default_model()


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
