"""The whole path with real processes: API -> broker -> Celery worker with spaCy -> claims."""

from pathlib import Path

import pytest

from claims.models import Article, AuditEvent, Claim
from factcheck.celery import app
from tests.factories import token_api_client
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration

SAMPLE = (
    Path(__file__).resolve().parents[2] / "claims" / "sample" / "patriot-article.txt"
).read_text()


def _status(article_id: int) -> str:
    return Article.objects.values_list("status", flat=True).get(pk=article_id)


def _claims(article_id: int) -> list[tuple]:
    return list(
        Claim.objects.filter(article_id=article_id)
        .order_by("position")
        .values_list("position", "text", "start", "end", "kind", "score", "speaker")
    )


def _ingest(reviewer, body: str, title: str = "Patriot") -> int:
    client = token_api_client(reviewer)
    response = client.post("/api/v1/articles/", {"title": title, "body": body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_an_article_posted_to_the_api_is_split_by_a_worker(start_worker, reviewer):
    start_worker()
    article_id = _ingest(reviewer, SAMPLE)
    wait_for(lambda: _status(article_id) == "split", timeout=120, what="the split")
    article = Article.objects.get(pk=article_id)
    claims = list(article.claims.order_by("position"))
    assert len(claims) > 20
    for claim in claims:
        assert article.body[claim.start : claim.end] in claim.sentence
    assert any("up to eight launchers" in c.sentence for c in claims)
    assert article.attempts == 1 and article.extractor_version


def test_splitting_twice_gives_the_same_claims(start_worker, reviewer):
    start_worker()
    article_id = _ingest(reviewer, SAMPLE)
    wait_for(lambda: _status(article_id) == "split", timeout=120, what="the first split")
    first = _claims(article_id)

    # Stray duplicate messages for a split article change nothing...
    for _ in range(2):
        app.send_task("workers.split_article", args=[article_id])
    # ...and a real re-run replaces the claims with the same ones.
    Article.objects.filter(pk=article_id).update(status=Article.Status.QUEUED)
    app.send_task("workers.split_article", args=[article_id])
    wait_for(
        lambda: AuditEvent.objects.filter(article_id=article_id, action="split").count() == 2,
        timeout=120, what="the second split",
    )  # fmt: skip
    wait_for(lambda: _status(article_id) == "split", timeout=30, what="split status")
    assert _claims(article_id) == first
    assert Claim.objects.filter(article_id=article_id).count() == len(first)


def test_a_worker_killed_mid_split_loses_nothing_and_duplicates_nothing(start_worker, reviewer):
    # Long enough that the kill lands while the worker is parsing.
    body = "\n\n".join(f"Edition {n}.\n\n{SAMPLE}" for n in range(12))
    first = start_worker()
    article_id = _ingest(reviewer, body, title="Long Patriot")
    wait_for(
        lambda: _status(article_id) == "splitting",
        timeout=60,
        what="the split to start",
        interval=0.02,
    )
    first.kill()
    assert _status(article_id) == "splitting"
    assert not Claim.objects.filter(article_id=article_id).exists()

    # A new worker (with the sweep) takes over once the dead worker's lease runs out.
    start_worker(beat=True)
    wait_for(lambda: _status(article_id) == "split", timeout=180, what="the takeover split")
    article = Article.objects.get(pk=article_id)
    assert article.attempts >= 2
    spans = list(Claim.objects.filter(article_id=article_id).values_list("start", "end", "text"))
    assert len(spans) == len(set(spans)) > 12 * 20
    assert AuditEvent.objects.filter(article_id=article_id, action="split").count() == 1


def _worker_backends() -> set[int]:
    """PostgreSQL backends on this database other than this test's own connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return {pid for (pid,) in cursor.fetchall()}


def test_a_worker_keeps_its_database_connection_from_one_split_to_the_next(start_worker, reviewer):
    # Celery's Django fixup would close it after every task: one new backend per split.
    start_worker()
    first = _ingest(reviewer, SAMPLE, title="First")
    wait_for(lambda: _status(first) == "split", timeout=120, what="the first split")
    after_first = _worker_backends()
    assert after_first, "the worker closed its connection after the split"
    second = _ingest(reviewer, SAMPLE.replace("Patriot", "Iris-T"), title="Second")
    wait_for(lambda: _status(second) == "split", timeout=120, what="the second split")
    assert _worker_backends() == after_first
