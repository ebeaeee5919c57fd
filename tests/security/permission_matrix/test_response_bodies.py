"""Unpublished or superseded verdicts never leave through the API lists, details, ClaimReview or the
exports to a read-only token or a partner account: the response bodies are read for marker text."""

from typing import Any

import pytest
from django.test import Client

from tests.factories import (
    ApiTokenFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    UserFactory,
    VerdictFactory,
    role,
)

SECRET = "UNPUBLISHED-DO-NOT-LEAK"
OLD = "SUPERSEDED-DO-NOT-LEAK"
PUBLIC = "PUBLISHED-FOR-PARTNERS"


@pytest.fixture
def verdicts(db: Any) -> dict[str, int]:
    """One published verdict, one awaiting a second review, one published then superseded (by
    another published one)."""
    reviewer = ReviewerFactory()
    published = PublishedVerdictFactory(reviewer=reviewer, explanation=f"{PUBLIC} one")
    unpublished = VerdictFactory(reviewer=reviewer, explanation=SECRET)
    newer = PublishedVerdictFactory(reviewer=reviewer, explanation=f"{PUBLIC} two")
    superseded = PublishedVerdictFactory.build(
        claim=newer.claim, reviewer=reviewer, explanation=OLD, is_current=False
    )
    superseded.superseded_by = newer
    superseded.save()
    return {
        "published": published.pk,
        "newer": newer.pk,
        "unpublished": unpublished.pk,
        "superseded": superseded.pk,
        "unpublished_claim": unpublished.claim_id,
        "superseded_claim": newer.claim_id,
    }


LIST_READS = (
    "/api/v1/verdicts/",
    "/api/v1/verdicts/?published=false",
    "/api/v1/verdicts/?current=false",
    "/api/v1/verdicts/?claim={unpublished_claim}",
    "/api/v1/verdicts/?claim={superseded_claim}&ordering=-id",
    "/api/v1/verdicts/?page_size=1",
)
EXPORTS = (
    "/api/v1/export/verdicts.csv",
    "/api/v1/export/verdicts.ndjson",
    "/api/v1/export/claimreview.ndjson",
    "/api/v1/export/claimreview.json",
    "/api/v1/export/verdicts.csv?claim={unpublished_claim}",
    "/api/v1/export/claimreview.json?claim={superseded_claim}",
)
HIDDEN_ONES = (
    "/api/v1/verdicts/{unpublished}/",
    "/api/v1/verdicts/{superseded}/",
    "/api/v1/verdicts/{unpublished}/claimreview/",
    "/api/v1/verdicts/{superseded}/claimreview/",
)
OTHER_READS = (
    "/api/v1/claims/",
    "/api/v1/claims/{unpublished_claim}/",
    "/api/v1/articles/",
)


def token_client(read_only: bool = True) -> Client:
    token = ApiTokenFactory(user=ReviewerFactory(), read_only=read_only)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def partner_client(how: str) -> Client:
    """Someone who may read verdicts and nothing else, as partner accounts are."""
    partner = UserFactory()
    partner.groups.add(role("Partner"))
    if how == "session":
        client = Client()
        client.force_login(partner)
        return client
    token = ApiTokenFactory(user=partner, read_only=how == "read_only_token")
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


OUTSIDERS = ("read_only_token", "partner_read_only_token", "partner_write_token", "partner_session")


def outsider(who: str) -> Client:
    """Those who must see published verdicts only: a read-only token (even a reviewer's), and a
    partner however it asks (a token it made itself at /account/tokens/ may be read-write)."""
    if who == "read_only_token":
        return token_client()
    return partner_client(who.removeprefix("partner_"))


def body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("url", LIST_READS)
def test_outsiders_list_only_published_current_verdicts(
    verdicts: dict[str, int], url: str, who: str
) -> None:
    response = outsider(who).get(url.format(**verdicts))
    text = body(response)
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids <= {verdicts["published"], verdicts["newer"]}
    assert SECRET not in text and OLD not in text


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_verdict_list_for_outsiders_is_not_empty(verdicts: dict[str, int], who: str) -> None:
    # Guards the test above against passing on an empty list.
    ids = {row["id"] for row in outsider(who).get("/api/v1/verdicts/").json()["results"]}
    assert ids == {verdicts["published"], verdicts["newer"]}


@pytest.mark.parametrize("who", ["reviewer_session", "reviewer_write_token"])
def test_the_desk_still_lists_unpublished_verdicts(verdicts: dict[str, int], who: str) -> None:
    if who == "reviewer_session":
        client = Client()
        client.force_login(ReviewerFactory())
    else:
        client = token_client(read_only=False)
    ids = {row["id"] for row in client.get("/api/v1/verdicts/").json()["results"]}
    assert {verdicts["unpublished"], verdicts["superseded"]} <= ids


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("url", HIDDEN_ONES)
def test_outsiders_get_404_for_an_unpublished_or_superseded_verdict(
    verdicts: dict[str, int], url: str, who: str
) -> None:
    response = outsider(who).get(url.format(**verdicts))
    assert response.status_code == 404
    assert SECRET not in body(response) and OLD not in body(response)


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("url", ["/api/v1/verdicts/{published}/", "/api/v1/verdicts/{newer}/"])
def test_outsiders_read_a_published_verdict(verdicts: dict[str, int], url: str, who: str) -> None:
    response = outsider(who).get(url.format(**verdicts))
    assert response.status_code == 200
    assert PUBLIC in body(response)


@pytest.mark.parametrize("who", ["read_only_token", "write_token", "reviewer", "partner_session"])
@pytest.mark.parametrize("url", EXPORTS)
def test_exports_carry_published_current_verdicts_only(
    verdicts: dict[str, int], url: str, who: str
) -> None:
    if who == "reviewer":
        client = Client()
        client.force_login(ReviewerFactory())
    elif who == "partner_session":
        client = partner_client("session")
    else:
        client = token_client(read_only=who == "read_only_token")
    response = client.get(url.format(**verdicts))
    text = body(response)
    assert response.status_code == 200
    assert SECRET not in text and OLD not in text
    if "claim=" not in url:
        assert text.count(PUBLIC) == 2
    elif "superseded_claim" in url:
        assert f"{PUBLIC} two" in text


@pytest.mark.parametrize("url", OTHER_READS)
def test_claims_and_articles_never_carry_a_verdict_text(verdicts: dict[str, int], url: str) -> None:
    response = token_client().get(url.format(**verdicts))
    assert response.status_code == 200
    assert SECRET not in body(response) and OLD not in body(response)


@pytest.mark.parametrize("method", ["head", "options"])
def test_a_partner_token_learns_nothing_from_head_or_options_on_claims(
    verdicts: dict[str, int], method: str
) -> None:
    # A partner may read verdicts, not claims: GET is 403, and so must HEAD and OPTIONS be, or a
    # Content-Length tells whether rows exist and how many bytes they take.
    client = partner_client("read_only_token")
    assert client.get("/api/v1/claims/").status_code == 403
    response = getattr(client, method)("/api/v1/claims/")
    assert response.status_code == 403
