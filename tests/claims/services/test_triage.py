from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.models import Article, AuditEvent, Claim, Rating
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


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


def test_dismissing_twice_is_recorded_once(reviewer):
    claim = ClaimFactory()
    services.claim_dismiss(claim_id=claim.pk, user=reviewer)
    services.claim_dismiss(claim_id=claim.pk, user=reviewer)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISMISSED
    assert AuditEvent.objects.filter(action="dismiss").count() == 1


def test_a_claim_with_a_published_verdict_is_dismissed_neither_alone_nor_in_bulk(reviewer):
    editor = EditorFactory()
    judged = ClaimFactory()
    verdict = services.verdict_set(
        claim_id=judged.pk, reviewer=reviewer, rating=Rating.FALSE, explanation="Minutes."
    )
    assert verdict.is_published
    with pytest.raises(ValidationError, match="already has a verdict"):
        services.claim_dismiss(claim_id=judged.pk, user=editor)
    assert services.claims_dismiss(claim_ids=[judged.pk], by=editor) == 0
    judged.refresh_from_db()
    assert judged.status == Claim.Status.VERDICT
    assert not AuditEvent.objects.filter(action="dismiss").exists()


def test_a_duplicate_can_be_dismissed_alone_as_in_bulk(reviewer):
    original = ClaimFactory()
    restated = ClaimFactory(status=Claim.Status.DUPLICATE, duplicate_of=original)
    services.claim_dismiss(claim_id=restated.pk, user=reviewer, reason=" Not a claim ")
    restated.refresh_from_db()
    assert restated.status == Claim.Status.DISMISSED
    assert AuditEvent.objects.get(action="dismiss", claim=restated).message == "Not a claim"


def test_dismissing_a_claim_someone_else_holds_is_refused_naming_them(reviewer):
    claim = ClaimFactory()
    services.claim_lease_take(claim_id=claim.pk, reviewer=reviewer)
    with pytest.raises(services.ClaimHeldByOther, match=reviewer.username):
        services.claim_dismiss(claim_id=claim.pk, user=ReviewerFactory())
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.IN_REVIEW


def test_assigning_one_claim_refuses_a_closed_one_and_reports_no_change(reviewer):
    editor = EditorFactory()
    closed = ClaimFactory(status=Claim.Status.DISMISSED)
    with pytest.raises(ValidationError, match="only open claims can be assigned"):
        services.claim_assign(claim_id=closed.pk, assignee=reviewer, by=editor)
    claim = ClaimFactory()
    assert services.claim_assign(claim_id=claim.pk, assignee=reviewer, by=editor) is True
    assert services.claim_assign(claim_id=claim.pk, assignee=reviewer, by=editor) is False
    assert AuditEvent.objects.filter(action="assign", claim=claim).count() == 1
    assert Claim.objects.get(pk=closed.pk).assignee is None


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        ("claims_dismiss", {}),
        ("claims_assign", {"assignee": "reviewer"}),
        ("claims_release_leases", {}),
        ("claims_mark_duplicate", {"original_id": "original"}),
        ("claims_set_priority", {"delta": 10}),
    ],
)
def test_every_bulk_action_refuses_more_than_the_limit_and_changes_nothing(
    reviewer, service, kwargs
):
    original, claim = ClaimFactory(), ClaimFactory()
    services.claim_lease_take(claim_id=claim.pk, reviewer=reviewer)
    values = {"reviewer": reviewer, "original": original.pk}
    kwargs = {name: values.get(value, value) for name, value in kwargs.items()}
    ids = [claim.pk, *range(10_000_000, 10_000_000 + services.MAX_BULK_CLAIMS)]
    with pytest.raises(ValidationError, match="More than 5,000 claims selected") as caught:
        getattr(services, service)(claim_ids=ids, by=EditorFactory(), **kwargs)
    assert caught.value.code == "too_many"
    after = Claim.objects.get(pk=claim.pk)
    assert (after.status, after.assignee, after.priority) == (Claim.Status.IN_REVIEW, reviewer, 0)
    assert AuditEvent.objects.filter(claim=claim).count() == 1  # the lease only


def test_bulk_changes_move_updated_at_so_incremental_sync_sees_them(reviewer):
    editor = EditorFactory()
    original, claim = ClaimFactory(), ClaimFactory()
    stale = timezone.now() - timedelta(days=1)

    def changed(action) -> bool:
        Claim.objects.filter(pk=claim.pk).update(updated_at=stale)
        action()
        return Claim.objects.get(pk=claim.pk).updated_at > stale

    assert changed(lambda: services.claims_set_priority(claim_ids=[claim.pk], delta=5, by=editor))
    assert changed(
        lambda: services.claims_assign(claim_ids=[claim.pk], assignee=reviewer, by=editor)
    )
    assert changed(lambda: services.claims_release_leases(claim_ids=[claim.pk], by=editor))
    assert changed(
        lambda: services.claims_mark_duplicate(
            claim_ids=[claim.pk], original_id=original.pk, by=editor
        )
    )
    assert changed(lambda: services.claims_dismiss(claim_ids=[claim.pk], by=editor))
