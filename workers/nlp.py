"""The spaCy pipeline, loaded lazily and once per worker process (about 160 MB each)."""

from functools import cache

import spacy
from django.conf import settings
from spacy.language import Language


@cache
def get_nlp() -> Language:
    """Load the configured model package. It is installed from PyPI; nothing is downloaded here."""
    return spacy.load(settings.FACTCHECK_SPACY_MODEL)
