"""The article page's status line while the split runs, after it fails and once it is done."""

import pytest
from django.urls import reverse

from claims.models import Article
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
)

pytestmark = pytest.mark.django_db


# --- Articles --------------------------------------------------------------------------------


def test_the_article_status_line_says_it_updates_itself_until_the_split_is_done(reviewer_client):
    article = ArticleFactory()
    page = reviewer_client.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert reverse("claims:article-status", args=[article.pk]) in page
    status = reviewer_client.get(reverse("claims:article-status", args=[article.pk]))
    assert 'data-done="false"' in status.content.decode()
    assert "updates itself" in status.content.decode()


def test_a_failed_article_shows_its_reason_and_stops_polling(reviewer_client):
    article = ArticleFactory(status=Article.Status.FAILED, failure_reason="Too long a paragraph")
    page = reviewer_client.get(reverse("claims:article", args=[article.pk])).content.decode()
    assert "Too long a paragraph" in page
    assert "data-poll-url" not in page


def test_a_split_article_lists_its_claims(reviewer_client):
    claim = ClaimFactory()
    page = reviewer_client.get(reverse("claims:article", args=[claim.article_id])).content.decode()
    assert 'data-done="true"' in page
    assert reverse("claims:claim", args=[claim.pk]) in page
