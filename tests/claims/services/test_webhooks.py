"""Webhooks end to end against a receiver the test starts on 127.0.0.1: signed deliveries,
replays refused, retries with capped backoff, pausing, and published-only content."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from claims import services
from claims.models import (
    Rating,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from claims.services.webhooks import webhook_backoff
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    UserFactory,
    role,
)
from tests.webhook_receiver import Receiver, replay, start_receiver

pytestmark = pytest.mark.django_db
Event = WebhookEndpoint.Event
SECRET_TEXT = "UNPUBLISHED-DO-NOT-LEAK"


@pytest.fixture(autouse=True)
def _webhook_settings(settings: Any) -> None:
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE = True
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    settings.FACTCHECK_BLIND_REVIEW_PERCENT = 0
    settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS = 4
    settings.FACTCHECK_WEBHOOK_BACKOFF_MAX_SECONDS = 10
    settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS = 5
    settings.FACTCHECK_WEBHOOK_PAUSE_AFTER_FAILURES = 20
    settings.FACTCHECK_WEBHOOK_TIMEOUT_SECONDS = 5


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The delivery ids sent to the broker (no broker here: the test runs the attempts)."""
    sent: list[int] = []

    def send_task(name: str, args: list[int], countdown: int = 0) -> None:
        assert name == services.WEBHOOK_TASK_NAME
        sent.append(args[0])

    monkeypatch.setattr("claims.services.webhooks.current_app.send_task", send_task)
    return sent


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from start_receiver()


def partner() -> Any:
    user = UserFactory()
    user.groups.add(role("Partner"))
    return user


def endpoint_for(receiver: Receiver, events: list[str] | None = None, owner: Any = None) -> Any:
    endpoint = services.webhook_endpoint_create(
        owner=owner or partner(),
        url=receiver.url,
        events=events
        or [Event.VERDICT_PUBLISHED, Event.VERDICT_SUPERSEDED, Event.VERDICT_WITHDRAWN],
    )
    receiver.secret = endpoint.secret
    return endpoint


def give_verdict(capture: Any, claim: Any = None, **kwargs: Any) -> Any:
    fields = {"rating": Rating.FALSE, "explanation": "The minutes say otherwise."} | kwargs
    with capture(execute=True):
        return services.verdict_set(
            claim_id=(claim or ClaimFactory()).pk, reviewer=ReviewerFactory(), **fields
        )


def verified(
    receiver: Receiver, request: Any, *, body: bytes | None = None, now: float | None = None
) -> bool:
    """The project's reference check, as a receiver would run it on ``request``."""
    return services.webhook_signature_verify(
        secret=receiver.secret,
        body=request.body if body is None else body,
        timestamp=request.headers["Factcheck-Timestamp"],
        signature=request.headers["Factcheck-Signature"],
        now=now,
    )


def deliver_all(queued: list[int]) -> list[str]:
    results = []
    while queued:
        results.append(services.webhook_delivery_attempt(delivery_id=queued.pop(0)).result)
    return results


def test_a_published_verdict_reaches_the_partner_signed_with_an_event_id(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = endpoint_for(receiver)
    verdict = give_verdict(django_capture_on_commit_callbacks)
    assert deliver_all(queued) == ["delivered"]

    [request] = receiver.accepted()
    payload = request.payload
    assert payload["type"] == "verdict.published"
    assert payload["id"] == request.headers["Factcheck-Event-Id"]
    assert request.headers["Factcheck-Event"] == "verdict.published"
    assert payload["data"]["verdict_id"] == verdict.pk
    assert payload["data"]["claimreview"]["@id"].endswith(
        f"/claims/{verdict.claim_id}/#claimreview"
    )
    assert payload["data"]["claimreview"]["reviewRating"]["alternateName"] == "False"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempt.status_code == 200 and attempt.latency_ms is not None and not attempt.error


def test_the_signature_covers_the_body_so_a_tampered_body_is_refused(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver)
    give_verdict(django_capture_on_commit_callbacks)
    deliver_all(queued)
    [request] = receiver.accepted()
    tampered = request.body.replace(b'"False"', b'"True"')
    assert tampered != request.body
    assert not verified(receiver, request, body=tampered)
    assert verified(receiver, request)


def test_a_replayed_delivery_is_refused_and_an_old_timestamp_too(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver)
    give_verdict(django_capture_on_commit_callbacks)
    deliver_all(queued)
    [request] = receiver.accepted()
    assert replay(receiver, request) == 409
    # A recorded request sent much later: the signed timestamp is stale.
    assert not verified(receiver, request, now=int(request.headers["Factcheck-Timestamp"]) + 301)


def test_nothing_is_sent_before_the_change_commits_nor_after_a_rollback(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver)
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.verdict_set(
            claim_id=claim.pk, reviewer=ReviewerFactory(), rating="false", explanation="x"
        )
        assert WebhookEvent.objects.count() == 1  # written with the change (the outbox)
    assert queued == [] and len(callbacks) == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        services.verdict_set(
            claim_id=ClaimFactory().pk, reviewer=ReviewerFactory(), rating="true", explanation="y"
        )
        raise RuntimeError("the change fails after the event was recorded")
    assert WebhookEvent.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_receiver_answering_500_gets_retries_with_capped_exponential_backoff(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver)
    receiver.script = [500, 503]
    give_verdict(django_capture_on_commit_callbacks)
    delivery_id = queued[0]
    first = services.webhook_delivery_attempt(delivery_id=delivery_id)
    second = services.webhook_delivery_attempt(delivery_id=delivery_id)
    third = services.webhook_delivery_attempt(delivery_id=delivery_id)
    assert (first.result, second.result, third.result) == ("retry", "retry", "delivered")
    assert 2 <= first.retry_in <= 4  # base 4 s, equal jitter
    assert 4 <= second.retry_in <= 8
    attempts = WebhookAttempt.objects.filter(delivery_id=delivery_id).order_by("number")
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 503), (3, 200)]
    assert [a.error for a in attempts] == ["HTTP 500", "HTTP 503", ""]
    assert len(receiver.accepted()) == 1
    # The same event id on every attempt: a receiver can de-duplicate.
    assert len({r.headers["Factcheck-Event-Id"] for r in receiver.requests}) == 1


def test_the_backoff_doubles_and_never_passes_its_cap(settings: Any) -> None:
    settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS = 30
    settings.FACTCHECK_WEBHOOK_BACKOFF_MAX_SECONDS = 200
    for attempt, full in [(1, 30), (2, 60), (3, 120), (4, 200), (5, 200), (12, 200)]:
        delays = {webhook_backoff(attempt) for _ in range(50)}
        assert all(full // 2 <= d <= full for d in delays), (attempt, delays)


def test_a_delivery_fails_for_good_when_its_attempts_run_out(
    settings: Any, receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS = 2
    endpoint_for(receiver)
    receiver.script = [500, 500, 500]
    give_verdict(django_capture_on_commit_callbacks)
    delivery_id = queued[0]
    results = [services.webhook_delivery_attempt(delivery_id=delivery_id).result for _ in range(3)]
    assert results == ["retry", "failed", "skipped"]
    assert WebhookDelivery.objects.get(pk=delivery_id).status == WebhookDelivery.Status.FAILED
    assert len(receiver.requests) == 2


def test_an_endpoint_that_keeps_failing_is_paused_with_a_reason_and_resumes(
    settings: Any, receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    settings.FACTCHECK_WEBHOOK_PAUSE_AFTER_FAILURES = 3
    endpoint = endpoint_for(receiver)
    receiver.script = [500, 500, 500]
    give_verdict(django_capture_on_commit_callbacks)
    delivery_id = queued.pop()
    results = [services.webhook_delivery_attempt(delivery_id=delivery_id).result for _ in range(3)]
    assert results == ["retry", "retry", "held"]
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.paused_at is not None
    assert "3 failed deliveries in a row" in endpoint.pause_reason
    assert "HTTP 500" in endpoint.pause_reason

    # While paused, new events are held, not sent.
    give_verdict(django_capture_on_commit_callbacks)
    assert queued == []
    assert WebhookDelivery.objects.filter(status=WebhookDelivery.Status.HELD).count() == 2
    sent_while_paused = len(receiver.requests)

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_endpoint_resume(endpoint_id=endpoint.pk)
    assert sorted(deliver_all(queued)) == ["delivered", "delivered"]
    assert len(receiver.requests) == sent_while_paused + 2
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


def test_an_unpublished_verdict_is_never_delivered_only_its_publication(
    settings: Any, receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    endpoint_for(receiver)
    verdict = give_verdict(django_capture_on_commit_callbacks, explanation=SECRET_TEXT)
    assert queued == [] and WebhookEvent.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_review(verdict_id=verdict.pk, reviewer=ReviewerFactory(), agrees=True)
    deliver_all(queued)
    [request] = receiver.accepted()
    assert request.payload["type"] == "verdict.published"
    assert request.payload["data"]["verdict_id"] == verdict.pk


def test_a_replacement_awaiting_review_sends_nothing_until_it_is_published_as_a_correction(
    settings: Any, receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    # The published verdict stays current (and out with partners) while its replacement waits
    # for a second review: nothing is withdrawn, and the unpublished text never leaves.
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = True
    endpoint_for(receiver)
    published = PublishedVerdictFactory()
    newer = give_verdict(
        django_capture_on_commit_callbacks, published.claim, explanation=SECRET_TEXT
    )
    deliver_all(queued)
    assert receiver.accepted() == []
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_review(verdict_id=newer.pk, reviewer=ReviewerFactory(), agrees=True)
    deliver_all(queued)
    [request] = receiver.accepted()
    assert request.payload["type"] == "verdict.superseded"
    assert request.payload["data"]["verdict_id"] == newer.pk
    assert request.payload["data"]["correction"]["previous_verdict"] == published.pk


def test_a_correction_is_sent_as_superseded_with_what_changed(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver)
    first = give_verdict(django_capture_on_commit_callbacks)
    deliver_all(queued)
    second = give_verdict(django_capture_on_commit_callbacks, first.claim, rating=Rating.MIXED)
    deliver_all(queued)
    types = [r.payload["type"] for r in receiver.accepted()]
    assert types == ["verdict.published", "verdict.superseded"]
    data = receiver.accepted()[1].payload["data"]
    assert data["verdict_id"] == second.pk
    assert data["correction"]["previous_verdict"] == first.pk
    assert data["correction"]["previous_rating"] == "false"
    assert data["correction"]["changed"] == ["rating"]
    review = data["claimreview"]
    assert review["@id"] == receiver.accepted()[0].payload["data"]["claimreview"]["@id"]
    assert review["dateModified"] and review["datePublished"] < review["dateModified"]
    assert review["correction"]["text"] == "Rating changed from False."


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://printer.local/hook",
        "https://user:pw@example.com/hook",
        "ftp://example.com/hook",
        "https://example.com:99999/hook",
        "https://exa mple.com/hook",
        "https:///hook",
    ],
)
def test_a_webhook_address_that_is_not_public_https_is_refused(settings: Any, url: str) -> None:
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        services.webhook_endpoint_create(owner=partner(), url=url, events=[Event.VERDICT_PUBLISHED])
    assert WebhookEndpoint.objects.count() == 0


def test_a_delivery_to_an_address_that_turned_private_is_refused_without_a_request(
    settings: Any, receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver)
    settings.FACTCHECK_WEBHOOK_ALLOW_PRIVATE = False
    give_verdict(django_capture_on_commit_callbacks)
    assert deliver_all(queued) == ["retry"]
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and attempt.error.startswith("Refused:")
    assert receiver.requests == []


def test_a_partner_may_not_subscribe_to_article_events_but_an_editor_may(
    receiver: Receiver,
) -> None:
    with pytest.raises(ValidationError, match="may not receive"):
        services.webhook_endpoint_create(
            owner=partner(), url=receiver.url, events=[Event.ARTICLE_SPLIT]
        )
    endpoint = services.webhook_endpoint_create(
        owner=EditorFactory(), url=receiver.url, events=[Event.ARTICLE_SPLIT]
    )
    assert endpoint.events == ["article.split"]


def test_a_split_article_is_announced_to_subscribed_endpoints(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver, events=[Event.ARTICLE_SPLIT], owner=EditorFactory())
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.article_extract_claims(
            article_id=article.pk, extractor=lambda body: ([], "stub-1")
        )
    assert outcome.result == "split"
    deliver_all(queued)
    [request] = receiver.accepted()
    assert request.payload["type"] == "article.split"
    assert request.payload["data"]["article_id"] == article.pk


def test_an_owner_who_lost_the_permission_gets_nothing_more(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = endpoint_for(receiver)
    give_verdict(django_capture_on_commit_callbacks)
    endpoint.owner.groups.clear()
    assert deliver_all(queued) == ["failed"]
    assert receiver.requests == []


def test_a_resend_sends_the_same_event_again(
    receiver: Receiver, queued: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_for(receiver)
    give_verdict(django_capture_on_commit_callbacks)
    delivery_id = queued[0]
    deliver_all(queued)
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_delivery_resend(delivery_id=delivery_id)
    assert queued == [delivery_id]
    deliver_all(queued)
    # The receiver already had this event id: it answers 409 and keeps one copy.
    assert [r.answered for r in receiver.requests] == [200, 409]
