import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from claims.models import Article
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

GOOD = "The council approved 12 new bus lines on Monday, officials said."
OTHER = "Ridership rose 8% in 2023, the transport authority said."


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("claims.services.fetching.article_enqueue_fetch", lambda **kw: True)
    monkeypatch.setattr("claims.services.splitting.article_enqueue_split", lambda **kw: True)


def _jsonl() -> bytes:
    lines = [
        json.dumps(
            {"title": "Buses", "text": GOOD, "source": "Gazette", "published": "2024-05-31"}
        ),
        json.dumps({"url": "https://example.org/news/1"}),
        json.dumps({"title": "Same again", "text": GOOD}),  # duplicate of line 1
        "{broken",
        json.dumps({"title": "No text"}),
        json.dumps({"text": OTHER, "mood": "happy"}),
        json.dumps({"url": "http://example.org:99999/"}),
    ]
    return ("\n".join(lines) + "\n").encode()


def _csv() -> bytes:
    return (
        "title,text,url,source,author,published_on\n"
        f'Buses,"{GOOD}",,Gazette,Ann,2024-05-31\n'
        ",,https://example.org/news/2,,,\n"
        f'Ridership,"{OTHER}",,,,not-a-date\n'
        "too,many,cells,in,this,row,here\n"
    ).encode()


def test_the_command_reports_each_bad_line_and_re_running_skips_what_is_stored(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_bytes(_jsonl())
    err = StringIO()
    with pytest.raises(CommandError, match="created 2, duplicates 1, errors 4"):
        call_command("ingest", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    for line in (4, 5, 6, 7):
        assert f"articles.jsonl:{line}:" in err.getvalue()
    assert Article.objects.count() == 2
    assert Article.objects.get(title="Buses").published_on.isoformat() == "2024-05-31"
    assert Article.objects.get(url="https://example.org/news/1").status == "fetching"
    with pytest.raises(CommandError, match="created 0, duplicates 3, errors 4"):
        call_command("ingest", str(path), "--no-progress", stdout=StringIO(), stderr=StringIO())
    assert Article.objects.count() == 2


def test_the_command_reads_csv(tmp_path):
    path = tmp_path / "articles.csv"
    path.write_bytes(_csv())
    err = StringIO()
    with pytest.raises(CommandError, match="created 2, duplicates 0, errors 2"):
        call_command("ingest", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    assert "articles.csv:4: “published_on” must be a date" in err.getvalue()
    assert "articles.csv:5: more cells than columns" in err.getvalue()
    assert Article.objects.get(title="Buses").author == "Ann"


def test_a_url_on_the_command_line_is_stored_to_be_fetched():
    out = StringIO()
    call_command("ingest", "https://example.org/news/3", "--no-progress", stdout=out)
    assert out.getvalue().strip() == "created 1, duplicates 0, errors 0 (1 to be fetched)"
    assert Article.objects.get().status == Article.Status.FETCHING


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(EditorFactory())
    return client


def test_the_bulk_api_answers_for_each_line(api):
    response = api.post("/api/v1/articles/bulk", _jsonl(), content_type="application/x-ndjson")
    assert response.status_code == 200
    data = response.json()
    assert (data["created"], data["duplicates"], data["errors"]) == (2, 1, 4)
    results = {line["line"]: line["result"] for line in data["lines"]}
    assert results == {
        1: "created", 2: "fetching", 3: "duplicate", 4: "error", 5: "error", 6: "error", 7: "error"
    }  # fmt: skip
    duplicate = next(line for line in data["lines"] if line["line"] == 3)
    assert duplicate["id"] == Article.objects.get(title="Buses").pk
    again = api.post("/api/v1/articles/bulk", _jsonl(), content_type="application/x-ndjson")
    assert again.json()["created"] == 0 and Article.objects.count() == 2


def test_the_bulk_api_reads_csv(api):
    response = api.post("/api/v1/articles/bulk", _csv(), content_type="text/csv")
    assert response.status_code == 200
    assert response.json()["created"] == 2


def test_a_bulk_file_with_no_readable_line_is_a_400(api):
    response = api.post("/api/v1/articles/bulk", b"nope,wrong\n1,2\n", content_type="text/csv")
    assert response.status_code == 400
    assert "unknown column(s)" in response.json()["detail"]
    assert Article.objects.count() == 0


def test_the_bulk_api_refuses_other_content_types(api):
    response = api.post("/api/v1/articles/bulk", {"text": GOOD}, format="json")
    assert response.status_code == 415


def test_the_article_api_takes_a_url_alone_and_refuses_a_bad_port(api):
    created = api.post("/api/v1/articles/", {"url": "https://example.org/n/9"}, format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "fetching"
    bad = api.post("/api/v1/articles/", {"url": "http://example.org:99999/"}, format="json")
    assert bad.status_code == 400
    assert "url" in bad.json()["errors"]
    assert Article.objects.count() == 1
