"""Who may open what: every URL the project serves, for every role, with the status it must get.

The URLs are read from the resolver, not listed by hand, so a URL added without a row in EXPECTED
fails here (``test_every_url_the_project_serves_has_an_expectation`` and its own matrix tests)
until someone decides who may open it. Each (method, URL, role) is one test.

Roles: nobody logged in; a logged-in user with no group; a staff user with no group; a reviewer
and an editor (both staff, as admin users are); a superuser; a read-only and a read-write API token
of a reviewer. A token is sent as ``Authorization: Token …`` to every URL: pages and the admin
must treat it as no login at all.

Requests are probes, chosen so the status tells "let in" from "kept out" without judging the
input: an empty form to a page that takes one (re-rendered with errors, or 400), ``{}`` to an API
write (400), a POST to a read-only API endpoint (405 once past the door, 403 before it).

The second half reads the response bodies: unpublished or superseded verdicts never leave through
the API lists, details, ClaimReview or the exports to a read-only token or a partner account.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from claims.models import (
    Article,
    AuditEvent,
    Claim,
    Feed,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tests.factories import (
    ApiTokenFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    PublishedVerdictFactory,
    ReviewerFactory,
    UserFactory,
    VerdictFactory,
    role,
)

ROLES = (
    "anonymous",
    "no_role",
    "staff_no_role",
    "reviewer",
    "editor",
    "superuser",
    "read_only_token",
    "write_token",
)
NOT_STAFF = ("anonymous", "no_role", "read_only_token", "write_token")


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to`` (formatted with the test's object ids); ``prefix``: the start of it."""

    to: str
    prefix: bool = False


LOGIN = Redirect("/accounts/login/?next=", prefix=True)
ADMIN_LOGIN = Redirect("/admin/login/?next=", prefix=True)
QUEUE = Redirect("/")
CLAIM_PAGE = Redirect("/claims/{claim_id}/")
REVIEWS = Redirect("/reviews/")
Expected = int | Redirect


def everyone(expected: Expected) -> dict[str, Expected]:
    return dict.fromkeys(ROLES, expected)


def page(
    reviewer: Expected,
    editor: Expected | None = None,
    superuser: Expected | None = None,
    *,
    no_role: Expected = 403,
) -> dict[str, Expected]:
    """A dashboard page: login first (a token is no login), then the role's permission."""
    editor = reviewer if editor is None else editor
    return {
        "anonymous": LOGIN,
        "read_only_token": LOGIN,
        "write_token": LOGIN,
        "no_role": no_role,
        "staff_no_role": no_role,
        "reviewer": reviewer,
        "editor": editor,
        "superuser": editor if superuser is None else superuser,
    }


def api(
    reviewer: Expected,
    editor: Expected | None = None,
    superuser: Expected | None = None,
    *,
    read_only_token: Expected | None = None,
) -> dict[str, Expected]:
    """An API endpoint: 401 without credentials, then model permissions; both tokens act as a
    reviewer, and the read-only one may not write."""
    editor = reviewer if editor is None else editor
    return {
        "anonymous": 401,
        "no_role": 403,
        "staff_no_role": 403,
        "reviewer": reviewer,
        "editor": editor,
        "superuser": editor if superuser is None else superuser,
        "read_only_token": reviewer if read_only_token is None else read_only_token,
        "write_token": reviewer,
    }


def api_write(reviewer: Expected, superuser: Expected | None = None) -> dict[str, Expected]:
    return api(reviewer, superuser=superuser, read_only_token=403)


def admin(
    reviewer: Expected,
    editor: Expected,
    superuser: Expected,
    *,
    staff_no_role: Expected = 403,
) -> dict[str, Expected]:
    """An admin page: anyone not staff (a token included) goes to the admin login."""
    return {
        **dict.fromkeys(NOT_STAFF, ADMIN_LOGIN),
        "staff_no_role": staff_no_role,
        "reviewer": reviewer,
        "editor": editor,
        "superuser": superuser,
    }


def superuser_only(superuser: Expected = 200) -> dict[str, Expected]:
    return admin(403, 403, superuser)


def nobody_in_admin() -> dict[str, Expected]:
    return admin(403, 403, 403)


def admin_model(
    model: str,
    *,
    changelist: dict[str, Expected],
    add: dict[str, Expected],
    history: dict[str, Expected],
    delete: dict[str, Expected],
    change: dict[str, Expected],
) -> dict[tuple[str, str], dict[str, Expected]]:
    """The six pages Django's admin serves for a model; staff are sent on from ``<id>/``."""
    base = f"admin/{model}/"
    obj = f"{base}<path:object_id>/"
    sent_on = Redirect(f"/{base}{{{model.replace('/', '_')}}}/change/")
    return {
        ("GET", base): changelist,
        ("GET", f"{base}add/"): add,
        ("GET", f"{obj}history/"): history,
        ("GET", f"{obj}delete/"): delete,
        ("GET", f"{obj}change/"): change,
        ("GET", obj): admin(sent_on, sent_on, sent_on, staff_no_role=sent_on),
    }


def audit_trail(field_name: str) -> Redirect:
    """ "History" for those who may read the audit trail: the trail filtered to the object."""
    return Redirect(f"/admin/claims/auditevent/?{field_name}__id__exact={{{field_name}_id}}")


# (method, route) -> role -> expected. Routes are spelled as the resolver spells them.
EXPECTED: dict[tuple[str, str], dict[str, Expected]] = {
    # --- Dashboard (claims/urls.py) ---------------------------------------------------------------
    ("GET", ""): page(200),
    ("POST", "claims/next/"): page(CLAIM_PAGE),
    ("GET", "claims/<int:claim_id>/"): page(200),
    # A valid verdict: saved, then on to the next claim (none left: the queue).
    ("POST", "claims/<int:claim_id>/"): page(QUEUE),
    ("POST", "claims/<int:claim_id>/take/"): page(CLAIM_PAGE),
    # Past the door, renewing a lease one does not hold is a 409.
    ("POST", "claims/<int:claim_id>/renew/"): page(409),
    ("POST", "claims/<int:claim_id>/skip/"): page(CLAIM_PAGE),
    ("POST", "claims/<int:claim_id>/release/"): page(QUEUE),
    # Reviewers may dismiss on the dashboard (docs/notes-dashboard.md); triage is for editors.
    ("POST", "claims/<int:claim_id>/dismiss/"): page(QUEUE),
    ("POST", "claims/<int:claim_id>/assign/"): page(403, CLAIM_PAGE),
    ("POST", "claims/<int:claim_id>/unassign/"): page(403, CLAIM_PAGE),
    ("POST", "claims/<int:claim_id>/priority/"): page(403, CLAIM_PAGE),
    ("GET", "reviews/"): page(200),
    ("POST", "verdicts/<int:verdict_id>/review/"): page(REVIEWS),
    # An empty form: "pick a rating", back to the reviews page.
    ("POST", "verdicts/<int:verdict_id>/blind-review/"): page(REVIEWS),
    ("POST", "verdicts/<int:verdict_id>/settle/"): page(403, REVIEWS),
    ("GET", "my-work/"): page(200),
    ("GET", "stats/"): page(403, 200),
    ("GET", "articles/"): page(200),
    ("GET", "articles/new/"): page(200),
    ("POST", "articles/new/"): page(400),
    ("GET", "articles/<int:article_id>/"): page(200),
    ("GET", "articles/<int:article_id>/status/"): page(200),
    # --- One's own API tokens (claims/token_urls.py): any logged-in user --------------------------
    ("GET", "account/tokens/"): page(200, no_role=200),
    ("POST", "account/tokens/"): page(400, no_role=400),
    # The token belongs to someone else: nobody may revoke it, so to everyone it does not exist.
    ("POST", "account/tokens/<int:token_id>/revoke/"): page(404, no_role=404),
    # --- Auth pages -------------------------------------------------------------------------------
    ("GET", "accounts/login/"): everyone(200),
    ("POST", "accounts/logout/"): everyone(Redirect("/accounts/login/")),
    # --- API (claims/api/urls.py) -----------------------------------------------------------------
    ("GET", "api/v1/articles/"): api(200),
    ("POST", "api/v1/articles/"): api_write(400),
    ("POST", "api/v1/articles/bulk"): api_write(415),
    ("GET", "api/v1/articles/bulk"): api(405),
    ("GET", "api/v1/articles/<int:article_id>/"): api(200),
    ("POST", "api/v1/articles/<int:article_id>/"): api_write(405),
    ("GET", "api/v1/claims/"): api(200),
    # Writing claims needs claims.add_claim, which no group has: only a superuser gets to the 405.
    ("POST", "api/v1/claims/"): api_write(403, superuser=405),
    ("GET", "api/v1/claims/<int:claim_id>/"): api(200),
    ("POST", "api/v1/claims/<int:claim_id>/"): api_write(403, superuser=405),
    # The published ratings of a claim: whoever may read verdicts (a partner too).
    ("GET", "api/v1/claims/<int:claim_id>/history/"): api(200),
    ("POST", "api/v1/claims/<int:claim_id>/history/"): api_write(405),
    # Webhook endpoints: partners (and superusers); each sees only their own, so the world's
    # endpoint (someone else's) is a 404 even to a superuser.
    ("GET", "api/v1/webhooks/"): api(403, superuser=200),
    ("POST", "api/v1/webhooks/"): api_write(403, superuser=400),
    ("GET", "api/v1/webhooks/<int:webhook_id>/"): api(403, superuser=404),
    ("POST", "api/v1/webhooks/<int:webhook_id>/"): api_write(403, superuser=405),
    ("GET", "api/v1/webhooks/<int:webhook_id>/deliveries/"): api(403, superuser=404),
    ("POST", "api/v1/webhooks/<int:webhook_id>/deliveries/"): api_write(403, superuser=405),
    ("GET", "api/v1/verdicts/"): api(200),
    ("POST", "api/v1/verdicts/"): api_write(400),
    ("GET", "api/v1/verdicts/<int:verdict_id>/"): api(200),
    ("POST", "api/v1/verdicts/<int:verdict_id>/"): api_write(405),
    ("GET", "api/v1/verdicts/<int:verdict_id>/claimreview/"): api(200),
    ("POST", "api/v1/verdicts/<int:verdict_id>/claimreview/"): api_write(405),
    ("GET", "api/v1/export/verdicts.csv"): api(200),
    ("POST", "api/v1/export/verdicts.csv"): api_write(405),
    ("GET", "api/v1/export/verdicts.ndjson"): api(200),
    ("POST", "api/v1/export/verdicts.ndjson"): api_write(405),
    ("GET", "api/v1/export/claimreview.ndjson"): api(200),
    ("POST", "api/v1/export/claimreview.ndjson"): api_write(405),
    ("GET", "api/v1/export/claimreview.json"): api(200),
    ("POST", "api/v1/export/claimreview.json"): api_write(405),
    # The OpenAPI schema and its docs page are public by design (README: "served by the app
    # itself"): they describe the endpoints and hold no data.
    ("GET", "api/v1/schema/"): everyone(200),
    ("GET", "api/v1/docs/"): everyone(200),
    # Any other address under the API: a JSON 404 whoever asks.
    ("GET", "api/v1/^"): everyone(404),
    ("POST", "api/v1/^"): everyone(404),
    # --- Admin: the site's own pages -------------------------------------------------------------
    ("GET", "admin/"): admin(200, 200, 200, staff_no_role=200),
    ("GET", "admin/login/"): {
        **everyone(200),
        **dict.fromkeys(("staff_no_role", "reviewer", "editor", "superuser"), Redirect("/admin/")),
    },
    # Logging out takes a POST; a GET only sends those who are not staff to the index.
    ("GET", "admin/logout/"): {**everyone(405), **dict.fromkeys(NOT_STAFF, Redirect("/admin/"))},
    ("GET", "admin/password_change/"): admin(200, 200, 200, staff_no_role=200),
    ("GET", "admin/password_change/done/"): admin(200, 200, 200, staff_no_role=200),
    # Looking users up to assign a claim: editors (reviewers and editors only) and superusers.
    ("GET", "admin/autocomplete/"): admin(403, 200, 200),
    ("GET", "admin/jsi18n/"): admin(200, 200, 200, staff_no_role=200),
    # Claims have no public page, so "view on site" has nowhere to go.
    ("GET", "admin/r/<path:content_type_id>/<path:object_id>/"): admin(
        404, 404, 404, staff_no_role=404
    ),
    # An app index lists only what the user may see; staff with no permission in it get a 404.
    ("GET", "admin/^(?P<app_label>auth|axes|claims)/$"): admin(200, 200, 200, staff_no_role=404),
    ("GET", "admin/(?P<url>.*)$"): admin(404, 404, 404, staff_no_role=404),
    # --- Admin: claims models (claims/admin/; docs/notes-admin.md "Who may do what") ------------
    **admin_model(
        "claims/article",
        changelist=admin(200, 200, 200),
        add=admin(200, 200, 200),  # reviewers ingest, here as on the dashboard
        history=admin(200, audit_trail("article"), audit_trail("article")),
        delete=superuser_only(),
        change=admin(200, 200, 200),
    ),
    ("POST", "admin/claims/article/add/"): admin(200, 200, 200),
    ("POST", "admin/claims/article/<path:object_id>/change/"): admin(403, 200, 200),
    ("POST", "admin/claims/article/<path:object_id>/delete/"): superuser_only(),
    **admin_model(
        "claims/feed",
        changelist=admin(403, 200, 200),  # editors choose the feeds the desk follows
        add=admin(403, 200, 200),
        history=admin(403, 200, 200),
        delete=superuser_only(),
        change=admin(403, 200, 200),
    ),
    ("POST", "admin/claims/feed/add/"): admin(403, 200, 200),
    # Every field of a stored feed may be left empty (it is paused): the empty POST saves.
    ("POST", "admin/claims/feed/<path:object_id>/change/"): admin(
        403, Redirect("/admin/claims/feed/"), Redirect("/admin/claims/feed/")
    ),
    ("POST", "admin/claims/feed/<path:object_id>/delete/"): superuser_only(),
    **admin_model(
        "claims/claim",
        changelist=admin(200, 200, 200),
        add=nobody_in_admin(),  # claims come from the extractor
        history=admin(200, audit_trail("claim"), audit_trail("claim")),
        delete=nobody_in_admin(),  # dismissed, never deleted
        change=admin(200, 200, 200),  # read-only for reviewers
    ),
    ("POST", "admin/claims/claim/<path:object_id>/change/"): admin(403, 200, 200),
    ("POST", "admin/claims/claim/<path:object_id>/delete/"): nobody_in_admin(),
    **admin_model(
        "claims/verdict",
        changelist=admin(200, 200, 200),
        add=nobody_in_admin(),  # given on the claim page, under its lease rules
        history=admin(200, audit_trail("verdict"), audit_trail("verdict")),
        delete=nobody_in_admin(),
        change=admin(200, 200, 200),  # read-only for everyone
    ),
    ("POST", "admin/claims/verdict/<path:object_id>/change/"): nobody_in_admin(),
    ("POST", "admin/claims/verdict/<path:object_id>/delete/"): nobody_in_admin(),
    **admin_model(
        "claims/auditevent",
        changelist=admin(403, 200, 200),
        add=nobody_in_admin(),
        history=admin(403, 200, 200),
        delete=nobody_in_admin(),
        change=admin(403, 200, 200),
    ),
    ("POST", "admin/claims/auditevent/<path:object_id>/change/"): nobody_in_admin(),
    **admin_model(
        "claims/apitoken",
        changelist=superuser_only(),
        add=superuser_only(),
        history=superuser_only(),
        delete=nobody_in_admin(),  # revoked, never deleted
        change=superuser_only(),
    ),
    ("POST", "admin/claims/apitoken/add/"): superuser_only(),
    **admin_model(
        "claims/webhookendpoint",
        changelist=superuser_only(),
        add=superuser_only(),
        history=superuser_only(),
        delete=superuser_only(),
        change=superuser_only(),
    ),
    ("POST", "admin/claims/webhookendpoint/add/"): superuser_only(),
    ("POST", "admin/claims/webhookendpoint/<path:object_id>/change/"): superuser_only(),
    **admin_model(
        "claims/webhookdelivery",
        changelist=superuser_only(),
        add=nobody_in_admin(),  # made by events, never by hand
        history=superuser_only(),
        delete=nobody_in_admin(),  # the delivery log is kept
        change=superuser_only(),  # read-only, with the re-send action on the list
    ),
    ("POST", "admin/claims/webhookdelivery/<path:object_id>/change/"): superuser_only(),
    ("POST", "admin/claims/apitoken/<path:object_id>/change/"): superuser_only(200),
    # --- Admin: auth and axes ---------------------------------------------------------------------
    **admin_model(
        "auth/user",
        # Editors look reviewers up (to assign claims), read-only; only superusers manage users.
        changelist=admin(403, 200, 200),
        add=superuser_only(),
        history=admin(403, 200, 200),
        delete=superuser_only(),
        change=admin(403, 200, 200),
    ),
    ("GET", "admin/auth/user/<id>/password/"): superuser_only(),
    ("POST", "admin/auth/user/<id>/password/"): superuser_only(),
    ("POST", "admin/auth/user/add/"): superuser_only(),
    ("POST", "admin/auth/user/<path:object_id>/change/"): superuser_only(),
    ("POST", "admin/auth/user/<path:object_id>/delete/"): superuser_only(),
    **admin_model(
        "auth/group",
        changelist=superuser_only(),
        add=superuser_only(),
        history=superuser_only(),
        delete=superuser_only(),
        change=superuser_only(),
    ),
    **{
        key: value
        for model in ("axes/accessattempt", "axes/accesslog", "axes/accessfailurelog")
        for key, value in admin_model(
            model,
            changelist=superuser_only(),
            add=nobody_in_admin(),
            history=superuser_only(),
            delete=superuser_only(),
            change=superuser_only(),
        ).items()
    },
}

# HEAD and OPTIONS on the API answer as GET does: they need the same permission, since a HEAD's
# Content-Length (or an OPTIONS's 200) tells whether rows exist.
EXPECTED.update(
    {
        (method, route): roles
        for (get, route), roles in list(EXPECTED.items())
        if get == "GET" and route.startswith("api/v1/")
        for method in ("HEAD", "OPTIONS")
    }
)
# The Swagger page is HTML only: OPTIONS is not one of its methods (it was a 500).
EXPECTED[("OPTIONS", "api/v1/docs/")] = everyone(405)

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


# --- The world each test runs in ----------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _isolated(settings: Any) -> None:
    cache.clear()  # throttle counts would otherwise carry over between tests
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FACTCHECK_REQUIRE_SECOND_REVIEW = False
    # Each test client builds its own middleware; WhiteNoise would index every static file each
    # time (a third of this file's run). Static files are not what these tests are about.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def world(db: Any) -> World:
    """One of everything a URL can point at, none of it belonging to the role under test."""
    author = ReviewerFactory(username="author")
    article = ArticleFactory(status=Article.Status.SPLIT)
    claim = ClaimFactory(article=article, position=0)
    judged = ClaimFactory(article=article, position=1, status=Claim.Status.VERDICT)
    verdict = PublishedVerdictFactory(claim=judged, reviewer=author)
    event = AuditEvent.objects.create(
        action=AuditEvent.Action.INGEST, actor=author, article=article, message="ingested"
    )
    token = ApiTokenFactory(user=author)
    endpoint = WebhookEndpoint.objects.create(
        owner=author, url="https://hooks.example/factcheck", events=["verdict.published"]
    )
    webhook_event = WebhookEvent.objects.create(type="verdict.published", payload={})
    delivery = WebhookDelivery.objects.create(event=webhook_event, endpoint=endpoint)
    access = {
        "user_agent": "test",
        "ip_address": "127.0.0.1",
        "username": "someone",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    attempt = AccessAttempt.objects.create(
        **access, get_data="", post_data="", failures_since_start=1
    )
    return World(
        ids={
            "claim_id": claim.pk,
            "judged_claim_id": judged.pk,
            "webhook_id": endpoint.pk,
            "claims_webhookendpoint": endpoint.pk,
            "claims_webhookdelivery": delivery.pk,
            "verdict_id": verdict.pk,
            "article_id": article.pk,
            "token_id": token.pk,
            "claim_ct": ContentType.objects.get_for_model(Claim).pk,
            "claims_article": article.pk,
            "claims_feed": Feed.objects.create(url="https://example.org/feed.xml").pk,
            "claims_claim": claim.pk,
            "claims_verdict": verdict.pk,
            "claims_auditevent": event.pk,
            "claims_apitoken": token.pk,
            "auth_user": author.pk,
            "auth_group": role("Reviewer").pk,
            "axes_accessattempt": attempt.pk,
            "axes_accesslog": AccessLog.objects.create(**access).pk,
            "axes_accessfailurelog": AccessFailureLog.objects.create(**access).pk,
        }
    )


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


# --- Tests -------------------------------------------------------------------------------------


def test_every_url_the_project_serves_has_an_expectation() -> None:
    missing = sorted(r for r in SERVED if not any(key[1] == r for key in EXPECTED))
    assert not missing, f"URLs with no row in EXPECTED (decide who may open them): {missing}"


def test_every_expectation_names_a_url_the_project_serves() -> None:
    stale = sorted({route for _, route in EXPECTED} - set(SERVED))
    assert not stale, f"EXPECTED rows for URLs the project no longer serves: {stale}"


def test_every_expectation_covers_every_role() -> None:
    incomplete = sorted(key for key, roles in EXPECTED.items() if set(roles) != set(ROLES))
    assert not incomplete


@pytest.mark.parametrize("role_name", ROLES)
@pytest.mark.parametrize(("method", "route"), PROBES, ids=[f"{m} /{r}" for m, r in PROBES])
def test_each_role_gets_the_expected_answer_from_each_url(
    world: World, method: str, route: str, role_name: str
) -> None:
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


# --- Unpublished verdicts never leave through the API or the exports ---------------------------

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
