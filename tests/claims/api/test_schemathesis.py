"""schemathesis fuzzes every operation of the live OpenAPI schema, in-process over WSGI.

Each operation gets a bounded number of generated requests (valid and invalid), sent with a
read-write editor token; no response may be a 5xx, and every response must match the schema
(status code, content type, headers, body)."""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import ApiTokenFactory, ClaimFactory, EditorFactory, PublishedVerdictFactory

MAX_EXAMPLES = int(os.environ.get("FACTCHECK_SCHEMATHESIS_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def wsgi_app():
    # As Django's test client does: keep the test's transaction open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, settings, wsgi_app):
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FACTCHECK_API_THROTTLE_RATES = {"api": "100000/min", "export": "100000/min"}
    # Something to find: ids 1.. exist, so generated ids hit rows as well as misses.
    for _ in range(3):
        PublishedVerdictFactory(claim=ClaimFactory(speaker="Jane Doe"))
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)


@pytest.fixture
def editor_key(db):
    return ApiTokenFactory(user=EditorFactory(), read_only=False).key


def fuzz(operation, mode, headers):
    """Run MAX_EXAMPLES generated requests against one operation; the first failure, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # a check failed: report it with the others
        return f"{mode} {operation.label}: {exc}"
    return None


# schemathesis' own pytest integration (from_fixture/parametrize) does not run under pytest 9.2
# (it sets Function._nodeid); driving Hypothesis directly needs no plugin.
def test_the_api_answers_every_generated_request_as_its_schema_says(api_schema, editor_key):
    headers = {"Authorization": f"Token {editor_key}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 13
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := fuzz(operation, mode, headers))
    ]
    assert not failures, "\n\n".join(failures)
