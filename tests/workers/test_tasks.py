"""The Celery tasks: their names, the extractor the split task hands to the service, and what
it does once it has given up (retries spent, or an unexpected error)."""

import pytest
from django.conf import settings
from django.db import OperationalError

from claims.models import Article
from claims.services import SPLIT_TASK_NAME, SWEEP_TASK_NAME, ExtractionRefused
from tests.factories import ArticleFactory
from workers import nlp
from workers.extraction import ClaimCandidate
from workers.tasks import ArticleBusy, split_article, sweep_articles

pytestmark = pytest.mark.django_db


def test_the_tasks_are_registered_under_the_names_the_web_side_sends():
    assert split_article.name == SPLIT_TASK_NAME == "workers.split_article"
    assert sweep_articles.name == SWEEP_TASK_NAME == "workers.sweep_articles"
    # settings.py cannot import claims, so the beat schedule spells the name out.
    assert settings.CELERY_BEAT_SCHEDULE["sweep-articles"]["task"] == SWEEP_TASK_NAME


def test_the_split_task_hands_the_workers_extractor_to_the_service(monkeypatch):
    article = ArticleFactory(language="en")
    seen: list[str] = []

    def extractor(body: str) -> tuple[list[ClaimCandidate], str]:
        seen.append(body)
        sentence = body.splitlines()[0]
        claim = ClaimCandidate(
            text=sentence, sentence=sentence, start=0, end=len(sentence), kind="event", score=0.9
        )
        return [claim], "stub-1"

    monkeypatch.setattr(nlp, "extract_article", extractor)
    result = split_article.apply(args=[article.pk]).get()

    article.refresh_from_db()
    assert seen == [article.body]
    assert result == {"result": "split", "claims": 1, "reason": ""}
    assert article.status == Article.Status.SPLIT and article.extractor_version == "stub-1"


def test_text_the_extractor_refuses_fails_the_article_without_a_retry(monkeypatch):
    article = ArticleFactory(language="en")

    def extractor(body: str) -> tuple[list[ClaimCandidate], str]:
        raise ExtractionRefused("a paragraph of 2,000,000 characters is too long")

    monkeypatch.setattr(nlp, "extract_article", extractor)
    result = split_article.apply(args=[article.pk]).get()

    article.refresh_from_db()
    assert result["result"] == "failed"
    assert article.status == Article.Status.FAILED and article.attempts == 1
    assert article.failure_reason == "a paragraph of 2,000,000 characters is too long"


@pytest.mark.parametrize("exc", [OperationalError("server gone"), ArticleBusy()])
def test_a_transient_error_after_the_last_retry_leaves_the_article_for_the_sweep(exc):
    article = ArticleFactory(status=Article.Status.SPLITTING)
    split_article.on_failure(exc, "task-id", (article.pk,), {}, None)
    article.refresh_from_db()
    assert article.status == Article.Status.SPLITTING
    assert article.failure_reason == ""


def test_an_unexpected_error_marks_the_article_failed_with_a_reason():
    article = ArticleFactory(status=Article.Status.SPLITTING)
    split_article.on_failure(ValueError("bug"), "task-id", (article.pk,), {}, None)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "Internal error while splitting (ValueError)" in article.failure_reason
