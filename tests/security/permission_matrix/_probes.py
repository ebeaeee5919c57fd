"""How the matrix asks: the address of each route, the probe sent, and the check of the answer.

Requests are probes, chosen so the status tells "let in" from "kept out" without judging the
input: an empty form to a page that takes one (re-rendered with errors, or 400), ``{}`` to an API
write (400), a POST to a read-only API endpoint (405 once past the door, 403 before it).
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import ApiTokenFactory, EditorFactory, ReviewerFactory, UserFactory
from tests.security.permission_matrix._expected import EXPECTED, Redirect

# Routes whose address cannot be filled in from their parameters alone.
ADDRESSES = {
    "admin/^(?P<app_label>auth|axes|claims)/$": "/admin/claims/",
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
    "api/v1/^": "/api/v1/no-such-endpoint/",
    "admin/r/<path:content_type_id>/<path:object_id>/": "/admin/r/{claim_ct}/{claim_id}/",
    "api/v1/claims/<int:claim_id>/history/": "/api/v1/claims/{judged_claim_id}/history/",
    "admin/autocomplete/": "/admin/autocomplete/?app_label=claims&model_name=claim"
    "&field_name=assignee&term=",
}

# The bodies sent with each POST probe: empty unless the probe needs something valid to pass.
BODIES: dict[str, dict[str, Any]] = {
    "claims/<int:claim_id>/": {"rating": "true", "explanation": "Council minutes confirm it."},
}


def served_routes() -> list[str]:
    """Every route in the URLconf, as ``prefix + pattern``, in the resolver's order."""

    def walk(patterns: list[Any], prefix: str) -> list[str]:
        routes: list[str] = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                routes += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.append(prefix + str(pattern.pattern))
        return routes

    return walk(get_resolver().url_patterns, "")


SERVED = served_routes()
# Every served route is probed at least with GET, or with the methods its expectations name.
PROBES = sorted(
    {key for key in EXPECTED if key[1] in SERVED}
    | {("GET", r) for r in SERVED if not any(key[1] == r for key in EXPECTED)}
)


@dataclass
class World:
    ids: dict[str, Any] = field(default_factory=dict)


def address(route: str, world: World) -> str:
    if route in ADDRESSES:
        return ADDRESSES[route].format(**world.ids)
    admin_model_match = re.match(r"admin/(\w+)/(\w+)/", route)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ("object_id", "id") and admin_model_match:
            return str(world.ids["_".join(admin_model_match.groups())])
        return str(world.ids[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def client_as(role_name: str) -> Client:
    if role_name == "anonymous":
        return Client()
    if role_name.endswith("_token"):
        token = ApiTokenFactory(user=ReviewerFactory(), read_only=role_name == "read_only_token")
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    user = {
        "no_role": lambda: UserFactory(),
        "staff_no_role": lambda: UserFactory(is_staff=True),
        "reviewer": lambda: ReviewerFactory(is_staff=True),
        "editor": lambda: EditorFactory(is_staff=True),
        "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    }[role_name]()
    client = Client()
    client.force_login(user)
    return client


def request(client: Client, method: str, route: str, world: World) -> Any:
    url = address(route, world)
    if method == "GET":
        return client.get(url)
    if method == "HEAD":
        return client.head(url)
    if method == "OPTIONS":
        return client.options(url)
    if route.startswith("api/"):
        return client.post(url, data="{}", content_type="application/json")
    return client.post(url, data=BODIES.get(route, {}))


def describe(response: Any) -> str:
    where = f" -> {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


def probes_where(keep: Any) -> list[tuple[str, str]]:
    """The probes (method, route) of one area of the matrix."""
    return [(method, route) for method, route in PROBES if keep(method, route)]


def probe_ids(probes: list[tuple[str, str]]) -> list[str]:
    return [f"{m} /{r}" for m, r in probes]


def assert_expected_answer(world: World, method: str, route: str, role_name: str) -> None:
    """One cell of the matrix: ``role_name`` sends ``method`` to ``route`` and gets its answer."""
    expected = EXPECTED.get((method, route), {}).get(role_name)
    assert expected is not None, f"no expectation for {method} /{route} as {role_name}"
    response = request(client_as(role_name), method, route, world)
    if isinstance(expected, Redirect):
        target = expected.to.format(**world.ids)
        location = response.get("Location", "")
        matches = location.startswith(target) if expected.prefix else location == target
        assert response.status_code == 302 and matches, (
            f"{method} {address(route, world)} as {role_name}: expected 302 -> {target}, "
            f"got {describe(response)}"
        )
    else:
        assert response.status_code == expected, (
            f"{method} {address(route, world)} as {role_name}: expected {expected}, "
            f"got {describe(response)}"
        )
