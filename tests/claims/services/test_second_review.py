"""Second review cannot be bypassed: no new verdict while one awaits review or is disputed, the
published verdict stays current until its replacement is published, and nobody publishes their
own."""

import pytest
from django.core.exceptions import ValidationError

from claims import selectors, services
from claims.models import Claim, Rating, Verdict, verdict_published_q
from tests.factories import ClaimFactory, EditorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_review(settings):
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True


def give(claim, reviewer, rating=Rating.FALSE):
    return services.verdict_set(
        claim_id=claim.pk, reviewer=reviewer, rating=rating, explanation="Minutes show 3."
    )


def disagree(verdict, rating=Rating.TRUE):
    services.verdict_review(
        verdict_id=verdict.pk, reviewer=ReviewerFactory(), agrees=False, rating=rating,
        note="The minutes are a draft.",
    )  # fmt: skip


def published(claim):
    return list(Verdict.objects.filter(verdict_published_q(), claim=claim))


def test_the_author_cannot_resubmit_a_disputed_verdict_to_skip_the_editor():
    author = ReviewerFactory()
    claim = ClaimFactory()
    disputed = give(claim, author)
    disagree(disputed)
    with pytest.raises(ValidationError, match="disputed"):
        give(claim, author)
    assert list(Verdict.objects.all()) == [disputed]
    assert published(claim) == []


@pytest.mark.parametrize("who", ["author", "someone_else"])
def test_no_new_verdict_while_one_awaits_a_second_review(who):
    author = ReviewerFactory()
    claim = ClaimFactory()
    waiting = give(claim, author)
    with pytest.raises(ValidationError, match="awaits a second review"):
        give(claim, author if who == "author" else ReviewerFactory(), Rating.TRUE)
    assert list(Verdict.objects.all()) == [waiting]
    waiting.refresh_from_db()
    assert waiting.is_current


def test_a_new_verdict_leaves_the_published_one_current_until_it_is_published():
    author, second = ReviewerFactory(), ReviewerFactory()
    claim = ClaimFactory()
    first = give(claim, author)
    services.verdict_review(verdict_id=first.pk, reviewer=second, agrees=True)
    assert published(claim) == [first]

    replacement = give(claim, ReviewerFactory(), Rating.TRUE)
    first.refresh_from_db()
    # Partners still see the published verdict; the replacement waits for its review.
    assert published(claim) == [first] and first.is_current
    assert not replacement.is_current and replacement.published_at is None
    assert replacement in selectors.verdicts_awaiting_review(user=second)
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.VERDICT

    services.verdict_review(verdict_id=replacement.pk, reviewer=second, agrees=True)
    first.refresh_from_db()
    replacement.refresh_from_db()
    assert published(claim) == [replacement] and replacement.is_current
    assert not first.is_current and first.superseded_by == replacement


def test_a_disputed_replacement_settled_with_another_rating_supersedes_both():
    claim = ClaimFactory()
    first = give(claim, ReviewerFactory())
    services.verdict_review(verdict_id=first.pk, reviewer=ReviewerFactory(), agrees=True)
    replacement = give(claim, ReviewerFactory(), Rating.TRUE)
    disagree(replacement, Rating.MIXED)
    assert published(claim) == [first]
    settled = services.verdict_settle(
        verdict_id=replacement.pk, by=EditorFactory(), rating=Rating.MIXED
    )
    first.refresh_from_db()
    replacement.refresh_from_db()
    assert published(claim) == [settled]
    # The history is a chain: published -> disputed replacement -> the editor's verdict.
    assert first.superseded_by == replacement and replacement.superseded_by == settled
    assert Verdict.objects.filter(claim=claim, is_current=True).count() == 1


@pytest.mark.parametrize("how", ["publish", "settle_same", "settle_other"])
def test_an_editor_cannot_publish_their_own_verdict(how):
    editor = EditorFactory()
    claim = ClaimFactory()
    own = give(claim, editor)
    disagree(own)
    with pytest.raises(ValidationError, match="own verdict"):
        if how == "publish":
            services.verdict_publish(verdict_id=own.pk, by=editor)
        else:
            rating = Rating.FALSE if how == "settle_same" else Rating.MIXED
            services.verdict_settle(verdict_id=own.pk, by=editor, rating=rating)
    assert published(claim) == [] and list(Verdict.objects.all()) == [own]
    # Another editor may.
    services.verdict_publish(verdict_id=own.pk, by=EditorFactory())
    assert published(claim) == [own]
