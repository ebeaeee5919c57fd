"""The worker's extractor: the configured models fed through ``workers.extraction``."""

from collections.abc import Sequence

from workers.extraction import EXTRACTOR_VERSION, ClaimCandidate, extract_claims
from workers.nlp import get_nlp, get_scorer


def extract_article(body: str) -> tuple[Sequence[ClaimCandidate], str]:
    """Candidates for one article body, with the version of the extractor that made them."""
    scorer = get_scorer()
    return extract_claims(get_nlp(), body, scorer=scorer), f"{EXTRACTOR_VERSION}+{scorer.version}"
