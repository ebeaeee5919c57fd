"""What the admin triage tests share: the admin addresses, posting an action, and reading
what it said and audited."""

from django.contrib.messages import get_messages

from claims.models import AuditEvent

CLAIMS = "/admin/claims/claim/"
ARTICLES = "/admin/claims/article/"
VERDICTS = "/admin/claims/verdict/"


def act(client, action, objects, url=CLAIMS, **extra):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    )


def claim_form(**fields):
    """A claim's change form as the browser posts it, with its audit inline's management form."""
    return {"audit_events-TOTAL_FORMS": 0, "audit_events-INITIAL_FORMS": 0, **fields}


def said(response) -> str:
    return " | ".join(str(m) for m in get_messages(response.wsgi_request))


def audit(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)
