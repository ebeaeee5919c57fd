"""Admin triage of articles and verdicts: re-split, retry, edit, delete, publish."""

import pytest
from django.test import Client

from claims import services
from claims.models import Article, Claim, Verdict
from tests.claims.admin._helpers import ARTICLES, VERDICTS, act, audit, said
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db
# --- Articles --------------------------------------------------------------------------------


def test_resplitting_requeues_and_is_audited(
    editor_client, editor, no_broker, django_capture_on_commit_callbacks
):
    article = ArticleFactory(status=Article.Status.SPLIT)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(editor_client, "resplit", [article], url=ARTICLES)
    assert "1 article(s) queued" in said(response)
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED
    assert no_broker == [article.pk]
    assert audit("requeue", actor=editor, article=article).count() == 1


def test_resplitting_an_article_under_review_is_refused_with_the_reason(editor_client, no_broker):
    claim = VerdictFactory(claim__status=Claim.Status.VERDICT).claim
    response = act(editor_client, "resplit", [claim.article], url=ARTICLES)
    assert "cannot be split again" in said(response)
    claim.article.refresh_from_db()
    assert claim.article.status == Article.Status.SPLIT and no_broker == []


def test_retrying_touches_only_failed_articles(
    editor_client, no_broker, django_capture_on_commit_callbacks
):
    failed = ArticleFactory(status=Article.Status.FAILED, failure_reason="boom")
    done = ArticleFactory(status=Article.Status.SPLIT)
    with django_capture_on_commit_callbacks(execute=True):
        act(editor_client, "retry_failed", [failed, done], url=ARTICLES)
    failed.refresh_from_db()
    done.refresh_from_db()
    assert failed.status == Article.Status.QUEUED and failed.failure_reason == ""
    assert done.status == Article.Status.SPLIT
    assert no_broker == [failed.pk]


def test_a_reviewer_cannot_resplit(reviewer_client, no_broker):
    article = ArticleFactory(status=Article.Status.FAILED)
    act(reviewer_client, "retry_failed", [article], url=ARTICLES)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and no_broker == []


def test_editing_an_article_is_audited_field_by_field(editor_client, editor):
    article = ArticleFactory(status=Article.Status.SPLIT, source="Gazette")
    response = editor_client.post(
        f"{ARTICLES}{article.pk}/change/",
        {
            "title": "New title", "source": "Gazette", "author": "", "published_on": "2024-05-31",
            "language": "",
            # the inlines' management forms
            "claims-TOTAL_FORMS": 0, "claims-INITIAL_FORMS": 0,
            "audit_events-TOTAL_FORMS": 0, "audit_events-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    event = audit("change", actor=editor, article=article).get()
    assert event.data["fields"] == {
        "title": [article.title, "New title"],
        "published_on": [None, "2024-05-31"],
    }


def test_deleting_an_article_is_for_superusers_and_leaves_an_audit_row(superuser_client):
    article = ClaimFactory().article
    editor_client = Client()
    editor_client.force_login(EditorFactory(is_staff=True))
    assert editor_client.post(f"{ARTICLES}{article.pk}/delete/", {"post": "yes"}).status_code == 403
    response = superuser_client.post(f"{ARTICLES}{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    event = audit("delete").get()
    assert event.data == {"article_id": article.pk, "title": article.title, "claims": 1}


# --- Verdicts --------------------------------------------------------------------------------


def test_editors_publish_verdicts_and_reviewers_cannot(editor_client, editor):
    verdict = VerdictFactory(published_at=None)
    reviewer_client = Client()
    reviewer_client.force_login(ReviewerFactory(is_staff=True))
    act(reviewer_client, "publish", [verdict], url=VERDICTS)
    verdict.refresh_from_db()
    assert verdict.published_at is None

    response = act(editor_client, "publish", [verdict], url=VERDICTS)
    assert "1 verdict(s) published" in said(response)
    verdict.refresh_from_db()
    assert verdict.published_at is not None
    assert audit("publish", actor=editor, verdict=verdict).count() == 1


def test_a_superseded_verdict_is_not_published(editor_client):
    newer = VerdictFactory()
    old = VerdictFactory(
        claim=newer.claim, published_at=None, is_current=False, superseded_by=newer
    )
    response = act(editor_client, "publish", [old], url=VERDICTS)
    assert "1 verdict(s) left unpublished: superseded, or your own" in said(response)
    old.refresh_from_db()
    assert old.published_at is None


def test_a_verdict_page_shows_the_claims_history(editor_client):
    current = VerdictFactory(rating="true")
    first = VerdictFactory(
        claim=current.claim, is_current=False, superseded_by=current, rating="false"
    )
    services.audit_record(action="verdict", claim=first.claim, message="Rated True (was False)")
    page = editor_client.get(f"{VERDICTS}{current.pk}/change/").content.decode()
    assert "superseded" in page and "current" in page
    assert "Rated True (was False)" in page
    assert Verdict.objects.count() == 2
