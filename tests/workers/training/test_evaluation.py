import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.paths import SHARED_DATA
from workers.nlp import get_nlp, get_scorer
from workers.training.evaluation import (
    evaluate_gold_article,
    evaluate_transcripts,
    held_out_fold,
    speed_text,
    token_f1,
)

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


def _write_jsonl(path, documents):
    path.write_text("".join(json.dumps(d) + "\n" for d in documents))
    return path


def _transcript(name, lines):
    return {
        "id": name, "title": name, "source": "s", "split": "train", "pseudo_document": False,
        "sentences": [
            {"text": t, "checkworthy": c, "line": i + 1, "speaker": "A"} for i, (t, c) in enumerate(lines)
        ],
    }  # fmt: skip


class KeywordScorer:
    """0.9 for a sentence that mentions a percentage, 0.1 otherwise."""

    threshold = 0.5
    version = "keyword-1"

    def score_spans(self, spans):
        return [0.9 if "percent" in span.text else 0.1 for span in spans]


def test_a_transcript_line_takes_its_best_sentence_and_a_short_line_scores_nothing():
    lines = [
        ("Good evening to all of you here. Unemployment fell to 3.5 percent last year.", True),
        ("Thank you.", False),
        ("I am so glad to be back in this wonderful town tonight.", False),
    ]
    report = evaluate_transcripts(get_nlp(), KeywordScorer(), "t", [_transcript("a", lines)])
    assert (report.transcripts, report.sentences, report.checkworthy) == (1, 3, 1)
    assert report.mean_average_precision == 1.0
    assert report.f1 == 1.0  # only the first line reaches the threshold, through its 2nd sentence


def test_transcript_map_averages_each_transcript_ranked_on_its_own():
    first = [
        ("Prices rose 9 percent in a single year, he said.", False),
        ("We built four new schools in town.", True),
    ]
    second = [
        ("Crime fell by 20 percent in our city.", True),
        ("We are proud of all our teachers here.", False),
    ]
    report = evaluate_transcripts(
        get_nlp(), KeywordScorer(), "t", [_transcript("a", first), _transcript("b", second)]
    )  # fmt: skip
    assert report.mean_average_precision == pytest.approx((0.5 + 1.0) / 2)


def test_the_held_out_fold_keeps_only_the_newer_sentences():
    documents = [
        {"sentences": [{"text": "a", "sentence_id": 27999}, {"text": "b", "sentence_id": 28000}]},
        {"sentences": [{"text": "c", "sentence_id": 5}]},
    ]
    assert held_out_fold(documents) == [{"sentences": [{"text": "b", "sentence_id": 28000}]}]


def test_the_speed_text_stops_after_enough_words():
    documents = [{"sentences": [{"text": "one two three"}]} for _ in range(10)]
    assert speed_text(documents, words=7).split() == ["one", "two", "three"] * 3


def test_the_command_ranks_whole_transcripts_and_reports_only_the_held_out_fold_of_train(tmp_path):
    transcripts = _write_jsonl(
        tmp_path / "ct19.jsonl",
        [_transcript("a", [("Unemployment fell to 3.5 percent last year, the lowest in decades.", True),
                           ("Thank you all so much for coming out here tonight.", False)])],
    )  # fmt: skip
    older = [("We sent 40,000 troops to the border in 2019.", True, 10)]
    newer = [
        ("Unemployment fell to 3.5 percent last year.", True, 28001),
        ("Thank you all for coming tonight.", False, 28002),
    ]
    train = _write_jsonl(
        tmp_path / "train.jsonl",
        [{"id": "t", "split": "train", "pseudo_document": True,
          "sentences": [{"text": t, "checkworthy": c, "sentence_id": i} for t, c, i in older + newer]}],
    )  # fmt: skip
    out = StringIO()
    call_command(
        "evaluate_extraction", "--data", str(transcripts), "--data", str(train), "--no-speed", stdout=out
    )  # fmt: skip
    table = out.getvalue()
    assert "ct19.jsonl (1 whole transcripts, 2 lines, 1 check-worthy)" in table
    [map_line] = [line for line in table.splitlines() if "MAP: each transcript" in line]
    assert float(map_line.split()[-1]) == pytest.approx(1.0)
    assert "train.jsonl, held-out fold sentence_id >= 28000 (2 sentences, 1 check-worthy)" in table
    assert "yes: fitted on train sentence_id < 28000" in table


def test_the_command_refuses_a_train_file_without_a_held_out_fold(tmp_path):
    train = _write_jsonl(
        tmp_path / "train.jsonl",
        [{"split": "train", "pseudo_document": True,
          "sentences": [{"text": "We cut taxes.", "checkworthy": True, "sentence_id": 3}]}],
    )  # fmt: skip
    with pytest.raises(CommandError, match="no sentence with sentence_id >= 28000"):
        call_command("evaluate_extraction", "--data", str(train), "--no-speed")
