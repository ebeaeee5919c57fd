"""The matrix covers what the project serves.

The URLs are read from the resolver, not listed by hand, so a URL added without a row in EXPECTED
fails here until someone decides who may open it; the area modules beside this one
(``test_web_pages``, ``test_api``, ``test_admin``, ``test_head_options``) run each
(method, URL, role) as one test.
"""

from tests.security.permission_matrix._expected import EXPECTED, ROLES
from tests.security.permission_matrix._probes import SERVED


def test_every_url_the_project_serves_has_an_expectation() -> None:
    missing = sorted(r for r in SERVED if not any(key[1] == r for key in EXPECTED))
    assert not missing, f"URLs with no row in EXPECTED (decide who may open them): {missing}"


def test_every_expectation_names_a_url_the_project_serves() -> None:
    stale = sorted({route for _, route in EXPECTED} - set(SERVED))
    assert not stale, f"EXPECTED rows for URLs the project no longer serves: {stale}"


def test_every_expectation_covers_every_role() -> None:
    incomplete = sorted(key for key, roles in EXPECTED.items() if set(roles) != set(ROLES))
    assert not incomplete
