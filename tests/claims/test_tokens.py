import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services
from claims.models import ApiToken, AuditEvent
from tests.factories import ApiTokenFactory, ReviewerFactory, UserFactory, role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast(settings):
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bearer(key, keyword="Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


# --- Services --------------------------------------------------------------------------------------


def test_a_new_token_stores_only_the_hash_of_its_key(reviewer):
    token, key = services.api_token_create(user=reviewer, name="  Partner   feed ")
    token.refresh_from_db()
    assert key.startswith("fc_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) == 12
    assert token.name == "Partner feed" and token.read_only
    assert key not in str(ApiToken.objects.values().get())
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN)
    assert event.actor == reviewer and event.data["event"] == "created"
    assert key not in event.message


def test_a_token_needs_a_name(reviewer):
    with pytest.raises(ValidationError):
        services.api_token_create(user=reviewer, name="   ")
    assert not ApiToken.objects.exists()


def test_revoking_twice_records_it_once(reviewer):
    token = ApiTokenFactory(user=reviewer)
    first = services.api_token_revoke(token_id=token.pk, by=reviewer)
    second = services.api_token_revoke(token_id=token.pk, by=reviewer)
    assert first.revoked_at == second.revoked_at is not None
    assert AuditEvent.objects.filter(data__event="revoked").count() == 1


def test_a_user_may_revoke_only_their_own_token(reviewer):
    token = ApiTokenFactory()
    with pytest.raises(ApiToken.DoesNotExist):
        services.api_token_revoke(token_id=token.pk, by=reviewer, user=reviewer)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_last_use_is_recorded_at_most_once_a_minute():
    token = ApiTokenFactory()
    now = timezone.now()
    assert services.api_token_authenticate(key=token.key, now=now).last_used_at == now
    services.api_token_authenticate(key=token.key, now=now + timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == now
    later = now + timedelta(minutes=2)
    services.api_token_authenticate(key=token.key, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later


# --- Authentication --------------------------------------------------------------------------------


def test_a_token_authenticates_as_its_user_with_either_keyword():
    token = ApiTokenFactory()
    assert bearer(token.key).get("/api/v1/claims/").status_code == 200
    assert bearer(token.key, "Bearer").get("/api/v1/claims/").status_code == 200


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Token fc_not-a-real-key", "Invalid token"),
        ("Token", "Malformed"),
        ("Token a b", "Malformed"),
    ],
)
def test_a_bad_token_is_a_401_with_a_reason(header, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert message in response.json()["detail"]


def test_a_revoked_token_stops_working_at_once():
    token = ApiTokenFactory()
    client = bearer(token.key)
    assert client.get("/api/v1/claims/").status_code == 200
    services.api_token_revoke(token_id=token.pk, by=token.user)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_the_token_of_a_deactivated_user_stops_working():
    token = ApiTokenFactory()
    get_user_model().objects.filter(pk=token.user_id).update(is_active=False)
    assert bearer(token.key).get("/api/v1/claims/").status_code == 401


def test_a_token_carries_no_more_than_its_users_permissions():
    partner = UserFactory()
    partner.groups.add(role("Partner"))
    token = ApiTokenFactory(user=partner, read_only=False)
    assert bearer(token.key).get("/api/v1/claims/").status_code == 403


# --- Who may have tokens, how many, and how fast they read ----------------------------------


def test_a_user_without_a_role_cannot_create_a_token():
    with pytest.raises(ValidationError, match="role"):
        services.api_token_create(user=UserFactory(), name="Mine")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("group", ["Reviewer", "Editor", "Partner"])
def test_each_role_may_create_a_token(group):
    user = UserFactory()
    user.groups.add(role(group))
    token, _ = services.api_token_create(user=user, name="Mine")
    assert token.user == user


def test_the_token_page_refuses_a_user_without_a_role(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/account/tokens/", {"name": "Mine", "read_only": "on"})
    assert response.status_code == 400
    assert "role" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_live_tokens_per_user_are_capped_and_a_revoked_one_frees_a_place(settings, reviewer):
    settings.FACTCHECK_API_MAX_TOKENS_PER_USER = 2
    first = ApiTokenFactory(user=reviewer)
    ApiTokenFactory(user=reviewer)
    with pytest.raises(ValidationError, match="2 live tokens"):
        services.api_token_create(user=reviewer, name="Third")
    assert ApiToken.objects.filter(user=reviewer).count() == 2
    services.api_token_revoke(token_id=first.pk, by=reviewer)
    services.api_token_create(user=reviewer, name="Third")
    assert ApiToken.objects.filter(user=reviewer, revoked_at__isnull=True).count() == 2


def test_the_rate_limit_counts_per_user_not_per_token(settings, reviewer):
    settings.FACTCHECK_API_THROTTLE_RATES = {"api": "3/min", "export": "60/hour"}
    keys = [ApiTokenFactory(user=reviewer).key for _ in range(3)]
    answers = [bearer(key).get("/api/v1/claims/").status_code for key in keys for _ in range(2)]
    # Three requests are allowed to the user, whichever of their tokens sends them.
    assert answers == [200, 200, 200, 429, 429, 429]
    assert bearer(ApiTokenFactory().key).get("/api/v1/claims/").status_code == 200


# --- Admin ----------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    return client


def test_a_superuser_creates_a_token_in_the_admin_and_sees_its_key_once(superuser_client):
    partner = UserFactory(username="partner")
    partner.groups.add(role("Partner"))
    response = superuser_client.post(
        "/admin/claims/apitoken/add/",
        {"user": partner.pk, "name": "Partner feed", "read_only": "on"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    key = response.context["key"]
    assert key.startswith(token.prefix) and key in response.content.decode()
    assert token.user == partner and token.read_only
    page = superuser_client.get(f"/admin/claims/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in page and key not in page
    assert bearer(key).get("/api/v1/verdicts/").status_code == 200
    assert bearer(key).get("/api/v1/claims/").status_code == 403  # partners read verdicts only


def test_the_admin_refuses_a_token_for_a_user_without_a_role_on_the_form(superuser_client):
    nobody = UserFactory(username="nobody")
    response = superuser_client.post(
        "/admin/claims/apitoken/add/", {"user": nobody.pk, "name": "Feed", "read_only": "on"}
    )
    assert response.status_code == 200
    assert "has no role" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_superuser_revokes_tokens_with_the_admin_action(superuser_client):
    tokens = ApiTokenFactory.create_batch(2)
    response = superuser_client.post(
        "/admin/claims/apitoken/",
        {"action": "revoke", "_selected_action": [t.pk for t in tokens]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 2
    assert superuser_client.get("/admin/claims/apitoken/").status_code == 200


def test_staff_who_are_not_superusers_cannot_see_tokens(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="claims"))
    client.force_login(staff)
    assert client.get("/admin/claims/apitoken/").status_code == 403
    assert client.get("/admin/claims/apitoken/add/").status_code == 403


def test_drfs_clear_text_tokens_are_gone_from_the_admin(superuser_client):
    assert superuser_client.get("/admin/authtoken/tokenproxy/").status_code == 404


# --- The user's own page ---------------------------------------------------------------------------


def test_the_token_page_needs_a_login(client):
    response = client.get("/account/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_creates_a_token_on_their_page_and_sees_the_key_only_then(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/account/tokens/", {"name": "My script", "read_only": ""})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["key"]
    token = ApiToken.objects.get(user=reviewer)
    assert not token.read_only and key in response.content.decode()
    again = client.get("/account/tokens/").content.decode()
    assert "My script" in again and token.prefix in again and key not in again
    assert bearer(key).post("/api/v1/articles/", {}, format="json").status_code == 400


def test_a_nameless_token_is_refused_on_the_page(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/account/tokens/", {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_user_revokes_their_own_token_but_not_anothers(client, reviewer):
    mine = ApiTokenFactory(user=reviewer)
    theirs = ApiTokenFactory()
    client.force_login(reviewer)
    response = client.post(f"/account/tokens/{mine.pk}/revoke/")
    assert response.status_code == 302
    assert client.post(f"/account/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/account/tokens/{mine.pk}/revoke/").status_code == 405
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "revoked" in client.get("/account/tokens/").content.decode()


def test_the_page_lists_only_the_users_own_tokens(client, reviewer):
    ApiTokenFactory(user=reviewer, name="Mine")
    ApiTokenFactory(user=ReviewerFactory(), name="Someone else's")
    client.force_login(reviewer)
    page = client.get("/account/tokens/").content.decode()
    assert "Mine" in page and "Someone else" not in page
