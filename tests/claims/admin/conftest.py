"""Fixtures of the admin triage tests: the users who act, their clients, and no broker."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import (
    EditorFactory,
    ReviewerFactory,
)


@pytest.fixture
def editor():
    return EditorFactory(is_staff=True)


@pytest.fixture
def staff_reviewer():
    return ReviewerFactory(is_staff=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(client, staff_reviewer):
    client.force_login(staff_reviewer)
    return client


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x"))
    return client


@pytest.fixture
def no_broker(monkeypatch):
    """Records the split messages a re-split would send instead of sending them."""
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.services.splitting.article_enqueue_split",
        lambda *, article_id: sent.append(article_id) or True,
    )
    return sent
