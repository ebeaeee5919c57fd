"""Backfill: claims stored before matching existed are embedded and matched, oldest first."""

import pytest

from claims import selectors, services
from claims.matching.encoder import sentence_encoder
from claims.matching.ranking import ranker
from claims.models import ArchiveEntry, ArchiveVector, Claim, ClaimMatch
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

LONG = "The city council approved twelve new bus lines for the northern districts on Monday."
OTHER = "Inflation in the eurozone fell to two percent in the last quarter of the year."


def _backfill(article_ids: list[int]) -> services.BackfillSummary:
    return services.claims_backfill_matches(
        article_ids=article_ids, encoder=sentence_encoder(), ranker=ranker()
    )


def test_claims_without_an_entry_are_embedded_and_a_later_restatement_links_to_the_earlier() -> (
    None
):
    earlier = ClaimFactory(article=ArticleFactory(), text=LONG)
    ClaimFactory(article=earlier.article, text=OTHER, position=1)
    later = ClaimFactory(article=ArticleFactory(), text=LONG)
    summary = _backfill([later.article_id, earlier.article_id])
    assert (summary.articles, summary.claims) == (2, 3)
    assert ArchiveEntry.objects.count() == ArchiveVector.objects.count() == 3
    # The earlier claim went first: it is never made a duplicate of its later restatement.
    assert list(ClaimMatch.objects.values_list("claim_id", "entry__claim_id")) == [
        (later.pk, earlier.pk)
    ]
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert later.duplicate_of == earlier
    assert earlier.status == Claim.Status.NEW
    assert summary.matched == 1


def test_running_it_again_changes_nothing() -> None:
    claim = ClaimFactory(article=ArticleFactory(), text=LONG)
    _backfill([claim.article_id])
    entry = ArchiveEntry.objects.get()
    again = _backfill([claim.article_id])
    assert (again.articles, again.claims, again.matched) == (0, 0, 0)
    assert list(ArchiveEntry.objects.all()) == [entry]


def test_a_batch_that_fails_half_way_writes_nothing_and_the_next_run_completes(
    monkeypatch,
) -> None:
    first = ClaimFactory(article=ArticleFactory(), text=LONG)
    second = ClaimFactory(article=ArticleFactory(), text=LONG)
    real = services.matching._claims_store_matches
    calls: list[Claim] = []

    def failing(claims, *args, **kwargs):
        calls.append(claims[0])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(claims, *args, **kwargs)

    monkeypatch.setattr(services.matching, "_claims_store_matches", failing)
    with pytest.raises(RuntimeError):
        _backfill([first.article_id, second.article_id])
    assert not ArchiveEntry.objects.exists() and not ClaimMatch.objects.exists()
    monkeypatch.setattr(services.matching, "_claims_store_matches", real)
    assert selectors.articles_to_backfill(after=0, limit=10) == [
        first.article_id,
        second.article_id,
    ]
    assert _backfill([first.article_id, second.article_id]).claims == 2
    assert not selectors.claims_without_archive_entry().exists()


def test_the_split_task_path_reads_stored_vectors_instead_of_embedding_again() -> None:
    claim = ClaimFactory(article=ArticleFactory(), text=LONG)
    _backfill([claim.article_id])

    class Counting:
        version = "counting"
        texts: list[str] = []

        def encode(self, texts):
            self.texts.extend(texts)
            return sentence_encoder().encode(texts)

    counting = Counting()
    fresh = ClaimFactory(article=claim.article, text=OTHER, position=1)
    services.article_match_claims(article_id=claim.article_id, encoder=counting, ranker=ranker())
    assert counting.texts == [fresh.text]
