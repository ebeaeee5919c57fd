from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.models import Article, AuditEvent, Claim
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def test_next_claim_leases_the_highest_priority_then_most_check_worthy(reviewer):
    ClaimFactory(score=0.9)
    urgent = ClaimFactory(score=0.2, priority=5)
    ClaimFactory(score=0.99, kind=Claim.Kind.NOT_CHECKABLE)
    claim = services.claim_lease_next(reviewer=reviewer)
    assert claim == urgent
    claim.refresh_from_db()
    assert claim.assignee == reviewer and claim.status == Claim.Status.IN_REVIEW
    assert claim.lease_expires_at > timezone.now()
    assert AuditEvent.objects.filter(claim=claim, action="assign", actor=reviewer).exists()


def test_a_reviewer_holding_a_claim_gets_the_same_one_back(reviewer):
    ClaimFactory.create_batch(3)
    first = services.claim_lease_next(reviewer=reviewer)
    assert services.claim_lease_next(reviewer=reviewer) == first
    assert Claim.objects.filter(assignee=reviewer).count() == 1


def test_two_reviewers_get_different_claims_and_expired_leases_return(reviewer):
    a, b = ClaimFactory(score=0.9), ClaimFactory(score=0.8)
    other = ReviewerFactory()
    assert services.claim_lease_next(reviewer=reviewer) == a
    assert services.claim_lease_next(reviewer=other) == b
    third = ReviewerFactory()
    assert services.claim_lease_next(reviewer=third) is None
    later = timezone.now() + timedelta(hours=1)
    assert services.claim_lease_next(reviewer=third, now=later) == a


def test_renewing_and_releasing_work_only_for_the_holder(reviewer):
    claim = ClaimFactory()
    services.claim_lease_next(reviewer=reviewer)
    other = ReviewerFactory()
    assert services.claim_lease_renew(claim_id=claim.pk, reviewer=other) is None
    assert services.claim_lease_renew(claim_id=claim.pk, reviewer=reviewer) is not None
    assert services.claim_release(claim_id=claim.pk, user=other) is False
    assert services.claim_release(claim_id=claim.pk, user=reviewer, skipped=True) is True
    claim.refresh_from_db()
    assert claim.assignee is None and claim.status == Claim.Status.NEW
    assert AuditEvent.objects.filter(claim=claim, action="skip").count() == 1


def test_skipped_claims_can_be_excluded_from_the_next_lease(reviewer):
    first, second = ClaimFactory(score=0.9), ClaimFactory(score=0.5)
    services.claim_lease_next(reviewer=reviewer)
    services.claim_release(claim_id=first.pk, user=reviewer, skipped=True)
    assert services.claim_lease_next(reviewer=reviewer, exclude_ids=[first.pk]) == second


def test_an_editor_assignment_keeps_the_claim_for_its_assignee(reviewer):
    editor = EditorFactory()
    claim = ClaimFactory(score=0.9)
    assert services.claims_assign(claim_ids=[claim.pk], assignee=reviewer, by=editor) == 1
    assert services.claims_assign(claim_ids=[claim.pk], assignee=reviewer, by=editor) == 0
    assert services.claim_lease_next(reviewer=ReviewerFactory()) is None
    assert services.claim_lease_next(reviewer=reviewer) == claim
    event = AuditEvent.objects.get(action="assign", actor=editor)
    assert event.claim == claim and event.data["assignee"] == reviewer.pk


def test_bulk_dismiss_release_duplicate_and_priority_leave_judged_claims_alone(reviewer):
    editor = EditorFactory()
    article = ArticleFactory(status=Article.Status.SPLIT)
    original, a, b = (ClaimFactory(article=article) for _ in range(3))
    judged = VerdictFactory(claim=ClaimFactory(article=article, status="verdict")).claim
    ids = [a.pk, b.pk, judged.pk]

    assert services.claims_mark_duplicate(claim_ids=[a.pk], original_id=original.pk, by=editor) == 1
    a.refresh_from_db()
    assert a.duplicate_of == original and a.status == Claim.Status.DUPLICATE
    # Marking a duplicate of a duplicate points at the first statement.
    services.claims_mark_duplicate(claim_ids=[b.pk], original_id=a.pk, by=editor)
    b.refresh_from_db()
    assert b.duplicate_of == original
    with pytest.raises(ValidationError, match="itself"):
        services.claims_mark_duplicate(claim_ids=[original.pk], original_id=original.pk, by=editor)

    assert services.claims_set_priority(claim_ids=ids, delta=500, by=editor) == 3
    assert set(Claim.objects.filter(pk__in=ids).values_list("priority", flat=True)) == {100}
    assert services.claims_dismiss(claim_ids=ids, by=editor) == 2
    judged.refresh_from_db()
    assert judged.status == Claim.Status.VERDICT

    leased = services.claim_lease_next(reviewer=reviewer)
    assert leased is not None
    assert services.claims_release_leases(claim_ids=[leased.pk], by=editor) == 1
    leased.refresh_from_db()
    assert leased.assignee is None and leased.status == Claim.Status.NEW


def test_resplit_requeues_a_failed_article_and_refuses_a_reviewed_one(
    django_capture_on_commit_callbacks, monkeypatch
):
    editor = EditorFactory()
    sent: list[int] = []
    monkeypatch.setattr(
        services, "article_enqueue_split", lambda *, article_id: sent.append(article_id) or True
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
