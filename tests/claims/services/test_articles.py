import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from claims import services
from claims.models import Article, AuditEvent
from tests.factories import ArticleFactory, EditorFactory, VerdictFactory

BODY = (
    "The council approved 12 new bus lines on Monday.\n\nRidership rose 8% in 2023, officials said."
)


def test_it_stores_the_article_and_queues_the_split_after_commit(
    reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.services.splitting.article_enqueue_split",
        lambda *, article_id: sent.append(article_id) or True,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = services.article_create(
            title=" Bus  lines ", body=BODY, url="HTTPS://Example.com/news/1/?utm_source=x",
            ingested_by=reviewer, via="test",
        )  # fmt: skip
        assert sent == []  # nothing is queued before the transaction commits
    for callback in callbacks:
        callback()
    assert sent == [article.pk]
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED
    assert article.title == "Bus lines"
    assert article.url == "https://example.com/news/1"
    assert article.ingested_by == reviewer
    assert AuditEvent.objects.filter(article=article, action="ingest", actor=reviewer).count() == 1


def test_it_takes_the_first_line_as_title_when_none_is_given(db):
    article = services.article_create(title="", body=BODY)
    assert article.title == "The council approved 12 new bus lines on Monday."


@pytest.mark.django_db
def test_it_refuses_the_same_text_twice_pointing_at_the_stored_article():
    first = services.article_create(title="One", body=BODY)
    with pytest.raises(services.DuplicateArticle) as caught:
        # Different whitespace and case: still the same article.
        services.article_create(title="Two", body="  " + BODY.upper().replace(" ", "   ") + "\n\n")
    assert caught.value.existing == first
    assert f"#{first.pk}" in caught.value.messages[0]
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_second_article_at_the_same_normalised_url():
    services.article_create(title="One", body=BODY, url="https://example.com/a?b=1&a=2")
    with pytest.raises(services.DuplicateArticle, match="same URL"):
        services.article_create(
            title="Two", body=BODY + " More.", url="https://EXAMPLE.com:443/a/?a=2&b=1#top"
        )
    assert Article.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "   ", "\n\n\t \n"])
def test_it_refuses_empty_or_whitespace_text_and_stores_nothing(body):
    with pytest.raises(ValidationError, match="no text"):
        services.article_create(title="Empty", body=body)
    assert Article.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
@override_settings(FACTCHECK_MAX_ARTICLE_CHARS=1000)
def test_it_refuses_text_over_the_size_limit():
    with pytest.raises(services.ArticleTooLarge, match="limit is 1,000"):
        services.article_create(title="Long", body="word " * 400)
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_url_that_is_not_http():
    with pytest.raises(ValidationError):
        services.article_create(title="Bad", body=BODY, url="javascript:alert(1)")
    assert Article.objects.count() == 0


@pytest.fixture
def broker_down(settings):
    """Point the Celery app at a port where nothing listens, then restore it."""
    from factcheck.celery import app

    def use(url: str | None) -> None:
        # broker_write_url, because Celery lets the CELERY_BROKER_URL variable beat broker_url.
        app.conf.broker_write_url = url
        # The next publish builds fresh connection and producer pools for the new URL.
        app._pool = None
        app.amqp._producer_pool = None

    use("redis://127.0.0.1:1/0")
    yield
    use(None)


@pytest.mark.django_db
def test_the_article_is_stored_even_when_the_broker_is_unreachable(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(title="Offline", body=BODY)
    assert Article.objects.get(pk=article.pk).status == Article.Status.QUEUED
    assert services.article_enqueue_split(article_id=article.pk) is False


@pytest.mark.django_db
def test_it_refuses_text_made_only_of_invisible_characters():
    with pytest.raises(ValidationError, match="no text"):
        services.article_create(title="Ghost", body="\u200b\ufeff\u200d \u2060\n\u200c")
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_resplit_requeues_a_failed_article_and_refuses_a_reviewed_one(
    django_capture_on_commit_callbacks, monkeypatch
):
    editor = EditorFactory()
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.services.splitting.article_enqueue_split",
        lambda *, article_id: sent.append(article_id) or True,
    )
    failed = ArticleFactory(status=Article.Status.FAILED, attempts=5, failure_reason="boom")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_resplit(article_id=failed.pk, by=editor)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.failure_reason) == ("queued", 0, "")
    assert sent == [failed.pk]

    reviewed = VerdictFactory().claim.article
    with pytest.raises(ValidationError, match="cannot be split again"):
        services.article_resplit(article_id=reviewed.pk, by=editor)


def test_nul_and_other_control_characters_are_dropped_before_storing(db):
    # PostgreSQL refuses NUL in a text column: found by fuzzing article_create on PostgreSQL.
    article = services.article_create(
        title="Tit\x00le", body="Inflation fell\x00 to 3% in\x07 2024.", source="Gaz\x00ette"
    )
    article.refresh_from_db()
    assert (article.title, article.source) == ("Title", "Gazette")
    assert article.body == "Inflation fell to 3% in 2024."
