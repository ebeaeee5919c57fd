"""A verdict submitted twice is stored once: per form (a one-time token in the verdict form) and
per API request (``Idempotency-Key`` on POST /api/v1/verdicts/)."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.models import IdempotencyKey, Rating, Verdict
from tests.factories import ApiTokenFactory, ClaimFactory, ReviewerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]
VERDICT = {"rating": "true", "explanation": "Council minutes confirm it."}


def submit(**kwargs):
    args = {"rating": Rating.TRUE, "explanation": "Minutes.", **kwargs}
    return services.verdict_set_once(**args)


def test_the_same_key_twice_stores_one_verdict_and_returns_it_again(reviewer):
    claim = ClaimFactory()
    first, created = submit(key="k1", claim_id=claim.pk, reviewer=reviewer)
    again, created_again = submit(key="k1", claim_id=claim.pk, reviewer=reviewer)
    assert created and not created_again and again == first
    assert Verdict.objects.count() == 1


def test_another_users_same_key_is_their_own(reviewer):
    claim = ClaimFactory()
    submit(key="k1", claim_id=claim.pk, reviewer=reviewer)
    services.verdict_publish(verdict_id=Verdict.objects.get().pk, by=ReviewerFactory())
    _, created = submit(key="k1", claim_id=claim.pk, reviewer=ReviewerFactory())
    assert created and Verdict.objects.count() == 2


def test_a_key_reused_for_another_request_is_refused(reviewer):
    claim = ClaimFactory()
    submit(key="k1", claim_id=claim.pk, reviewer=reviewer)
    with pytest.raises(services.IdempotencyKeyReused):
        submit(key="k1", claim_id=claim.pk, reviewer=reviewer, rating=Rating.FALSE)
    assert Verdict.objects.count() == 1


def test_a_refused_verdict_leaves_the_key_free_for_a_retry(reviewer):
    claim = ClaimFactory()
    with pytest.raises(ValidationError):
        submit(key="k1", claim_id=claim.pk, reviewer=reviewer, explanation="  ")
    assert not IdempotencyKey.objects.exists()
    _, created = submit(key="k1", claim_id=claim.pk, reviewer=reviewer)
    assert created


def test_an_expired_key_no_longer_replays(reviewer, settings):
    claim = ClaimFactory()
    submit(key="k1", claim_id=claim.pk, reviewer=reviewer)
    IdempotencyKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _, created = submit(key="k1", claim_id=claim.pk, reviewer=reviewer, explanation="Again.")
    assert created and Verdict.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1  # the expired one was cleared


# --- The API -------------------------------------------------------------------------------------


def post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        "/api/v1/verdicts/", data=json.dumps(body), content_type="application/json", **headers
    )


@pytest.fixture
def api(client):
    token = ApiTokenFactory(user=ReviewerFactory(), read_only=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_the_api_answers_a_repeated_key_with_the_same_response_and_no_second_verdict(api):
    claim = ClaimFactory()
    first = post(api, {"claim": claim.pk, **VERDICT}, key="retry-1")
    again = post(api, {"claim": claim.pk, **VERDICT}, key="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Verdict.objects.count() == 1


def test_the_api_refuses_a_key_reused_for_another_body_with_409(api):
    claim = ClaimFactory()
    post(api, {"claim": claim.pk, **VERDICT}, key="retry-1")
    response = post(api, {"claim": claim.pk, **VERDICT, "rating": "false"}, key="retry-1")
    assert response.status_code == 409 and "Idempotency-Key" in response.json()["detail"]
    assert Verdict.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 201, "bad\u00e9key"])
def test_the_api_refuses_a_malformed_key_with_400(api, key):
    response = post(api, {"claim": ClaimFactory().pk, **VERDICT}, key=key)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert not Verdict.objects.exists()


# --- The form -------------------------------------------------------------------------------------


def test_a_double_submit_of_the_verdict_form_stores_one_verdict(client, settings):
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    client.force_login(ReviewerFactory())
    claim = ClaimFactory()
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    for _ in range(2):
        response = client.post(f"/claims/{claim.pk}/", {**VERDICT, "submission": token})
        assert response.status_code == 302
    assert Verdict.objects.count() == 1


def test_each_rendering_of_the_form_has_its_own_token(client):
    client.force_login(ReviewerFactory())
    claim = ClaimFactory()
    tokens = {
        re.search(r'name="submission" value="([^"]+)"', client.get(f"/claims/{claim.pk}/")
                  .content.decode()).group(1)
        for _ in range(2)
    }  # fmt: skip
    assert len(tokens) == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_with_one_key_store_one_verdict():
    import threading

    from django.db import connection, connections
    from rest_framework.test import APIClient

    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: concurrent inserts of one key are what is under test, and SQLite "
            "serialises every writer anyway (set DATABASE_URL=postgres://...)"
        )
    claim = ClaimFactory()
    token = ApiTokenFactory(user=ReviewerFactory(), read_only=False)
    body = json.dumps({"claim": claim.pk, **VERDICT})
    barrier = threading.Barrier(6)
    answers: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/verdicts/", data=body, content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="same-key",
            )  # fmt: skip
            answers.append((response.status_code, response.json()["id"]))
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert {status for status, _ in answers} == {201} and len({i for _, i in answers}) == 1
    assert Verdict.objects.count() == 1
