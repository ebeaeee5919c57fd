import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims.models import ExternalFactCheck

pytestmark = pytest.mark.django_db

CLAIMS = [
    "The city council approved twelve new bus lines for the northern districts.",
    "Drinking bleach cures the flu within two days.",
    "The moon landing in 1969 was filmed in a studio in Nevada.",
    "Eating carrots gives pilots perfect night vision.",
]


def _files(tmp_path):
    archive, data = tmp_path / "verified_claims.jsonl", tmp_path / "dev.jsonl"
    archive.write_text(
        "".join(
            json.dumps({"id": str(i), "claim": c, "title": ""}) + "\n" for i, c in enumerate(CLAIMS)
        )
    )
    queries = [
        {"text": "wow: bleach cures the flu in two days?! @someone", "matches": ["1"]},
        {"text": "They say the 1969 moon landing was filmed in a Nevada studio", "matches": ["2"]},
        {"text": "Carrots give pilots night vision, apparently", "matches": ["3"]},
    ]
    data.write_text("".join(json.dumps(q) + "\n" for q in queries))
    return archive, data


@pytest.mark.parametrize("through_database", [False, True])
def test_it_prints_the_labs_measures_in_memory_and_through_the_database(
    tmp_path, capsys, through_database
):
    archive, data = _files(tmp_path)
    flags = ["--through-database"] if through_database else []
    call_command("evaluate_matching", "--archive", str(archive), "--data", str(data), *flags)
    out = capsys.readouterr().out
    assert ("through the database" in out) == through_database
    row = next(line for line in out.splitlines() if line.startswith("dev.jsonl")).split()
    assert row[1:5] == ["3", "1.000", "1.000", "1.000"]  # queries, MAP@5, R@1, R@5
    assert ExternalFactCheck.objects.count() == (len(CLAIMS) if through_database else 0)


def test_a_missing_file_is_refused_naming_it(tmp_path):
    archive, _ = _files(tmp_path)
    with pytest.raises(CommandError, match="no such file: .*nothing.jsonl"):
        call_command(
            "evaluate_matching",
            "--archive",
            str(archive),
            "--data",
            str(tmp_path / "nothing.jsonl"),
        )


def test_through_the_database_it_uses_and_names_the_weights_fitted_on_that_database(
    tmp_path, capsys
):
    archive, data = _files(tmp_path)
    ranker = tmp_path / "ranker.json"
    lexical_only = {"weights": [0, 0, 0, 1], "bias": 0}
    ranker.write_text(
        json.dumps(
            {
                "features": ["cos_text", "cos_title", "cos_best", "lexical"],
                "weights": [1, 0, 1, 0],
                "bias": 0,
                "backends": {connection.vendor: lexical_only},
            }
        )
    )
    args = ["--archive", str(archive), "--data", str(data), "--ranker", str(ranker)]
    call_command("evaluate_matching", *args, "--through-database")
    assert f"weights fitted on {connection.vendor} candidates" in capsys.readouterr().out
    call_command("evaluate_matching", *args)
    assert "weights fitted on in-memory (SQLite FTS5) candidates" in capsys.readouterr().out
