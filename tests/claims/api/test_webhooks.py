"""/api/v1/webhooks/: a partner registers, reads, changes and removes its own endpoints."""

from typing import Any

import pytest

from claims import services
from claims.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.factories import UserFactory, role, token_api_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]
HOOK = "https://hooks.partner.example/factcheck"


@pytest.fixture
def partner() -> Any:
    user = UserFactory()
    user.groups.add(role("Partner"))
    return user


def client_of(user: Any, read_only: bool = False) -> Any:
    return token_api_client(user, read_only=read_only)


def register(client: Any, **fields: Any) -> Any:
    body = {"url": HOOK, "events": ["verdict.published", "verdict.withdrawn"]} | fields
    return client.post("/api/v1/webhooks/", body, format="json")


def test_a_partner_registers_an_endpoint_and_gets_its_secret_once(partner: Any) -> None:
    client = client_of(partner)
    response = register(client, description="Our CMS")
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_") and created["active"] is True
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner == partner and endpoint.secret == created["secret"]
    listed = client.get("/api/v1/webhooks/").json()
    assert [e["id"] for e in listed] == [endpoint.pk] and "secret" not in listed[0]
    assert "secret" not in client.get(f"/api/v1/webhooks/{endpoint.pk}/").json()


def test_a_read_only_token_may_not_register(partner: Any) -> None:
    assert register(client_of(partner, read_only=True)).status_code == 403
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"url": "http://hooks.partner.example/x"}, "url"),
        ({"url": "https://192.168.1.10/x"}, "url"),
        ({"url": "https://localhost/x"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["verdict.deleted"]}, "events"),
        ({"events": ["article.split"]}, "events"),  # partners read verdicts only
        ({"secret": "mine"}, "secret"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(partner: Any, fields: Any, field: str) -> None:
    response = register(client_of(partner), **fields)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_another_partners_endpoint_does_not_exist_for_you(partner: Any) -> None:
    endpoint = services.webhook_endpoint_create(
        owner=partner, url=HOOK, events=["verdict.published"]
    )
    other = UserFactory()
    other.groups.add(role("Partner"))
    client = client_of(other)
    assert client.get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert client.patch(f"/api/v1/webhooks/{endpoint.pk}/", {}, format="json").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404
    assert client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").status_code == 404
    assert client.get("/api/v1/webhooks/").json() == []
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_partner_resumes_a_paused_endpoint_and_what_was_held_goes_out(
    partner: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(
        "claims.services.webhooks.current_app.send_task",
        lambda name, args, countdown=0: sent.append(args[0]),
    )
    endpoint = services.webhook_endpoint_create(
        owner=partner, url=HOOK, events=["verdict.published"]
    )
    services.webhook_endpoint_update(endpoint_id=endpoint.pk, active=False)
    event = WebhookEvent.objects.create(type="verdict.published", payload={})
    held = WebhookDelivery.objects.create(
        event=event, endpoint=endpoint, status=WebhookDelivery.Status.HELD
    )
    client = client_of(partner)
    assert client.get("/api/v1/webhooks/", {"active": "false"}).json()[0]["pause_reason"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"active": True}, format="json")
    assert response.status_code == 200 and response.json()["active"] is True
    assert sent == [held.pk]
    held.refresh_from_db()
    assert held.status == WebhookDelivery.Status.PENDING
    deliveries = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert [d["id"] for d in deliveries] == [held.pk]


def test_a_partner_changes_the_events_and_removes_the_endpoint(partner: Any) -> None:
    client = client_of(partner)
    endpoint_id = register(client).json()["id"]
    response = client.patch(
        f"/api/v1/webhooks/{endpoint_id}/", {"events": ["verdict.superseded"]}, format="json"
    )
    assert response.json()["events"] == ["verdict.superseded"]
    bad = client.patch(
        f"/api/v1/webhooks/{endpoint_id}/", {"url": "ftp://x.example/"}, format="json"
    )
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    assert client.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()
