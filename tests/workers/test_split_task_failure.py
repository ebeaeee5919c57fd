"""What the split task does once it has given up (retries spent, or an unexpected error)."""

import pytest
from django.db import OperationalError

from claims.models import Article
from tests.factories import ArticleFactory
from workers.tasks import ArticleBusy, split_article

pytestmark = pytest.mark.django_db


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
