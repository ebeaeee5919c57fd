"""Who may open what: for every (method, route) the project serves, the answer each role must get.

Roles: nobody logged in; a logged-in user with no group; a staff user with no group; a reviewer
and an editor (both staff, as admin users are); a superuser; a read-only and a read-write API token
of a reviewer. A token is sent as ``Authorization: Token …`` to every URL: pages and the admin
must treat it as no login at all.
"""

from dataclasses import dataclass

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
    # "Same claim: reuse this verdict" is a POST that gives a verdict, then on to the queue.
    ("GET", "claims/<int:claim_id>/reuse/<int:match_id>/"): page(405),
    ("POST", "claims/<int:claim_id>/reuse/<int:match_id>/"): page(QUEUE),
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
    # Has this been checked before? Matches of a stored claim, and of any text a client sends.
    ("GET", "api/v1/claims/<int:claim_id>/matches/"): api(200),
    # Writing claims needs claims.add_claim, which no group has (as for the claim itself).
    ("POST", "api/v1/claims/<int:claim_id>/matches/"): api_write(403, superuser=405),
    ("GET", "api/v1/match/"): api(405),
    # Asking is a read: a read-only token may POST a text to match (an empty body is a 400).
    ("POST", "api/v1/match/"): api(400),
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
    # Imported fact-checks: read-only, for superusers (they come in by import_factchecks only).
    **admin_model(
        "claims/externalfactcheck",
        changelist=superuser_only(),
        add=nobody_in_admin(),
        history=superuser_only(),
        delete=superuser_only(),
        change=superuser_only(),
    ),
    ("POST", "admin/claims/externalfactcheck/add/"): nobody_in_admin(),
    ("POST", "admin/claims/externalfactcheck/<path:object_id>/delete/"): superuser_only(),
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
# OPTIONS describes an endpoint, never a row: where GET is a 405 (a POST-only endpoint) or a 404
# (someone else's webhook), OPTIONS still answers 200 to whoever holds the view permission.
for route in ("api/v1/articles/bulk", "api/v1/match/"):
    EXPECTED[("OPTIONS", route)] = api(200)
for route in ("api/v1/webhooks/<int:webhook_id>/", "api/v1/webhooks/<int:webhook_id>/deliveries/"):
    EXPECTED[("OPTIONS", route)] = api(403, superuser=200)
# The Swagger page is HTML only: OPTIONS is not one of its methods (it was a 500).
EXPECTED[("OPTIONS", "api/v1/docs/")] = everyone(405)
