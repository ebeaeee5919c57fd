import json

import numpy as np
import pytest

from claims.matching.ranking import FEATURES, Ranker, ranker
from workers.training.train_matcher import Candidates, fit, map_at_5, write


def _query(rng, relevant_at: int) -> Candidates:
    """Ten candidates; the relevant one has the highest cosine but not the highest lexical score."""
    rows = rng.uniform(0.0, 0.5, size=(10, len(FEATURES))).astype(np.float32)
    rows[relevant_at, 0] = rows[relevant_at, 2] = 0.9
    rows[0, 3] = 1.0
    return Candidates([str(i) for i in range(10)], rows, {str(relevant_at)})


def test_map_at_5_ranks_each_querys_candidates_by_the_weights():
    rng = np.random.default_rng(0)
    queries = [_query(rng, 3), _query(rng, 7)]
    assert map_at_5(Ranker((1.0, 0.0, 0.0, 0.0)), queries) == 1.0
    lexical_only = map_at_5(Ranker((0.0, 0.0, 0.0, 1.0)), queries)
    assert lexical_only < 1.0


def test_fit_learns_weights_that_put_the_relevant_candidate_first_on_dev():
    rng = np.random.default_rng(1)
    train = [_query(rng, int(i)) for i in rng.integers(1, 10, 40)]
    dev = [_query(rng, int(i)) for i in rng.integers(1, 10, 10)]
    score, c, fitted = fit(train, dev, report=lambda _: None)
    assert score == 1.0
    assert map_at_5(fitted, dev) == score
    assert fitted.weights[0] > 0


def test_database_weights_go_under_their_backend_and_keep_the_in_memory_ones(tmp_path):
    out = tmp_path / "ranker.json"
    write(out, Ranker((1.0, 2.0, 3.0, 4.0), -1.0), c=0.1, score=0.88, backend=None)
    write(out, Ranker((4.0, 3.0, 2.0, 1.0), -2.0), c=1.0, score=0.86, backend="postgresql")
    loaded = ranker(str(out))
    assert loaded.weights == (1.0, 2.0, 3.0, 4.0)
    assert loaded.for_backend("postgresql").weights == (4.0, 3.0, 2.0, 1.0)
    write(out, Ranker((0.5, 0.5, 0.5, 0.5)), c=0.3, score=0.9, backend=None)
    data = json.loads(out.read_text())
    assert data["weights"] == [0.5, 0.5, 0.5, 0.5]
    assert data["backends"]["postgresql"]["chosen_on"]["map_at_5"] == 0.86


def test_database_weights_need_the_in_memory_ones_first(tmp_path):
    with pytest.raises(SystemExit, match="fit the in-memory weights first"):
        write(tmp_path / "ranker.json", Ranker((1.0,) * 4), c=1.0, score=0.8, backend="postgresql")
