"""Login brute force is slowed by django-axes: a few wrong passwords lock the login for a while."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from tests.factories import ReviewerFactory, UserFactory

PASSWORD = "correct horse battery"  # the factories' password
LOGIN = "/accounts/login/"


@pytest.fixture
def limit(settings) -> int:
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def _login(client, username: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _logged_in(client) -> bool:  # type: ignore[no-untyped-def]
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_a_correct_login_works_and_a_wrong_password_gets_the_form_error(client):
    user = ReviewerFactory()
    wrong = _login(client, user.username, "not it")
    assert wrong.status_code == 200
    assert "Please enter a correct username and password" in wrong.content.decode()
    assert not _logged_in(client)
    assert _login(client, user.username, PASSWORD).status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(client, limit):
    user = ReviewerFactory()
    responses = [_login(client, user.username, f"guess {n}") for n in range(limit)]
    assert [r.status_code for r in responses[:-1]] == [200] * (limit - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page and f"after {limit} wrong passwords" in page
    assert "15 minutes" in page

    refused = _login(client, user.username, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()
    assert not _logged_in(client)
    assert AccessAttempt.objects.filter(username=user.username).exists()


@pytest.mark.django_db
def test_the_lock_holds_one_username_from_one_address_and_an_admin_can_lift_it(client, limit):
    locked_user, colleague = ReviewerFactory(), ReviewerFactory()
    for n in range(limit):
        _login(client, locked_user.username, f"guess {n}")
    assert _login(client, locked_user.username, PASSWORD).status_code == 429

    # A colleague at the same address, and the same user elsewhere, are not shut out by a stranger.
    assert _login(client, colleague.username, PASSWORD).status_code == 302
    client.logout()
    assert _login(client, locked_user.username, PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 302
    client.logout()

    call_command("axes_reset_username", locked_user.username)
    assert _login(client, locked_user.username, PASSWORD).status_code == 302
    assert _logged_in(client)


@pytest.mark.django_db
def test_a_successful_login_clears_earlier_failures(client, limit):
    user = ReviewerFactory()
    for n in range(limit - 1):
        _login(client, user.username, f"guess {n}")
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for n in range(limit - 1):
        assert _login(client, user.username, f"again {n}").status_code == 200
    assert _login(client, user.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_admin_login_is_guarded_too_and_still_works(client, limit):
    staff = UserFactory(is_staff=True, is_superuser=True)
    admin_login = "/admin/login/?next=/admin/"
    assert client.get(admin_login).status_code == 200
    ok = client.post(admin_login, {"username": staff.username, "password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()

    for n in range(limit):
        client.post(admin_login, {"username": staff.username, "password": f"guess {n}"})
    refused = client.post(admin_login, {"username": staff.username, "password": PASSWORD})
    assert refused.status_code == 429
    assert not _logged_in(client)


def test_force_login_used_by_the_test_suite_still_works(admin_client):
    assert admin_client.get("/admin/").status_code == 200
