"""The models workers use, loaded lazily and once per worker process.

The spaCy pipeline costs about 160 MB per process; web processes never import this module."""

from functools import cache

import spacy
from django.conf import settings
from spacy.language import Language

from workers.checkworthiness import CheckworthinessModel
from workers.fast_ruler import use_fast_attribute_ruler


@cache
def get_nlp() -> Language:
    """Load the configured model package (installed from PyPI; nothing is downloaded here), with
    the attribute ruler swapped for one that sets the same annotations faster."""
    return use_fast_attribute_ruler(spacy.load(settings.FACTCHECK_SPACY_MODEL))


@cache
def get_scorer() -> CheckworthinessModel:
    """The check-worthiness model: the committed artifact unless a path is configured."""
    return CheckworthinessModel.load(settings.FACTCHECK_CHECKWORTHINESS_MODEL or None)
