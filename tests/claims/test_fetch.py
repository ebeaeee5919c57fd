import ipaddress
import socket

import pytest

from claims.fetch import (
    FEED_TYPES,
    FetchError,
    UnsafeURL,
    address_is_public,
    url_check_public,
    url_fetch,
    url_parse,
)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",  # 169.254.169.254, mapped
        "http://192.168.1.1/",
        "http://0.0.0.0/",
        "http://[fe80::1]/",
        "http://localhost/",
    ],
)
def test_it_refuses_local_and_private_addresses_by_default(url):
    with pytest.raises(UnsafeURL, match="not a public internet address"):
        url_check_public(url)
    with pytest.raises(UnsafeURL):
        url_fetch(url)


def test_a_public_address_passes_the_check(monkeypatch):
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, 1, 6, "", ("93.184.215.14", 80))]
    )
    assert url_check_public("http://example.com/") == [ipaddress.ip_address("93.184.215.14")]


def test_one_private_address_among_public_ones_is_refused(monkeypatch):
    infos = [
        (socket.AF_INET, 1, 6, "", ("93.184.215.14", 80)),
        (socket.AF_INET6, 1, 6, "", ("::1", 80, 0, 0)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: infos)
    with pytest.raises(UnsafeURL, match="::1"):
        url_check_public("http://rebinding.example/")


def test_mapped_and_embedded_ipv4_addresses_are_judged_by_the_ipv4_inside():
    assert not address_is_public(ipaddress.ip_address("::ffff:10.0.0.1"))
    assert not address_is_public(ipaddress.ip_address("2002:7f00:1::"))  # 6to4 of 127.0.0.1
    assert address_is_public(ipaddress.ip_address("::ffff:93.184.215.14"))
    assert address_is_public(ipaddress.ip_address("2606:4700::1111"))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Only http"),
        ("ftp://example.com/x", "Only http"),
        ("http://example.com:99999/", "port must be between 1 and 65535"),
        ("http://example.com:0/", "port"),
        ("http:///nohost", "no host"),
        ("http://user:pw@example.com/", "password"),
        ("http://exa mple.com/", "spaces"),
        ("", "empty"),
    ],
)
def test_malformed_urls_are_refused_with_the_reason(url, message):
    with pytest.raises(UnsafeURL, match=message):
        url_parse(url)


def test_it_fetches_a_page_from_the_local_server_when_private_addresses_are_allowed(local_site):
    result = url_fetch(local_site.url("/news/jobless-rate"))
    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert b"Jobless rate falls" in result.body


def test_the_local_server_itself_is_refused_by_default(site):
    with pytest.raises(UnsafeURL, match="127.0.0.1"):
        url_fetch(site.url("/news/jobless-rate"))


def test_it_follows_a_chain_of_five_redirects_and_reports_the_last_url(local_site):
    result = url_fetch(local_site.url("/chain/5"))
    assert result.url == local_site.url("/news/jobless-rate")


def test_a_sixth_redirect_is_refused(local_site):
    with pytest.raises(FetchError, match="more than 5 times"):
        url_fetch(local_site.url("/chain/6"))


def test_a_redirect_loop_is_refused(local_site):
    with pytest.raises(FetchError, match="loop"):
        url_fetch(local_site.url("/loop/a"))


def test_a_redirect_to_a_file_url_is_refused(local_site):
    with pytest.raises(UnsafeURL, match="file:///etc/passwd"):
        url_fetch(local_site.url("/to-file"))


@pytest.mark.parametrize("path", ["/to-private", "/to-metadata"])
def test_a_redirect_to_a_private_address_is_refused(site, loopback_is_public, path):
    # The first hop (127.0.0.1) passes; the hop it redirects to meets the real check.
    assert url_fetch(site.url("/plain")).status == 200
    with pytest.raises(UnsafeURL, match="not a public internet address"):
        url_fetch(site.url(path))


def test_a_huge_page_is_cut_off_at_the_size_cap(local_site, settings):
    settings.FACTCHECK_FETCH_MAX_BYTES = 1_000_000
    with pytest.raises(FetchError, match="larger than the limit of 1,000,000 bytes"):
        url_fetch(local_site.url("/huge"))


def test_a_page_that_drips_slower_than_the_deadline_is_abandoned(local_site, settings):
    settings.FACTCHECK_FETCH_TIMEOUT_SECONDS = 1
    with pytest.raises(FetchError, match="within 1 s") as caught:
        url_fetch(local_site.url("/drip"))
    assert caught.value.transient


def test_a_binary_file_is_refused_by_its_content_type(local_site):
    with pytest.raises(FetchError, match="image/png"):
        url_fetch(local_site.url("/binary"))


def test_a_response_without_a_content_type_is_refused(local_site):
    with pytest.raises(FetchError, match="no Content-Type"):
        url_fetch(local_site.url("/no-type"))


def test_a_404_is_a_permanent_error(local_site):
    with pytest.raises(FetchError, match="404") as caught:
        url_fetch(local_site.url("/gone"))
    assert not caught.value.transient


def test_a_refused_connection_is_transient(settings):
    settings.FACTCHECK_FETCH_ALLOW_PRIVATE = True
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError) as caught:
        url_fetch(f"http://127.0.0.1:{port}/")
    assert caught.value.transient


def test_a_feed_answers_304_to_a_conditional_request_when_unchanged(local_site):
    local_site.feed_add("a1")
    first = url_fetch(local_site.url("/feed.xml"), accept=FEED_TYPES)
    assert first.status == 200 and first.etag == '"v1"'
    again = url_fetch(local_site.url("/feed.xml"), accept=FEED_TYPES, etag=first.etag)
    assert again.not_modified and again.body == b""


def test_the_connection_goes_to_the_checked_address_and_the_host_header_keeps_the_name(
    local_site, monkeypatch
):
    real = socket.getaddrinfo
    lookups: list[str] = []

    def resolve(host, port, *args, **kwargs):
        lookups.append(host)
        return real("127.0.0.1" if host == "news.example" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    port = local_site.base.rsplit(":", 1)[1]
    result = url_fetch(f"http://news.example:{port}/host")
    assert result.body == f"Host: news.example:{port}".encode()
    # The name is resolved once; the connection is made to the address literal it gave.
    assert lookups == ["news.example", "127.0.0.1"]
