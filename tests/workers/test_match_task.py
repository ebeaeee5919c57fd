"""The matching task: its name and queue, that a split sends it, and what it stores."""

import pytest
from django.conf import settings

from claims.models import ArchiveEntry, ClaimMatch
from claims.services import MATCH_TASK_NAME
from tests.factories import ArticleFactory, ClaimFactory
from workers import tasks
from workers.extraction import ClaimCandidate
from workers.tasks import match_claims, split_article

pytestmark = pytest.mark.django_db


def test_the_match_task_has_its_name_and_its_own_queue():
    assert match_claims.name == MATCH_TASK_NAME == "workers.match_claims"
    assert settings.CELERY_TASK_ROUTES[MATCH_TASK_NAME]["queue"] == "matching"


def test_a_split_with_claims_sends_the_match_task_for_its_article(monkeypatch):
    article = ArticleFactory(language="en")
    sent: list[int] = []
    monkeypatch.setattr(
        tasks, "article_enqueue_match", lambda *, article_id: sent.append(article_id)
    )

    def extractor(body: str) -> tuple[list[ClaimCandidate], str]:
        line = body.splitlines()[0]
        return [
            ClaimCandidate(
                text=line, sentence=line, start=0, end=len(line), kind="event", score=0.9
            )
        ], "stub"

    from workers import nlp

    monkeypatch.setattr(nlp, "extract_article", extractor)
    split_article.apply(args=[article.pk]).get()
    assert sent == [article.pk]


def test_the_match_task_embeds_the_claims_once_and_stores_their_matches():
    earlier = ClaimFactory(article=ArticleFactory(), text="Inflation fell to two percent.")
    match_claims.apply(args=[earlier.article_id]).get()
    later = ClaimFactory(article=ArticleFactory(), text="Inflation fell to two percent.")
    match_claims.apply(args=[later.article_id]).get()
    match_claims.apply(args=[later.article_id]).get()
    assert ArchiveEntry.objects.count() == 2
    assert list(ClaimMatch.objects.filter(claim=later).values_list("entry__claim", flat=True)) == [
        earlier.pk
    ]
