"""A split that kills its worker process (out of memory, a segfault, SIGKILL) is given back by
Celery with the same task id at once; the attempt cap, applied when the article is taken, ends it
as failed with a reason, and the worker goes on splitting the other articles."""

import pytest

from claims.models import Article, AuditEvent, Claim
from tests.factories import token_api_client
from tests.integration.conftest import wait_for
from tests.integration.poison_app import POISON

pytestmark = pytest.mark.integration

ARTICLES = [
    "The council approved 12 new bus lines on Monday, the mayor said.\n\n"
    "Ridership rose by 14 percent in 2023, according to the transport authority.",
    "The hospital opened a new wing with 200 beds on Friday, officials said.\n\n"
    "Waiting times fell by a third last year, the health ministry reported.",
]
MAX_ATTEMPTS = 2


def _ingest(reviewer, body: str) -> int:
    response = token_api_client(reviewer).post(
        "/api/v1/articles/", {"title": body[:40], "body": body}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _statuses(ids: list[int]) -> dict[int, str]:
    return dict(Article.objects.filter(pk__in=ids).values_list("pk", "status"))


def test_an_article_that_kills_its_worker_ends_failed_and_the_others_split(start_worker, reviewer):
    poison = _ingest(reviewer, f"Exports of wheat reached 3 million tonnes. {POISON}")
    others = [_ingest(reviewer, body) for body in ARTICLES]
    worker = start_worker(
        app="tests.integration.poison_app", env={"FACTCHECK_MAX_SPLIT_ATTEMPTS": str(MAX_ATTEMPTS)}
    )
    wait_for(
        lambda: set(_statuses([poison, *others]).values()) <= {"split", "failed"},
        timeout=240,
        what="every article to be split or failed",
    )
    article = Article.objects.get(pk=poison)
    assert article.status == Article.Status.FAILED
    assert article.failure_reason.startswith(f"Gave up after {MAX_ATTEMPTS} attempts")
    # Each kill handed the message back: the article was taken once more than the cap allows.
    assert article.attempts == MAX_ATTEMPTS + 1
    assert not Claim.objects.filter(article_id=poison).exists()
    assert AuditEvent.objects.filter(article_id=poison, action="split_failed").count() == 1
    for article_id in others:
        assert Article.objects.get(pk=article_id).status == Article.Status.SPLIT
        assert Claim.objects.filter(article_id=article_id).exists()
    assert "SIGKILL" in worker.log.read_text(errors="replace")
