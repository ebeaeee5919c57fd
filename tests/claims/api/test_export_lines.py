"""On PostgreSQL the exports write their lines from rows the database formatted
(``selectors.verdict_export_text_rows``, ``claims.api.export_lines``); every line must be the
bytes the verdict-object builders write for the same verdicts (``verdict_export_iter`` and the
row builders of ``claims.api.exports``, which SQLite still uses)."""

import json
from datetime import UTC, datetime
from itertools import chain
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import selectors
from claims.api import export_lines, exports
from claims.claimreview import Publisher
from claims.models import Article, Claim, Rating, Verdict
from tests.factories import ArticleFactory, ClaimFactory, ReviewerFactory, token_api_client

pytestmark = pytest.mark.django_db
PUBLISHER = Publisher(
    name="Fact Desk «Ünïcode»", url="https://desk.example", base_url="https://x.example/"
)
AWKWARD = (
    'Quote " backslash \\ tab\t newline\n cr\r ctl\x01\x1f del\x7f sep\u2028 é 漢字 🦉 </script>'
)


@pytest.fixture
def postgres(require: Any) -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


def _claim(article: Article, **fields: Any) -> Claim:
    return ClaimFactory(article=article, **fields)


def _verdict(claim: Claim, **fields: Any) -> Verdict:
    fields.setdefault("published_at", timezone.now())
    return Verdict.objects.create(claim=claim, reviewer=ReviewerFactory(), **fields)


@pytest.fixture
def verdicts(postgres: None) -> list[Verdict]:
    """Every shape an export row takes."""
    bare = ArticleFactory(
        status=Article.Status.SPLIT, url=None, source="", author="", published_on=None,
        title="=cmd|' /C calc'!A0 " + AWKWARD,
    )  # fmt: skip
    full = ArticleFactory(
        status=Article.Status.SPLIT, url="https://news.example/ä?q=\"1\"", source="+Gazette ☂",
        author="@Jane Doe", published_on=datetime(2024, 2, 29).date(),
    )  # fmt: skip
    by_source = ArticleFactory(status=Article.Status.SPLIT, source="\tWire", author="")
    org_entities = [
        {"label": "ORG", "text": "-City Council"},
        {"label": "PERSON", "text": "Ann"},
        "not an entity",
        {"label": "ORG"},
        {"text": "Ann"},
    ]
    made = [
        # Speaker an organisation entity; formula starts in every text cell; evidence URLs.
        _verdict(
            _claim(full, speaker="-City Council", entities=org_entities, text="+1 " + AWKWARD),
            rating=Rating.FALSE,
            explanation="=SUM(A1) " + AWKWARD,
            evidence_urls=["https://a.example/x", 'https://b.example/ü "q"', "-x", AWKWARD],
        ),
        # Speaker a person (the organisation label is on another text); whole seconds.
        _verdict(
            _claim(full, speaker="Ann", entities=org_entities, kind=Claim.Kind.EVENT),
            rating=Rating.UNVERIFIABLE,
            explanation="",
            published_at=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        ),
        # No speaker: the article's author, then its outlet, then nobody.
        _verdict(_claim(full, speaker="", entities=org_entities), rating=Rating.MIXED),
        _verdict(_claim(by_source, speaker=""), rating=Rating.MISLEADING),
        _verdict(_claim(bare, speaker="", entities={"ORG": "x"}), rating=Rating.TRUE),
        # Speaker named by an organisation entity, on an article with no date or link.
        _verdict(
            _claim(bare, speaker="NORP folk", entities=[{"label": "NORP", "text": "NORP folk"}]),
            rating=Rating.MOSTLY_TRUE,
            published_at=datetime(2025, 6, 1, 0, 0, 0, 7, tzinfo=UTC),
        ),
    ]
    # A correction: the first verdict withdrawn (superseded), the second replacing it.
    claim = _claim(full, speaker="", text="Corrected claim")
    first = _verdict(claim, rating=Rating.FALSE, is_current=False)
    second = _verdict(
        claim, rating=Rating.MOSTLY_FALSE, explanation="Revised " + AWKWARD,
        correction={
            "previous_verdict": first.pk, "previous_rating": "false",
            "changed": ["rating", "evidence_urls"], "first_published_at": "2025-01-01T00:00:00Z",
        },
    )  # fmt: skip
    Verdict.objects.filter(pk=first.pk).update(superseded_by=second)
    # Withdrawn without a replacement yet; and one never published (in no export).
    withdrawn = _verdict(_claim(bare), rating=Rating.TRUE, is_current=False)
    _verdict(_claim(bare), rating=Rating.TRUE, published_at=None)
    return [*made, first, second, withdrawn]


def _both(**filters: Any) -> tuple[list[Any], list[selectors.ExportTextRow]]:
    f = selectors.VerdictApiFilters(published_only=True, **filters)
    return (
        list(selectors.verdict_export_iter(filters=f, chunk_size=3)),
        list(selectors.verdict_export_text_rows(filters=f, chunk_size=3)),
    )


def test_the_text_rows_are_the_verdicts_the_export_reads(verdicts: list[Verdict]) -> None:
    objects, rows = _both(include_withdrawn=True, updated_since=datetime(2000, 1, 1, tzinfo=UTC))
    assert [row.id for row in rows] == [v.pk for v in objects]
    assert [row.id for row in rows] == sorted(v.pk for v in verdicts)
    published, _ = _both()
    assert len(published) == len(verdicts) - 2  # the withdrawn two only with updated_since


def test_ndjson_lines_are_the_bytes_of_the_verdict_rows(verdicts: list[Verdict]) -> None:
    objects, rows = _both(include_withdrawn=True, updated_since=datetime(2000, 1, 1, tzinfo=UTC))
    expected = "".join(exports.ndjson_stream(objects, publisher=PUBLISHER))
    assert "".join(export_lines.ndjson_lines(rows, publisher=PUBLISHER)) == expected
    parsed = [json.loads(line) for line in expected.split("\n") if line]
    assert sum(1 for row in parsed if row.get("withdrawn")) == 2
    assert sum(1 for row in parsed if row.get("correction")) == 1
    assert any(row.get("evidence_urls") and AWKWARD in row["evidence_urls"] for row in parsed)


def test_csv_rows_are_the_bytes_of_the_verdict_rows(verdicts: list[Verdict]) -> None:
    objects, rows = _both()
    expected = "".join(exports.csv_stream(objects, publisher=PUBLISHER))
    text_rows = chain([exports.CSV_COLUMNS], export_lines.csv_rows(rows, publisher=PUBLISHER))
    assert "".join(exports.csv_lines(text_rows)) == expected
    assert "'=SUM(A1)" in expected and "'+Gazette" in expected and "'@Jane" in expected


@pytest.mark.parametrize("with_context", [True, False])
def test_claimreview_lines_are_the_bytes_of_claimreview_build(
    verdicts: list[Verdict], with_context: bool
) -> None:
    objects, rows = _both()
    expected = [
        json.dumps(
            exports.claimreview_build(v, publisher=PUBLISHER, with_context=with_context),
            ensure_ascii=False,
        )
        for v in objects
    ]
    got = list(export_lines.claimreview_lines(rows, publisher=PUBLISHER, with_context=with_context))
    assert got == expected
    authors = [json.loads(line)["itemReviewed"].get("author") for line in expected]
    assert {"@type": "Organization", "name": "-City Council"} in authors
    assert {"@type": "Organization", "name": "NORP folk"} in authors
    assert {"@type": "Person", "name": "Ann"} in authors
    assert None in authors


def test_a_publisher_without_a_url_is_written_alike(verdicts: list[Verdict]) -> None:
    plain = Publisher(name="Desk", url="", base_url="https://x.example")
    objects, rows = _both()
    expected = [
        json.dumps(exports.claimreview_build(v, publisher=plain), ensure_ascii=False)
        for v in objects
    ]
    assert list(export_lines.claimreview_lines(rows, publisher=plain)) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/export/verdicts.ndjson?updated_since=2000-01-01",
        "/api/v1/export/verdicts.csv",
        "/api/v1/export/claimreview.ndjson",
        "/api/v1/export/claimreview.json",
    ],
)
def test_the_exports_read_text_rows_on_postgresql_and_say_the_same(
    verdicts: list[Verdict], url: str, settings: Any, monkeypatch: Any
) -> None:
    settings.FACTCHECK_API_EXPORT_CHUNK_SIZE = 3
    settings.FACTCHECK_API_THROTTLE_RATES = {"api": "1000/min", "export": "1000/min"}
    client = token_api_client(read_only=True)
    with CaptureQueriesContext(connection) as queries:
        fast = b"".join(client.get(url).streaming_content).decode()
    sql = [q["sql"] for q in queries.captured_queries]
    reads = [q for q in sql if "claims_verdict" in q]
    assert reads and all("to_char" in q for q in reads)
    # Each chunk in a process of its own: a parallel worker's start costs more than it saves.
    assert all(
        sql[sql.index(q) - 1] == "SET LOCAL max_parallel_workers_per_gather = 0" for q in reads
    )
    # The same export through the verdict-object path (the one SQLite takes).
    monkeypatch.setattr(selectors, "database_writes_text", lambda: False)
    slow = b"".join(client.get(url).streaming_content).decode()
    if url.endswith(".json"):
        # The feed's dateModified is the time of the request.
        fast_feed, slow_feed = json.loads(fast), json.loads(slow)
        assert fast_feed["dataFeedElement"] == slow_feed["dataFeedElement"]
        fast = fast.split('"dataFeedElement"')[1]
        slow = slow.split('"dataFeedElement"')[1]
    assert fast == slow
    assert fast.count("\n") >= len(verdicts) - 2
