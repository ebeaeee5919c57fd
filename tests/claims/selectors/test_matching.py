import pytest
from django.db import connection

from claims import selectors, services
from claims.matching.encoder import sentence_encoder
from claims.matching.formats import FactCheckRecord
from claims.matching.ranking import FEATURES, Ranker

pytestmark = pytest.mark.django_db

TEXTS = [
    "Drinking bleach cures the flu within two days.",
    "Bleach in drinking water cures nothing, officials say.",
    "A flu vaccine causes the flu in two days.",
]
QUERY = "bleach cures the flu in two days"


def _archive() -> None:
    services.factchecks_import(
        records=[
            FactCheckRecord(
                source_key=f"test:{i}", claim_reviewed=text, rating="False", outlet="Checker"
            )
            for i, text in enumerate(TEXTS)
        ],
        encoder=sentence_encoder(),
    )


def _ranked(weights: Ranker) -> list[str]:
    vector = sentence_encoder().encode([QUERY])[0]
    results = selectors.archive_match(text=QUERY, vector=vector, ranker=weights, limit=3)
    return [r.entry.text for r in results]


def test_the_candidates_come_with_one_row_of_features_each():
    _archive()
    vector = sentence_encoder().encode([QUERY])[0]
    found, rows = selectors.archive_candidate_features(text=QUERY, vector=vector)
    assert len(found) == len(TEXTS)
    assert rows.shape == (len(TEXTS), len(FEATURES))
    assert rows[:, 3].max() == pytest.approx(1.0)  # the lexical score, scaled to the best's


def test_it_ranks_with_the_weights_fitted_on_this_databases_own_features():
    _archive()
    plain = Ranker((1.0, 0.0, 0.0, 0.0))
    reversed_here = Ranker(plain.weights, backends=((connection.vendor, Ranker((-1.0, 0, 0, 0))),))
    reversed_elsewhere = Ranker(plain.weights, backends=(("elsewhere", Ranker((-1.0, 0, 0, 0))),))
    assert _ranked(plain)[0] == TEXTS[0]
    assert _ranked(reversed_here) == list(reversed(_ranked(plain)))
    assert _ranked(reversed_elsewhere) == _ranked(plain)


def test_a_text_without_content_words_has_no_candidates():
    _archive()
    vector = sentence_encoder().encode(["the and of"])[0]
    found, rows = selectors.archive_candidate_features(text="the and of", vector=vector)
    assert found == [] and rows.shape == (0, len(FEATURES))


def test_the_candidates_of_many_texts_read_at_once_are_each_texts_own():
    _archive()
    texts = [QUERY, "the and of", "a flu vaccine in two days", "officials say drinking water"]
    together = selectors.archive_lexical_candidates_many(texts=texts)
    assert together == [selectors.archive_lexical_candidates(text=t) for t in texts]
    assert together[1] == [] and all(together[i] for i in (0, 2, 3))


def test_fewer_entries_per_search_term_and_fewer_candidates_are_read_when_asked():
    _archive()
    everything = selectors.archive_lexical_candidates(text=QUERY)
    assert len(everything) == len(TEXTS)
    # "flu" and "days" are in two entries each; one entry per term leaves at most one per term.
    assert len(selectors.archive_lexical_candidates_many(texts=["flu days"], per_term=1)[0]) < 3
    assert selectors.archive_lexical_candidates(text=QUERY, limit=1) == everything[:1]


def test_an_articles_texts_are_matched_together_as_each_would_be_alone():
    _archive()
    texts = [QUERY, "A flu vaccine causes the flu", "Volcanoes erupt on Mars"]
    vectors = sentence_encoder().encode(texts)
    weights = Ranker((1.0, 0.0, 0.0, 0.1))
    alone = [
        selectors.archive_match(text=t, vector=v, ranker=weights, limit=2)
        for t, v in zip(texts, vectors, strict=True)
    ]
    together = selectors.archive_match_many(
        candidates=selectors.archive_candidate_features_many(texts=texts, vectors=vectors),
        ranker=weights,
        limit=2,
        exclude_claim_ids=[frozenset()] * len(texts),
    )
    assert [[r.entry.pk for r in rs] for rs in together] == [
        [r.entry.pk for r in rs] for rs in alone
    ]
    assert [len(rs) for rs in together] == [2, 2, 0]
