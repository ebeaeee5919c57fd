"""The Reviewer, Editor and Partner groups and what each may do."""

from typing import Any

REVIEWER_PERMISSIONS = (
    "view_article", "add_article", "view_claim", "change_claim", "view_verdict", "add_verdict",
)  # fmt: skip
EDITOR_PERMISSIONS = (
    *REVIEWER_PERMISSIONS, "change_article", "view_auditevent", "change_verdict",
    # Editors choose the feeds the desk follows.
    "view_feed", "add_feed", "change_feed",
)  # fmt: skip
# Partners pull published verdicts over the API with a read-only token; they see no queue. They
# may register webhook endpoints (with a read-write token or a session) to be pushed to instead.
WEBHOOK_PERMISSIONS = (
    "view_webhookendpoint", "add_webhookendpoint", "change_webhookendpoint",
    "delete_webhookendpoint",
)  # fmt: skip
PARTNER_PERMISSIONS = ("view_verdict", *WEBHOOK_PERMISSIONS)
ROLES = {
    "Reviewer": REVIEWER_PERMISSIONS,
    "Editor": EDITOR_PERMISSIONS,
    "Partner": PARTNER_PERMISSIONS,
}
# Editors are told apart from reviewers by a stock permission only their group holds, so no
# migration has to add a custom one. It gates triage (assign, release, dismiss, merge, priority)
# and publishing, in the admin and on the dashboard alike.
EDITOR_PERMISSION = "claims.change_verdict"


def roles_ensure(*, group_model: Any, permission_model: Any) -> None:
    """Create the groups and grant their permissions. Idempotent.

    Takes the models as arguments so a data migration can pass its historical ones."""
    for name, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        perms = permission_model.objects.filter(
            content_type__app_label="claims", codename__in=codenames
        )
        group.permissions.add(*perms)
