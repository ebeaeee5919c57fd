"""Who may open the dashboard's pages and use its actions, and the navigation each role sees."""

import pytest
from django.urls import reverse

from claims.models import AuditEvent
from tests.factories import (
    EditorFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


# --- Permissions -----------------------------------------------------------------------------

GET_PAGES = [
    ("claims:queue", []),
    ("claims:my-work", []),
    ("claims:reviews", []),
    ("claims:stats", []),
    ("claims:claim", ["claim"]),
    ("claims:article", ["article"]),
    ("claims:article-status", ["article"]),
]
POST_ACTIONS = [
    ("claims:claim-next", []),
    ("claims:claim-take", ["claim"]),
    ("claims:claim-renew", ["claim"]),
    ("claims:claim-skip", ["claim"]),
    ("claims:claim-release", ["claim"]),
    ("claims:claim-assign", ["claim"]),
    ("claims:claim-priority", ["claim"]),
    ("claims:verdict-review", ["verdict"]),
    ("claims:verdict-settle", ["verdict"]),
]


def _url(name, args):
    verdict = VerdictFactory()
    objects = {
        "claim": verdict.claim.pk,
        "article": verdict.claim.article_id,
        "verdict": verdict.pk,
    }
    return reverse(name, args=[objects[a] for a in args])


@pytest.mark.parametrize(("name", "args"), GET_PAGES + POST_ACTIONS)
def test_anonymous_visitors_are_sent_to_log_in_from_every_page(client, name, args):
    url = _url(name, args)
    response = client.post(url) if (name, args) in POST_ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), GET_PAGES)
def test_a_user_without_a_role_is_refused_every_page(client, name, args):
    client.force_login(UserFactory())
    assert client.get(_url(name, args)).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("claims:stats", []),
        ("claims:claim-assign", ["claim"]),
        ("claims:claim-unassign", ["claim"]),
        ("claims:claim-priority", ["claim"]),
        ("claims:verdict-settle", ["verdict"]),
    ],
)
def test_a_reviewer_cannot_use_editor_pages(reviewer_client, name, args):
    url = _url(name, args)
    response = reviewer_client.get(url) if name == "claims:stats" else reviewer_client.post(url)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__in=["assign", "priority", "publish"]).exists()


def test_actions_that_change_things_refuse_get(reviewer_client):
    assert reviewer_client.get(reverse("claims:claim-next")).status_code == 405


def test_the_navigation_shows_stats_to_editors_only(reviewer_client, client):
    stats = reverse("claims:stats")
    assert stats not in reviewer_client.get(reverse("claims:queue")).content.decode()
    client.force_login(EditorFactory())
    assert stats in client.get(reverse("claims:queue")).content.decode()
