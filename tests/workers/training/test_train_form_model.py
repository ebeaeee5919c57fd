"""Training the claim-form classifier: the threshold it chooses, and that the committed model is
what the one training command writes."""

import json
import sys

import numpy as np

from workers.extraction.form_model import DEFAULT_PATH, FormModel
from workers.training import train_form_model
from workers.training.train_form_model import choose_threshold, shown_rate


def test_the_threshold_is_the_lowest_that_keeps_the_target_share_well_formed():
    ok = np.array([0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    probability = np.linspace(0.1, 0.9, len(ok))
    threshold = choose_threshold(ok, probability)
    assert shown_rate(ok, probability, threshold) == (1.0, 3)
    # One step lower shows the broken claim at index 2 again.
    assert shown_rate(ok, probability, float(probability[1]))[0] < train_form_model.TARGET_RATE


def test_the_committed_model_is_what_the_training_command_writes(tmp_path, monkeypatch):
    out = tmp_path / "form_model.json"
    monkeypatch.setattr(sys, "argv", ["train_form_model", "--out", str(out)])
    train_form_model.main()
    assert json.loads(out.read_text()) == json.loads(DEFAULT_PATH.read_text())
    assert FormModel.load(out) == FormModel.load()
