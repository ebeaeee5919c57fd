"""The bulk limit: every admin action over a selection refuses too many rows the same way."""

from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims import services
from claims.admin import bulk
from claims.models import ApiToken, Article, AuditEvent, Claim, Verdict
from tests.factories import (
    ApiTokenFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    ReviewerFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db
LIMIT = 2
REFUSAL = "More than 2 {} selected; narrow the list with filters first. Nothing was changed."


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "x"))
    return client


@pytest.fixture
def split_requests(monkeypatch):
    """The split messages a re-split would send, recorded instead of sent."""
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.services.splitting.article_enqueue_split",
        lambda *, article_id: sent.append(article_id) or True,
    )
    return sent


@pytest.fixture
def one_over_the_limit(monkeypatch):
    """LIMIT + 1 rows of each kind that every action would change, and a limit of LIMIT (instead
    of 5,000, to keep the test fast)."""
    monkeypatch.setattr(bulk, "MAX_BULK_CLAIMS", LIMIT)
    holder = ReviewerFactory()
    lease = timezone.now() + timedelta(hours=1)
    return {
        Claim: ClaimFactory.create_batch(LIMIT + 1, assignee=holder, lease_expires_at=lease),
        Article: ArticleFactory.create_batch(LIMIT + 1, status=Article.Status.FAILED),
        Verdict: VerdictFactory.create_batch(LIMIT + 1, published_at=None),
        ApiToken: ApiTokenFactory.create_batch(LIMIT + 1),
        "original": ClaimFactory(),
        "reviewer": holder,
    }


def every_row() -> dict[str, list[dict]]:
    models = (Article, Claim, Verdict, ApiToken, AuditEvent)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def nothing(rows):
    return {}


ACTIONS = [
    (Claim, "assign", nothing),
    (Claim, "assign", lambda rows: {"apply": "1", "assignee": rows["reviewer"].pk}),
    (Claim, "mark_duplicate", nothing),
    (Claim, "mark_duplicate", lambda rows: {"apply": "1", "original": rows["original"].pk}),
    (Claim, "dismiss", nothing),
    (Claim, "release_leases", nothing),
    (Claim, "raise_priority", nothing),
    (Claim, "lower_priority", nothing),
    (Article, "resplit", nothing),
    (Article, "retry_failed", nothing),
    (Article, "delete_selected", nothing),
    (Article, "delete_selected", lambda rows: {"post": "yes"}),
    (Verdict, "publish", nothing),
    (ApiToken, "revoke", nothing),
]


@pytest.mark.parametrize(("model", "action", "extra"), ACTIONS)
def test_every_bulk_action_refuses_a_selection_over_the_limit_the_same_way_and_changes_nothing(
    superuser_client, one_over_the_limit, split_requests, model, action, extra
):
    rows = one_over_the_limit
    before = every_row()

    response = superuser_client.post(
        f"/admin/claims/{model._meta.model_name}/",
        {"action": action, "_selected_action": [o.pk for o in rows[model]], **extra(rows)},
    )

    assert response.status_code == 302  # back to the list: no form, no confirmation page
    said = [(m.level, str(m)) for m in get_messages(response.wsgi_request)]
    assert said == [(messages.ERROR, REFUSAL.format(model._meta.verbose_name_plural))]
    assert every_row() == before
    assert split_requests == []


def test_select_all_over_the_limit_is_refused_too(superuser_client, one_over_the_limit):
    first = one_over_the_limit[Claim][0]
    before = every_row()
    response = superuser_client.post(
        "/admin/claims/claim/",
        {"action": "dismiss", "select_across": "1", "_selected_action": [first.pk]},
    )
    said = [(m.level, str(m)) for m in get_messages(response.wsgi_request)]
    assert said == [(messages.ERROR, REFUSAL.format("claims"))]
    assert every_row() == before


def test_a_selection_at_the_limit_is_acted_on(superuser_client, one_over_the_limit):
    chosen = one_over_the_limit[Claim][:LIMIT]
    response = superuser_client.post(
        "/admin/claims/claim/", {"action": "dismiss", "_selected_action": [c.pk for c in chosen]}
    )
    assert f"{LIMIT} of {LIMIT} claim(s) dismissed" in str(
        list(get_messages(response.wsgi_request))
    )
    assert Claim.objects.filter(status=Claim.Status.DISMISSED).count() == LIMIT


def test_a_refusal_from_the_service_is_shown_the_same_way(client, monkeypatch):
    claims = ClaimFactory.create_batch(2)

    def refuse(**kwargs):
        raise ValidationError("The service says no.")

    monkeypatch.setattr(services, "claims_dismiss", refuse)
    client.force_login(EditorFactory(is_staff=True))
    response = client.post(
        "/admin/claims/claim/", {"action": "dismiss", "_selected_action": [c.pk for c in claims]}
    )
    said = [(m.level, str(m)) for m in get_messages(response.wsgi_request)]
    assert said == [(messages.ERROR, "The service says no.")]
    assert not Claim.objects.filter(status=Claim.Status.DISMISSED).exists()
