"""A verdict waiting for a blind second review is as hidden in the API as on the claim page:
another reviewer can neither list it nor open it; its author and editors can."""

from typing import Any

import pytest

from tests.factories import EditorFactory, ReviewerFactory, VerdictFactory, token_api_client

pytestmark = pytest.mark.django_db
SECRET = "BLIND-RATING-EXPLANATION"


@pytest.fixture
def waiting() -> Any:
    return VerdictFactory(blind_review=True, explanation=SECRET)


def listed(client: Any, claim_id: int) -> list[int]:
    response = client.get("/api/v1/verdicts/", {"claim": claim_id})
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_another_reviewer_cannot_list_or_open_a_verdict_awaiting_blind_review(waiting: Any) -> None:
    client = token_api_client(ReviewerFactory())
    assert listed(client, waiting.claim_id) == []
    response = client.get(f"/api/v1/verdicts/{waiting.pk}/")
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_its_author_and_an_editor_still_see_it(waiting: Any) -> None:
    for user in (waiting.reviewer, EditorFactory()):
        client = token_api_client(user)
        assert listed(client, waiting.claim_id) == [waiting.pk]
        assert client.get(f"/api/v1/verdicts/{waiting.pk}/").json()["explanation"] == SECRET


def test_once_reviewed_and_published_everyone_who_may_read_sees_it(waiting: Any) -> None:
    waiting.published_at = waiting.created_at
    waiting.save(update_fields=["published_at"])
    assert listed(token_api_client(ReviewerFactory()), waiting.claim_id) == [waiting.pk]


def test_a_verdict_not_under_blind_review_stays_visible_to_reviewers_while_unpublished() -> None:
    verdict = VerdictFactory(blind_review=False)
    assert listed(token_api_client(ReviewerFactory()), verdict.claim_id) == [verdict.pk]
