from datetime import timedelta

import pytest
from django.utils import timezone

from claims import services
from claims.models import Article, AuditEvent, Claim
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory
from workers.extraction import EXTRACTOR_VERSION

pytestmark = pytest.mark.django_db


def _no_claims(body: str):
    return [], "stub-1"


def _never_called(body: str):
    raise AssertionError("the extractor ran on an article this worker did not take")


def _claims(article: Article) -> list[tuple]:
    return list(
        Claim.objects.filter(article=article)
        .order_by("position")
        .values_list("position", "text", "start", "end", "kind", "score")
    )


def test_it_splits_an_article_into_claims_whose_offsets_point_into_the_body(worker_extractor):
    article = ArticleFactory()
    outcome = services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)
    article.refresh_from_db()
    assert outcome.result == "split"
    assert article.status == Article.Status.SPLIT
    assert article.extractor_version.startswith(EXTRACTOR_VERSION + "+")
    assert article.attempts == 1
    claims = list(article.claims.order_by("position"))
    assert len(claims) == outcome.claims >= 2
    for claim in claims:
        assert article.body[claim.start : claim.end] in claim.sentence
        assert claim.sentence in article.body
        assert claim.text
    assert AuditEvent.objects.filter(article=article, action="split").count() == 1


def test_running_the_split_twice_leaves_exactly_the_same_claims(worker_extractor):
    article = ArticleFactory()
    services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)
    first = _claims(article)
    # A second message for a split article does nothing.
    assert (
        services.article_extract_claims(article_id=article.pk, extractor=worker_extractor).result
        == "skipped"
    )
    assert _claims(article) == first
    # A real second run (the article re-queued) replaces the claims with the same ones.
    Article.objects.filter(pk=article.pk).update(status=Article.Status.QUEUED)
    assert (
        services.article_extract_claims(article_id=article.pk, extractor=worker_extractor).result
        == "split"
    )
    assert _claims(article) == first
    assert Claim.objects.filter(article=article).count() == len(first)


def test_a_second_worker_is_told_to_wait_while_the_first_holds_the_lease():
    article = ArticleFactory(status=Article.Status.SPLITTING, status_changed_at=timezone.now())
    outcome = services.article_extract_claims(article_id=article.pk, extractor=_never_called)
    assert outcome.result == "busy"
    assert 0 < outcome.retry_in <= 600
    assert not Claim.objects.filter(article=article).exists()


def test_a_worker_takes_over_an_article_whose_lease_ran_out(settings):
    stale = timezone.now() - timedelta(seconds=settings.FACTCHECK_SPLIT_LEASE_SECONDS + 1)
    article = ArticleFactory(status=Article.Status.SPLITTING, status_changed_at=stale, attempts=1)
    assert (
        services.article_extract_claims(article_id=article.pk, extractor=_no_claims).result
        == "split"
    )
    article.refresh_from_db()
    assert article.attempts == 2


def test_a_worker_whose_lease_was_taken_over_writes_nothing():
    article = ArticleFactory()

    def extractor_that_loses_its_lease(body: str):
        # While this worker parses, the sweep hands the article to someone else.
        Article.objects.filter(pk=article.pk).update(split_token=None, status="queued")
        return [], "test"

    outcome = services.article_extract_claims(
        article_id=article.pk, extractor=extractor_that_loses_its_lease
    )
    assert outcome.result == "skipped"
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED


def test_bad_input_marks_the_article_failed_with_a_readable_reason():
    article = ArticleFactory()

    def extractor(body: str):
        raise services.ExtractionRefused("a paragraph of 2,000,000 characters is too long")

    outcome = services.article_extract_claims(article_id=article.pk, extractor=extractor)
    article.refresh_from_db()
    assert outcome.result == "failed"
    assert article.status == Article.Status.FAILED
    assert "2,000,000 characters" in article.failure_reason
    assert AuditEvent.objects.filter(article=article, action="split_failed").exists()


def test_a_split_of_a_missing_article_returns_quietly():
    assert (
        services.article_extract_claims(article_id=987654, extractor=_never_called).result
        == "skipped"
    )


def test_it_refuses_to_replace_claims_that_already_have_verdicts():
    verdict = VerdictFactory()
    article = verdict.claim.article
    ClaimFactory(article=article, position=1)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.QUEUED)
    outcome = services.article_extract_claims(article_id=article.pk, extractor=_no_claims)
    article.refresh_from_db()
    assert outcome.result == "refused"
    assert article.status == Article.Status.SPLIT
    assert "already being reviewed" in article.failure_reason
    assert Claim.objects.filter(article=article).count() == 2
    assert verdict.claim.verdicts.count() == 1


def test_a_restated_claim_in_the_same_article_is_marked_duplicate_of_the_first(worker_extractor):
    from tests.paths import SAMPLE_ARTICLE

    article = ArticleFactory(body=SAMPLE_ARTICLE.read_text())
    services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)
    american = Claim.objects.get(article=article, text__contains="American leaders")
    assert american.status == Claim.Status.DUPLICATE
    assert "US leaders" in american.duplicate_of.text
    assert american.duplicate_of.status == Claim.Status.NEW


def test_the_same_claim_in_a_later_article_points_at_the_earlier_one_and_its_verdict(
    reviewer, worker_extractor
):
    from claims.selectors import claim_matching_verdicts

    sentence = "The Pentagon sent 31 Abrams tanks to Ukraine in 2023."
    first = ArticleFactory(body=f"{sentence}\n\nThe mayor opened a new bridge in Leeds.")
    services.article_extract_claims(article_id=first.pk, extractor=worker_extractor)
    original = Claim.objects.get(article=first, text__contains="Abrams")
    verdict = services.verdict_set(
        claim_id=original.pk, reviewer=reviewer, rating="true", explanation="DoD release."
    )
    second = ArticleFactory(body=f"Officials met in Berlin on Friday.\n\n{sentence}")
    services.article_extract_claims(article_id=second.pk, extractor=worker_extractor)
    repeat = Claim.objects.get(article=second, text__contains="Abrams")
    assert repeat.duplicate_of == original
    assert repeat.status == Claim.Status.DUPLICATE
    assert list(claim_matching_verdicts(claim=repeat)) == [verdict]
    # Different numbers are a different claim.
    third = ArticleFactory(body="The Pentagon sent 45 Abrams tanks to Ukraine in 2023.")
    services.article_extract_claims(article_id=third.pk, extractor=worker_extractor)
    assert Claim.objects.get(article=third, text__contains="Abrams").duplicate_of is None


def test_a_claim_restated_elsewhere_and_within_its_article_links_each_copy_once(
    worker_extractor,
):
    sentence = "The Pentagon sent 31 Abrams tanks to Ukraine in 2023."
    first = ArticleFactory(body=f"{sentence}\n\nThe mayor opened a new bridge in Leeds.")
    services.article_extract_claims(article_id=first.pk, extractor=worker_extractor)
    original = Claim.objects.get(article=first, text__contains="Abrams")
    second = ArticleFactory(
        body=f"{sentence}\n\nOfficials met in Berlin on Friday.\n\nAgain: {sentence}"
    )
    services.article_extract_claims(article_id=second.pk, extractor=worker_extractor)
    copies = list(
        Claim.objects.filter(article=second, text__contains="Abrams").order_by("position")
    )
    assert len(copies) == 2
    # The first copy restates the other article's claim; the second restates the first copy.
    assert [c.duplicate_of_id for c in copies] == [original.pk, copies[0].pk]
    assert {c.status for c in copies} == {Claim.Status.DUPLICATE}
    audit = AuditEvent.objects.get(article=second, action="split")
    assert audit.data["duplicates"] == 2
    # The article row is written without touching its body.
    second.refresh_from_db()
    assert second.status == Article.Status.SPLIT and second.split_at is not None


def test_a_first_split_costs_the_same_queries_however_many_claims_are_stored(
    worker_extractor, django_assert_num_queries
):
    def split_counting() -> int:
        article = ArticleFactory()
        with django_assert_num_queries(FIRST_SPLIT_QUERIES) as captured:
            services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)
        return len(captured)

    split_counting()
    ClaimFactory.create_batch(50)
    split_counting()


# Take the lease, read the body, lock the row, check for earlier claims, look up restated
# claims elsewhere, insert the claims, update the article, the audit row, the webhook
# subscribers, and the savepoint around the write.
FIRST_SPLIT_QUERIES = 11


def test_a_retry_of_the_same_task_takes_back_the_article_it_holds():
    import uuid

    token = uuid.uuid4()
    article = ArticleFactory(
        status=Article.Status.SPLITTING, status_changed_at=timezone.now(), split_token=token
    )
    # Another task must wait for the lease...
    assert (
        services.article_extract_claims(article_id=article.pk, extractor=_never_called).result
        == "busy"
    )
    # ...but the holder's own retry goes on at once.
    assert (
        services.article_extract_claims(
            article_id=article.pk, token=token, extractor=_no_claims
        ).result
        == "split"
    )


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.services.splitting.article_enqueue_split",
        lambda *, article_id: sent.append(article_id) or True,
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


def test_a_split_taken_back_more_often_than_the_attempt_cap_is_marked_failed(settings):
    import uuid

    # A worker killed by the text (out of memory, a crash) gets its message back with the same
    # task id, so the same token takes the article back at once, again and again.
    token = uuid.uuid4()
    article = ArticleFactory(
        status=Article.Status.SPLITTING, status_changed_at=timezone.now(), split_token=token,
        attempts=settings.FACTCHECK_MAX_SPLIT_ATTEMPTS,
    )  # fmt: skip
    outcome = services.article_extract_claims(
        article_id=article.pk, token=token, extractor=_never_called
    )
    article.refresh_from_db()
    assert outcome.result == "failed"
    assert article.status == Article.Status.FAILED
    assert article.failure_reason.startswith(
        f"Gave up after {settings.FACTCHECK_MAX_SPLIT_ATTEMPTS} attempts"
    )
    assert AuditEvent.objects.filter(article=article, action="split_failed").exists()


def test_the_last_allowed_attempt_still_splits(settings):
    article = ArticleFactory(attempts=settings.FACTCHECK_MAX_SPLIT_ATTEMPTS - 1)
    outcome = services.article_extract_claims(article_id=article.pk, extractor=_no_claims)
    assert outcome.result == "split"


TANKS = "Russia sent 30 tanks to Kyiv."


def test_one_sentence_repeated_to_the_length_limit_splits_with_every_repeat_linked_to_the_first(
    worker_extractor,
):
    # 198,000 characters on one line: the pairing was quadratic (22 million pairs) and so were
    # spaCy's per-sentence entity look-ups on a 6,600-sentence Doc; both are linear now.
    copies = 198_000 // (len(TANKS) + 1)
    article = ArticleFactory(body=" ".join([TANKS] * copies))
    outcome = services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)
    assert outcome.result == "split" and outcome.claims == copies
    claims = list(Claim.objects.filter(article=article).order_by("position"))
    first = claims[0]
    assert first.duplicate_of_id is None and first.status == Claim.Status.NEW
    assert all(c.duplicate_of_id == first.pk for c in claims[1:])
    assert all(c.status == Claim.Status.DUPLICATE for c in claims[1:])


def test_an_article_with_more_claims_than_the_cap_fails_saying_why(settings, worker_extractor):
    settings.FACTCHECK_MAX_CLAIMS_PER_ARTICLE = 20
    article = ArticleFactory(body=" ".join(f"Russia sent {n} tanks to Kyiv." for n in range(30)))
    outcome = services.article_extract_claims(article_id=article.pk, extractor=worker_extractor)
    article.refresh_from_db()
    assert outcome.result == "failed"
    assert article.status == Article.Status.FAILED
    assert "more than 20 claims" in article.failure_reason
    assert not Claim.objects.filter(article=article).exists()
