"""Logged-in clients for the dashboard tests (``reviewer`` comes from tests/conftest.py)."""

import pytest

from tests.factories import (
    EditorFactory,
)


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
