import pytest

from claims import services
from claims.models import Article, AuditEvent, Claim
from tests.factories import ArticleFactory, ClaimFactory, EditorFactory

pytestmark = pytest.mark.django_db

SENTENCE = "The Pentagon sent 31 Abrams tanks to Ukraine in 2023."


def _split(body: str, extractor) -> Claim:
    article = ArticleFactory(body=body)
    services.article_extract_claims(article_id=article.pk, extractor=extractor)
    return Claim.objects.get(article=article, text__contains="Abrams")


def _refresh(*claims: Claim) -> None:
    for claim in claims:
        claim.refresh_from_db()


def _no_duplicate_of_nothing() -> bool:
    return not Claim.objects.filter(status=Claim.Status.DUPLICATE, duplicate_of__isnull=True)


def test_resplitting_an_article_reopens_the_claim_elsewhere_that_restated_its_claim(
    worker_extractor,
):
    original = _split(f"{SENTENCE}\n\nThe mayor opened a new bridge in Leeds.", worker_extractor)
    repeat = _split(f"Officials met in Berlin on Friday.\n\n{SENTENCE}", worker_extractor)
    assert repeat.duplicate_of == original

    Article.objects.filter(pk=original.article_id).update(status=Article.Status.QUEUED)
    services.article_extract_claims(article_id=original.article_id, extractor=worker_extractor)

    repeat.refresh_from_db()
    assert (repeat.status, repeat.duplicate_of_id) == (Claim.Status.NEW, None)
    # The re-split article's new claim now restates the surviving one.
    new = Claim.objects.get(article_id=original.article_id, text__contains="Abrams")
    assert new.duplicate_of == repeat
    assert _no_duplicate_of_nothing()
    assert AuditEvent.objects.filter(claim=repeat, message__startswith="Reopened").exists()


def test_deleting_an_article_makes_the_next_copy_the_first_statement(worker_extractor):
    editor = EditorFactory()
    original = _split(SENTENCE, worker_extractor)
    second = _split(f"Officials met in Berlin on Friday.\n\n{SENTENCE}", worker_extractor)
    third = _split(f"{SENTENCE}\n\nThe mayor opened a new bridge in Leeds.", worker_extractor)
    assert second.duplicate_of == third.duplicate_of == original

    services.article_delete(article_id=original.article_id, by=editor)

    _refresh(second, third)
    assert (second.status, second.duplicate_of_id) == (Claim.Status.NEW, None)
    assert (third.status, third.duplicate_of_id) == (Claim.Status.DUPLICATE, second.pk)
    assert _no_duplicate_of_nothing()
    relinked = AuditEvent.objects.get(claim=third, action="duplicate")
    assert relinked.actor == editor and f"#{second.pk}" in relinked.message


def test_a_surviving_first_statement_elsewhere_takes_over_the_links():
    gone = ClaimFactory(fingerprint="abc")
    survivor = ClaimFactory(fingerprint="abc")
    linked = ClaimFactory(fingerprint="abc", status=Claim.Status.DUPLICATE, duplicate_of=gone)
    # Marked duplicate by an editor although its words differ: the editor's "same claim" holds.
    by_hand = ClaimFactory(fingerprint="xyz", status=Claim.Status.DUPLICATE, duplicate_of=gone)

    assert services.claim_duplicates_relink(article_id=gone.article_id) == 2
    _refresh(linked, by_hand)
    for claim in (linked, by_hand):
        assert (claim.status, claim.duplicate_of) == (Claim.Status.DUPLICATE, survivor)
    # Nothing is left to change.
    assert services.claim_duplicates_relink(article_id=gone.article_id) == 0


def test_a_claim_linked_by_hand_with_no_copy_left_is_reopened():
    gone = ClaimFactory(fingerprint="abc")
    by_hand = ClaimFactory(fingerprint="xyz", status=Claim.Status.DUPLICATE, duplicate_of=gone)
    assert services.claim_duplicates_relink(article_id=gone.article_id) == 1
    by_hand.refresh_from_db()
    assert (by_hand.status, by_hand.duplicate_of) == (Claim.Status.NEW, None)


def test_a_refused_delete_changes_no_link():
    from django.db.models import ProtectedError

    from tests.factories import VerdictFactory

    gone = VerdictFactory().claim
    linked = ClaimFactory(status=Claim.Status.DUPLICATE, duplicate_of=gone)
    with pytest.raises(ProtectedError):
        services.article_delete(article_id=gone.article_id, by=EditorFactory())
    linked.refresh_from_db()
    assert linked.duplicate_of == gone and linked.status == Claim.Status.DUPLICATE
