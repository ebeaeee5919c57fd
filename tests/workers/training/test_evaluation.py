import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.paths import SHARED_DATA
from workers.nlp import get_nlp, get_scorer
from workers.training.evaluation import evaluate_gold_article, token_f1

GOLD_PATH = SHARED_DATA / "patriot-gold.json"


def test_token_f1_counts_shared_words():
    assert token_f1("up to eight launchers", "up to eight launchers") == 1.0
    assert token_f1("eight launchers", "up to eight launchers") == pytest.approx(2 / 3)
    assert token_f1("", "anything") == 0.0


def test_on_the_sample_article_the_targets_that_matter_hold():
    gold = json.loads(GOLD_PATH.read_text())
    text = (GOLD_PATH.parent / gold["article"]).read_text()
    report = evaluate_gold_article(get_nlp(), get_scorer(), text, gold)
    assert report.canonical_claim
    assert report.quantities_correct == report.quantities_total == 6, report.missed_quantities
    assert report.duplicates_linked == report.duplicates_total == 1
    assert report.sentence_recall >= 0.9
    assert report.sentence_precision >= 0.85
    assert report.claims_recalled / report.claims_total >= 0.8


@pytest.fixture
def small_set(tmp_path):
    sentences = [
        ("Unemployment fell to 3.5 percent last year.", True),
        ("Thank you all for coming tonight.", False),
        ("We sent 40,000 troops to the border in 2019.", True),
        ("I love this country.", False),
    ]
    line = {
        "id": "d1", "title": "t", "source": "s", "split": "x", "pseudo_document": True,
        "sentences": [
            {"text": t, "checkworthy": c, "sentence_id": str(i)} for i, (t, c) in enumerate(sentences)
        ],
    }  # fmt: skip
    path = tmp_path / "small.jsonl"
    path.write_text(json.dumps(line) + "\n")
    return path


def test_the_command_prints_one_table_for_any_labelled_file(small_set):
    out = StringIO()
    call_command(
        "evaluate_extraction", "--data", str(small_set), "--gold", str(GOLD_PATH), stdout=out,
    )  # fmt: skip
    table = out.getvalue()
    assert "small.jsonl (4 sentences, 2 check-worthy)" in table
    assert "average precision" in table and "mean precision@10" in table
    assert "gold quantities right (value, unit, qualifier)" in table
    assert "whole extractor: words/s" in table
    assert "claims shown by default, each document whole" in table
    [form_line] = [line for line in table.splitlines() if "no finite verb (target" in line]
    assert form_line.endswith("0 (0.0%)")
    [ap_line] = [line for line in table.splitlines() if "average precision" in line]
    assert float(ap_line.split()[-1]) == pytest.approx(1.0)  # both statistics outrank the chatter


def test_the_command_says_what_is_wrong_with_its_input(tmp_path, small_set):
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_extraction", "--data", str(tmp_path / "missing.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentences": [{"text": "x"}]}\n')
    with pytest.raises(CommandError, match="not in the labelled JSONL format"):
        call_command("evaluate_extraction", "--data", str(bad), "--no-speed")
    with pytest.raises(CommandError, match="not a gold file"):
        call_command("evaluate_extraction", "--data", str(small_set), "--gold", str(small_set))
