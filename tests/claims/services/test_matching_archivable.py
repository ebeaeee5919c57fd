"""Which claims go into the matching archive: not the ones the split found not checkable, until
a reviewer judges one."""

import pytest

from claims import selectors, services
from claims.matching.encoder import sentence_encoder
from claims.matching.ranking import ranker
from claims.models import ArchiveEntry, Claim, ClaimMatch
from claims.services import match_queue
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

CHECKABLE = "The city council approved twelve new bus lines for the northern districts on Monday."
GREETING = "Good evening, and thank you all for coming out tonight to the town hall meeting."


def _match(article_id: int) -> int:
    return services.article_match_claims(
        article_id=article_id, encoder=sentence_encoder(), ranker=ranker()
    )


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """The articles whose matching task was sent (instead of a broker)."""
    sent: list[int] = []
    monkeypatch.setattr(
        match_queue, "article_enqueue_match", lambda *, article_id: sent.append(article_id) or True
    )
    return sent


def test_a_split_embeds_and_matches_only_the_claims_that_are_not_hidden_as_not_checkable() -> None:
    ClaimFactory(text=GREETING, kind=Claim.Kind.NOT_CHECKABLE)  # an earlier restatement
    article = ArticleFactory()
    shown = ClaimFactory(article=article, text=CHECKABLE, position=0)
    hidden = ClaimFactory(article=article, text=GREETING, kind=Claim.Kind.NOT_CHECKABLE, position=1)
    _match(article.pk)
    assert list(ArchiveEntry.objects.values_list("claim_id", flat=True)) == [shown.pk]
    assert not ClaimMatch.objects.filter(claim=hidden).exists()
    assert list(selectors.claims_without_archive_entry()) == []


def test_judging_a_not_checkable_claim_sends_its_articles_matching_once_the_verdict_commits(
    reviewer, sent, django_capture_on_commit_callbacks
) -> None:
    hidden = ClaimFactory(text=GREETING, kind=Claim.Kind.NOT_CHECKABLE)
    _match(hidden.article_id)
    assert not ArchiveEntry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_set(
            claim_id=hidden.pk, reviewer=reviewer, rating="true", explanation="Checked."
        )
    assert sent == [hidden.article_id]
    assert list(selectors.claims_without_archive_entry()) == [hidden]
    _match(hidden.article_id)  # what the task sent does
    assert ArchiveEntry.objects.get().claim == hidden


def test_judging_a_claim_the_split_archived_sends_nothing(
    reviewer, sent, django_capture_on_commit_callbacks
) -> None:
    claim = ClaimFactory(text=CHECKABLE)
    _match(claim.article_id)
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_set(
            claim_id=claim.pk, reviewer=reviewer, rating="true", explanation="Checked."
        )
    assert sent == []


def test_the_backfill_leaves_unjudged_not_checkable_claims_out() -> None:
    shown = ClaimFactory(text=CHECKABLE)
    ClaimFactory(article=shown.article, text=GREETING, kind=Claim.Kind.NOT_CHECKABLE, position=1)
    done = services.claims_backfill_matches(
        article_ids=[shown.article_id], encoder=sentence_encoder(), ranker=ranker()
    )
    assert done.claims == 1
    assert list(ArchiveEntry.objects.values_list("claim_id", flat=True)) == [shown.pk]
