import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import ArchiveEntry, ExternalFactCheck

pytestmark = pytest.mark.django_db


def _write(tmp_path, lines):
    path = tmp_path / "factchecks.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_imports_the_good_lines_and_exits_non_zero_naming_each_bad_line(tmp_path, capsys):
    path = _write(
        tmp_path,
        [
            json.dumps({"id": "1", "claim": "Bleach cures the flu.", "title": "Does it?"}),
            "{broken",
            json.dumps({"id": "2", "claim": "The moon is made of cheese."}),
            json.dumps({"something": "else"}),
        ],
    )
    with pytest.raises(CommandError) as raised:
        call_command("import_factchecks", str(path), "--outlet", "Snopes", "--no-progress")
    assert "imported 2" in str(raised.value)
    assert "line 2" in str(raised.value) and "line 4" in str(raised.value)
    assert "line 2: not JSON" in capsys.readouterr().err
    assert set(ExternalFactCheck.objects.values_list("outlet", flat=True)) == {"Snopes"}
    assert ArchiveEntry.objects.count() == 2


def test_running_it_again_skips_what_is_already_imported(tmp_path, capsys):
    path = _write(tmp_path, [json.dumps({"id": "1", "claim": "Bleach cures the flu."})])
    call_command("import_factchecks", str(path), "--no-progress")
    call_command("import_factchecks", str(path), "--no-progress")
    assert "imported 0, already there 1, bad 0" in capsys.readouterr().out
    assert ExternalFactCheck.objects.count() == 1


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_factchecks", str(tmp_path / "nope.jsonl"))
