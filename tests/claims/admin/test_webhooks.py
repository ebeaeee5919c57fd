"""The webhook admin: a superuser registers an endpoint for a partner, re-sends a delivery,
resumes a paused endpoint, and marks articles for blind double review."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from claims import services
from claims.models import Article, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.factories import ArticleFactory, EditorFactory, UserFactory, role

pytestmark = pytest.mark.django_db
HOOK = "https://hooks.partner.example/factcheck"


@pytest.fixture
def admin_client(client: Any) -> Any:
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-123456789")
    client.force_login(user)
    return client


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(
        "claims.services.webhooks.current_app.send_task",
        lambda name, args, countdown=0: ids.append(args[0]),
    )
    return ids


def partner() -> Any:
    user = UserFactory()
    user.groups.add(role("Partner"))
    return user


def test_a_superuser_registers_an_endpoint_for_a_partner(admin_client: Any) -> None:
    owner = partner()
    response = admin_client.post(
        "/admin/claims/webhookendpoint/add/",
        {"owner": owner.pk, "url": HOOK, "description": "", "events": ["verdict.published"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner == owner and endpoint.secret.startswith("whsec_")
    page = admin_client.get(f"/admin/claims/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret in page.content.decode()


def test_the_admin_refuses_a_private_address_on_the_form(admin_client: Any) -> None:
    response = admin_client.post(
        "/admin/claims/webhookendpoint/add/",
        {"owner": partner().pk, "url": "https://10.0.0.8/x", "events": ["verdict.published"]},
    )
    assert response.status_code == 200 and "not a public address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_delivery_is_re_sent_from_the_list_and_its_attempts_are_shown(
    admin_client: Any, sent: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = services.webhook_endpoint_create(
        owner=partner(), url=HOOK, events=["verdict.published"]
    )
    event = WebhookEvent.objects.create(type="verdict.published", payload={"id": "x"})
    delivery = WebhookDelivery.objects.create(
        event=event, endpoint=endpoint, status=WebhookDelivery.Status.FAILED, attempts=8
    )
    WebhookAttempt.objects.create(delivery=delivery, number=8, status_code=502, error="HTTP 502")
    page = admin_client.get(f"/admin/claims/webhookdelivery/{delivery.pk}/change/").content
    assert b"HTTP 502" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/claims/webhookdelivery/",
            {"action": "resend", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 0
    assert sent == [delivery.pk]


def test_a_paused_endpoint_is_resumed_from_the_list(
    admin_client: Any, sent: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = services.webhook_endpoint_create(
        owner=partner(), url=HOOK, events=["verdict.published"]
    )
    services.webhook_endpoint_update(endpoint_id=endpoint.pk, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/claims/webhookendpoint/",
            {"action": "resume", "_selected_action": [endpoint.pk]},
        )
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.pause_reason == ""


def test_an_editor_marks_articles_for_blind_double_review(client: Any) -> None:
    client.force_login(EditorFactory(is_staff=True))
    article = ArticleFactory(status=Article.Status.SPLIT)
    client.post(
        "/admin/claims/article/", {"action": "blind_review_on", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.blind_review
