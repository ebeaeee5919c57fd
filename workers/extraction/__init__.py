"""The runtime extraction: article text in, ``ClaimCandidate`` objects out.

Pure functions over spaCy objects handed in by the caller; nothing here imports Django, Celery,
``claims`` or scikit-learn (import-linter holds it so). One module per step:

- ``sentences``: blocks and sentences, with offsets into the article;
- ``neural``: the check-worthiness scorer workers use by default, a fine-tuned MiniLM run by
  onnxruntime over each sentence's text; ``checkworthiness``: the feature-model scorer before it,
  over the spaCy parse (each read from its committed artifact);
- ``atomic`` (with ``heads``, ``clauses`` and ``render``): one claim per checkable fact;
- ``kinds``, ``quantities`` (with ``numbers``), ``attribution``: what sort of claim, what it
  counts, who said it;
- ``duplicates``: restatements within an article, and the fingerprint that matches them later;
- ``vocabulary``: the claim kinds, entity labels and reporting verbs the steps share;
- ``fast_ruler``: a faster drop-in for spaCy's attribute ruler;
- ``pipeline``: ``extract_claims``, which runs the steps in order.
"""

from workers.extraction.pipeline import (
    EXTRACTOR_VERSION,
    MIN_SENTENCE_WORDS,
    ClaimCandidate,
    Scorer,
    extract_claims,
)
from workers.extraction.sentences import (
    ExtractionInputError,
    Sentence,
    iter_blocks,
    split_sentences,
)

__all__ = [
    "EXTRACTOR_VERSION",
    "MIN_SENTENCE_WORDS",
    "ClaimCandidate",
    "ExtractionInputError",
    "Scorer",
    "Sentence",
    "extract_claims",
    "iter_blocks",
    "split_sentences",
]
