import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article, AuditEvent

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("ingest", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_ingests_txt_html_and_jsonl_and_prints_a_summary(tmp_path):
    (tmp_path / "a.txt").write_text("Ten buses arrived\nThe council approved 12 new bus lines.")
    (tmp_path / "b.html").write_text(
        "<h1>Rail</h1><p>The line carried 3 million riders in 2023.</p>"
    )
    lines = [
        {
            "title": "One",
            "body": "Officials said 40 schools closed.",
            "url": "https://example.org/1",
        },
        {"title": "Two", "text": "The bridge cost $3 billion.", "published_on": "2024-05-31"},
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    out, _ = run(str(tmp_path / "a.txt"), str(tmp_path / "b.html"), str(tmp_path / "c.jsonl"))
    assert out.strip() == "created 4, duplicates 0, errors 0"
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"Ten buses arrived", "Rail", "One", "Two"}
    assert Article.objects.get(title="Two").published_on.isoformat() == "2024-05-31"
    assert AuditEvent.objects.filter(action="ingest", data__via="command").count() == 4


def test_duplicates_are_counted_not_stored_again(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The council approved 12 new bus lines.")
    run(str(path))
    out, _ = run(str(path))
    assert out.strip() == "created 0, duplicates 1, errors 0"
    assert Article.objects.count() == 1


def test_bad_sources_are_reported_and_the_command_exits_non_zero(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("The council approved 12 new bus lines.")
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text(
        '{"body": "Fine text here, 3 lines."}\n{broken\n[1, 2]\n{"body": "x", "mood": 1}\n'
    )
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    with pytest.raises(CommandError, match="created 2, duplicates 0, errors 6"):
        run(
            str(good), str(bad_jsonl), str(tmp_path / "latin1.txt"), str(tmp_path / "missing.txt"),
            str(tmp_path / "image.png"),
        )  # fmt: skip
    assert Article.objects.count() == 2


def test_an_unknown_user_is_refused_before_anything_is_stored(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The council approved 12 new bus lines.")
    with pytest.raises(CommandError, match="no user"):
        run(str(path), "--user", "nobody")
    assert Article.objects.count() == 0
