from datetime import timedelta

import pytest
from django.utils import timezone

from claims import services
from claims.models import Article, AuditEvent
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(
        services, "article_enqueue_split", lambda *, article_id: sent.append(article_id) or True
    )
    return sent


def test_it_requeues_splits_whose_worker_died_and_messages_that_were_lost(settings, sent):
    now = timezone.now()
    lease = timedelta(seconds=settings.FACTCHECK_SPLIT_LEASE_SECONDS)
    queued_timeout = timedelta(seconds=settings.FACTCHECK_QUEUED_TIMEOUT_SECONDS)
    dead = ArticleFactory(status="splitting", status_changed_at=now - lease * 2, attempts=1)
    lost = ArticleFactory(status="queued", status_changed_at=now - queued_timeout * 2)
    busy = ArticleFactory(status="splitting", status_changed_at=now - timedelta(seconds=5))
    fresh = ArticleFactory(status="queued", status_changed_at=now)
    done = ArticleFactory(status="split", status_changed_at=now - lease * 10)

    result = services.articles_sweep(now=now)

    assert sorted(result.requeued) == sorted([dead.pk, lost.pk])
    assert sorted(sent) == sorted([dead.pk, lost.pk])
    for article in (dead, lost):
        article.refresh_from_db()
        assert article.status == Article.Status.QUEUED
        assert article.status_changed_at == now
    for article, status in ((busy, "splitting"), (fresh, "queued"), (done, "split")):
        article.refresh_from_db()
        assert article.status == status
    assert AuditEvent.objects.filter(action="requeue").count() == 2
    # Run again at once: nothing is stale any more.
    assert services.articles_sweep(now=now).requeued == []


def test_it_gives_up_after_the_attempt_cap_with_a_reason(settings, sent):
    stale = timezone.now() - timedelta(seconds=settings.FACTCHECK_SPLIT_LEASE_SECONDS + 60)
    article = ArticleFactory(
        status="splitting", status_changed_at=stale,
        attempts=settings.FACTCHECK_MAX_SPLIT_ATTEMPTS,
    )  # fmt: skip
    result = services.articles_sweep()
    article.refresh_from_db()
    assert result.given_up == [article.pk] and sent == []
    assert article.status == Article.Status.FAILED
    assert "Gave up after" in article.failure_reason
