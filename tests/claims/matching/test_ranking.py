import json

import numpy as np
import pytest

from claims.matching.ranking import FEATURES, ranker


def _file(tmp_path, data):
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps({"features": list(FEATURES), **data}))
    return str(path)


def test_a_backend_gets_its_own_weights_and_any_other_the_top_level_ones(tmp_path):
    loaded = ranker(
        _file(
            tmp_path,
            {
                "weights": [1, 0, 0, 0],
                "bias": 0.5,
                "backends": {"postgresql": {"weights": [0, 0, 0, 2], "bias": -1}},
            },
        )
    )
    rows = np.array([[0.9, 0.0, 0.9, 0.1], [0.2, 0.0, 0.2, 1.0]], np.float32)
    assert loaded.score(rows).tolist() == pytest.approx([1.4, 0.7])
    assert loaded.for_backend("postgresql").score(rows).tolist() == pytest.approx([-0.8, 1.0])
    assert loaded.for_backend("sqlite") is loaded


def test_a_ranker_without_backends_serves_every_backend(tmp_path):
    loaded = ranker(_file(tmp_path, {"weights": [1, 2, 3, 4]}))
    assert loaded.for_backend("postgresql") is loaded


def test_the_committed_ranker_has_weights_fitted_on_postgresql():
    committed = ranker()
    assert committed.for_backend("postgresql") is not committed
    assert len(committed.for_backend("postgresql").weights) == len(FEATURES)


def test_a_backend_with_the_wrong_number_of_weights_is_refused_naming_it(tmp_path):
    path = _file(tmp_path, {"weights": [1, 2, 3, 4], "backends": {"postgresql": {"weights": [1]}}})
    with pytest.raises(ValueError, match="backends.postgresql: 1 weights for 4 features"):
        ranker(path)
