"""Property-based: the extractor, with the real model, on short random texts either returns
candidates whose offsets point into the text or raises ``ExtractionInputError``, never anything
else."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workers.extraction import ExtractionInputError, extract_claims
from workers.extraction.checkworthiness import load_default_model

WORDS = [
    "Russia", "sent", "30", "tanks", "to", "Kyiv", "thirty", "percent", "the", "US", "said",
    "not", "up to", "each", "more than", "$5 million", "officials", "“", "”", "'s", "—",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.one_of(st.sampled_from(WORDS), st.sampled_from([".", ",", "?", "\n", "\n\n", " "])),
        max_size=60,
    ).map(" ".join),
    # One line of more sentences than a paragraph has: each gets a Doc of its own.
    st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(lambda w: " ".join(w) + "."),
        min_size=51,
        max_size=70,
    ).map(" ".join),
)


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    return load_default_model()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts)
def test_the_extractor_returns_anchored_claims_or_refuses_the_text(nlp, scorer, text):
    try:
        candidates = extract_claims(nlp, text, scorer=scorer)
    except ExtractionInputError as exc:
        assert str(exc)
        return
    for index, candidate in enumerate(candidates):
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert text[candidate.start : candidate.end].strip()
        assert candidate.duplicate_of is None or candidate.duplicate_of < index
