"""The dashboard, token and auth pages: each role gets the answer EXPECTED names (GET and POST)."""

import pytest

from tests.security.permission_matrix._expected import ROLES
from tests.security.permission_matrix._probes import (
    World,
    assert_expected_answer,
    probe_ids,
    probes_where,
)

PROBES = probes_where(lambda method, route: not route.startswith(("api/", "admin/")))


@pytest.mark.parametrize("role_name", ROLES)
@pytest.mark.parametrize(("method", "route"), PROBES, ids=probe_ids(PROBES))
def test_each_role_gets_the_expected_answer_from_each_url(
    world: World, method: str, route: str, role_name: str
) -> None:
    assert_expected_answer(world, method, route, role_name)
