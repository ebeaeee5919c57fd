"""Fixtures of the bad-input tests: what is stored before, and the doors to knock on."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.claims.bad_input._inputs import ENGLISH, _snapshot
from tests.factories import ClaimFactory, VerdictFactory


@pytest.fixture
def stored() -> dict[str, list[Any]]:
    """An article with claims, one of them judged: what bad input must leave alone."""
    claim = ClaimFactory(article__body=ENGLISH, article__title="Stored")
    ClaimFactory(article=claim.article, start=0, end=10)
    VerdictFactory(claim=claim)
    return _snapshot()


@pytest.fixture
def api(reviewer) -> APIClient:
    client = APIClient()
    client.force_authenticate(reviewer)
    return client


@pytest.fixture
def web(client, reviewer):  # type: ignore[no-untyped-def]
    client.force_login(reviewer)
    return client


# --- Size -------------------------------------------------------------------------------------


@pytest.fixture
def small_limit(settings) -> int:
    settings.FACTCHECK_MAX_ARTICLE_CHARS = 1000
    return 1000
