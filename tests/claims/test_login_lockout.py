"""claims/login_lockout.py: the client's address behind the proxy, and the per-username limit."""

import pytest
from django.test import RequestFactory

from claims.login_lockout import client_ip_address
from tests.factories import ReviewerFactory

PASSWORD = "correct horse battery"  # the factories' password
LOGIN = "/accounts/login/"
PROXY = "172.18.0.5"  # nginx's address, as gunicorn sees it


@pytest.fixture
def behind_proxy(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.FACTCHECK_TRUSTED_PROXY_COUNT = 1


def _login(client, username: str, password: str, *, forwarded_for: str):  # type: ignore[no-untyped-def]
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_behind_the_proxy_a_stranger_locks_only_their_own_address_out(client, behind_proxy):
    user = ReviewerFactory()
    for n in range(3):
        _login(client, user.username, f"guess {n}", forwarded_for="203.0.113.9")
    assert _login(client, user.username, PASSWORD, forwarded_for="203.0.113.9").status_code == 429
    # Every request reaches Django from the proxy; the user's own address is not locked.
    assert _login(client, user.username, PASSWORD, forwarded_for="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_a_client_cannot_dodge_the_lock_by_sending_its_own_forwarded_for(client, behind_proxy):
    user = ReviewerFactory()
    # nginx appends the address it saw; whatever the client put before it is ignored.
    for n in range(3):
        _login(client, user.username, f"guess {n}", forwarded_for=f"10.0.0.{n}, 203.0.113.9")
    refused = _login(client, user.username, PASSWORD, forwarded_for="10.0.0.99, 203.0.113.9")
    assert refused.status_code == 429


@pytest.mark.django_db
def test_a_username_failing_from_many_addresses_is_locked_at_the_higher_limit(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.FACTCHECK_USERNAME_FAILURE_LIMIT = 5
    user = ReviewerFactory()

    def login(password: str, address: str):  # type: ignore[no-untyped-def]
        data = {"username": user.username, "password": password}
        return client.post(LOGIN, data, REMOTE_ADDR=address)

    # One wrong password from each of five addresses: never the per-address limit of 3...
    for n in range(4):
        assert login("guess", f"203.0.113.{n}").status_code == 200
    # ...but the fifth in all locks the username, the right password from a new address included.
    assert login("guess", "203.0.113.4").status_code == 429
    assert login(PASSWORD, "198.51.100.7").status_code == 429
    colleague = ReviewerFactory()
    other = {"username": colleague.username, "password": PASSWORD}
    assert client.post(LOGIN, other, REMOTE_ADDR="203.0.113.1").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1", "203.0.113.9"),  # no proxy: the header is the client's
        (1, PROXY, "203.0.113.9", "203.0.113.9"),
        (1, PROXY, "10.0.0.1, 203.0.113.9", "203.0.113.9"),
        (2, PROXY, "10.0.0.1, 203.0.113.9, 172.18.0.2", "203.0.113.9"),
        (1, "203.0.113.9", "", "203.0.113.9"),  # not through the proxy: no header to trust
        (2, PROXY, "203.0.113.9", PROXY),
    ],
)
def test_the_client_address_is_counted_from_the_right(
    settings, proxies, remote, forwarded, expected
):
    settings.FACTCHECK_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == expected
