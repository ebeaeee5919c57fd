"""``env_choice``: the setting that picks the worker's check-worthiness scorer."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck.env import env_choice

CHOICES = ("neural", "features")


def test_an_unset_or_blank_choice_takes_the_default(monkeypatch):
    monkeypatch.delenv("FACTCHECK_CHECKWORTHINESS_SCORER", raising=False)
    assert env_choice("FACTCHECK_CHECKWORTHINESS_SCORER", "neural", choices=CHOICES) == "neural"
    monkeypatch.setenv("FACTCHECK_CHECKWORTHINESS_SCORER", " ")
    assert env_choice("FACTCHECK_CHECKWORTHINESS_SCORER", "neural", choices=CHOICES) == "neural"


def test_a_known_choice_is_read_whatever_its_case(monkeypatch):
    monkeypatch.setenv("FACTCHECK_CHECKWORTHINESS_SCORER", " Features ")
    assert env_choice("FACTCHECK_CHECKWORTHINESS_SCORER", "neural", choices=CHOICES) == "features"


def test_an_unknown_choice_is_refused_naming_the_variable_and_the_choices(monkeypatch):
    monkeypatch.setenv("FACTCHECK_CHECKWORTHINESS_SCORER", "bert")
    with pytest.raises(
        ImproperlyConfigured, match="FACTCHECK_CHECKWORTHINESS_SCORER='bert'.*neural, features"
    ):
        env_choice("FACTCHECK_CHECKWORTHINESS_SCORER", "neural", choices=CHOICES)
