"""Is an address on the public internet? For URLs the server itself will call (webhooks), so a
partner cannot point it at the machine, the private network or a cloud metadata service.

The address rule itself is the safe fetcher's (``claims.fetch.address_is_public``: mapped, 6to4
and Teredo forms judged by the IPv4 address inside); this module adds what webhooks need on top:
https only outside tests, and errors as form/serializer ``ValidationError``s."""

import ipaddress
import socket

from django.core.exceptions import ValidationError

from claims.fetch import UnsafeURL, address_is_public, url_parse

# Names that resolve to the machine or the local network whatever DNS says.
LOCAL_NAMES = ("localhost", "localhost.localdomain")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def ip_is_public(ip: str) -> bool:
    """A globally routable unicast address (no loopback, private, link-local, reserved...)."""
    return address_is_public(ipaddress.ip_address(ip.split("%", 1)[0]))


def url_parts(url: str, *, allow_http: bool = False) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, parsed by the fetcher's one parser
    (``claims.fetch.url_parse``), with https required unless ``allow_http``; a ``ValidationError``
    naming what is wrong."""
    try:
        scheme, host, port = url_parse(url)
    except UnsafeURL as exc:
        raise ValidationError(str(exc), code="url") from None
    if scheme != "https" and not allow_http:
        raise ValidationError("The address must start with https://.", code="scheme")
    return scheme, host.rstrip(".").lower(), port


def url_check_public(url: str, *, allow_private: bool = False, resolve: bool = True) -> list[str]:
    """The addresses ``url``'s host resolves to, every one of them public; ``ValidationError``
    otherwise. ``resolve=False`` checks only what the URL itself says (a literal address, a
    local name), for a form that must not wait on DNS. ``allow_private`` is for tests."""
    _, host, port = url_parts(url, allow_http=True)
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal)
        is_literal = True
    except ValueError:
        is_literal = False
    if not allow_private:
        if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES):
            raise ValidationError(f"“{host}” is a local name, not a public address.", code="local")
        if is_literal and not ip_is_public(literal):
            raise ValidationError(f"{literal} is not a public address.", code="private")
    if not resolve:
        return [literal] if is_literal else []
    try:
        infos = socket.getaddrinfo(literal, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(f"“{host}” does not resolve ({exc}).", code="dns") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    private = [a for a in addresses if not ip_is_public(a)]
    if private and not allow_private:
        raise ValidationError(
            f"“{host}” resolves to an address that is not public ({private[0]}).", code="private"
        )
    return addresses
