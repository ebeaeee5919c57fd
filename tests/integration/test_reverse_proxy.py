"""deploy/nginx/templates/default.conf.template, the proxy docker-compose.yml runs, rendered for a
native nginx on loopback in front of a live Django server: bodies over the app's limit are
refused by nginx, X-Forwarded-* come from nginx only, and exports stream through unbuffered."""

import json
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from claims.models import Article
from tests.conftest import skip_or_fail
from tests.factories import ApiTokenFactory, PublishedVerdictFactory, ReviewerFactory
from tests.integration import proxy_urls
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.urls("tests.integration.proxy_urls")]

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "deploy" / "nginx" / "templates" / "default.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def render(template: str, values: dict[str, str]) -> str:
    """What the nginx image's envsubst does: ${NAME} for each name given, nginx's $vars left."""
    rendered = re.sub(r"\$\{(\w+)\}", lambda m: values.get(m[1], m[0]), template)
    missing = re.findall(r"\$\{\w+\}", rendered)
    assert not missing, f"the template needs {missing}"
    return rendered


class Proxy:
    def __init__(self, root: Path, upstream: str, max_body: int) -> None:
        self.http_port, self.https_port = _free_port(), _free_port()
        certs = root / "certs"
        certs.mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
             "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem")],
            check=True, capture_output=True,
        )  # fmt: skip
        self.ca = str(certs / "fullchain.pem")
        site = render(
            TEMPLATE.read_text(),
            {
                "NGINX_SERVER_NAME": "localhost",
                "NGINX_UPSTREAM": upstream,
                "NGINX_HTTP_PORT": f"127.0.0.1:{self.http_port}",
                "NGINX_HTTPS_PORT": f"127.0.0.1:{self.https_port}",
                "NGINX_CERT_DIR": str(certs),
                "FACTCHECK_API_MAX_BODY_BYTES": str(max_body),
            },
        )
        (root / "site.conf").write_text(site)
        # The image's nginx.conf, reduced to what a test run needs, with every path under root.
        (root / "nginx.conf").write_text(
            f"""
            daemon off;
            user root;
            worker_processes 1;
            pid {root}/nginx.pid;
            error_log {root}/error.log;
            events {{ worker_connections 64; }}
            http {{
                access_log {root}/access.log;
                client_body_temp_path {root}/body;
                proxy_temp_path {root}/proxy;
                fastcgi_temp_path {root}/fastcgi;
                uwsgi_temp_path {root}/uwsgi;
                scgi_temp_path {root}/scgi;
                include {root}/site.conf;
            }}
            """
        )
        self.log = root / "error.log"
        self.proc = subprocess.Popen(
            [NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        wait_for(self._listening, timeout=20, what="nginx to listen")

    def _listening(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"nginx exited: {self.proc.stderr.read().decode()}")  # type: ignore[union-attr]
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.https_port)) == 0

    def url(self, path: str) -> str:
        return f"https://localhost:{self.https_port}{path}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def proxy(live_server, tmp_path: Path, settings) -> Iterator[Proxy]:
    if not Path(NGINX).exists():
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    # As in .env.example: Django trusts nginx's X-Forwarded-Proto; one proxy in front.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.FACTCHECK_TRUSTED_PROXY_COUNT = 1
    upstream = live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1")
    running = Proxy(tmp_path, upstream, settings.FACTCHECK_API_MAX_BODY_BYTES)
    proxy_urls.first_chunk_read.clear()
    yield running
    running.stop()


@pytest.mark.django_db(transaction=True)
def test_a_body_over_the_apps_limit_is_refused_by_nginx_with_413(proxy, settings):
    token = ApiTokenFactory(read_only=False)
    headers = {"Authorization": f"Token {token.key}", "Content-Type": "application/json"}
    limit = settings.FACTCHECK_API_MAX_BODY_BYTES
    small = json.dumps({"title": "Buses", "body": "The council approved 12 new bus lines."})
    ok = requests.post(proxy.url("/api/v1/articles/"), data=small, headers=headers, verify=proxy.ca)
    assert ok.status_code == 201, ok.text

    body = json.dumps({"title": "Huge", "body": "x" * limit})
    assert len(body.encode()) > limit
    refused = requests.post(
        proxy.url("/api/v1/articles/"), data=body, headers=headers, verify=proxy.ca
    )
    assert refused.status_code == 413
    # nginx's own page, not the app's JSON 413: the body never reached gunicorn.
    assert "<center>nginx" in refused.text and "413 Request Entity Too Large" in refused.text
    assert not Article.objects.filter(title="Huge").exists()


@pytest.mark.django_db(transaction=True)
def test_forwarded_headers_sent_by_the_client_are_overwritten_by_nginx(proxy):
    spoofed = {
        "X-Forwarded-Proto": "http",
        "X-Forwarded-For": "198.51.100.66",
        "X-Forwarded-Host": "evil.example",
    }
    seen = requests.get(proxy.url("/_probe/echo/"), headers=spoofed, verify=proxy.ca).json()
    assert seen["forwarded_proto"] == "https" and seen["secure"] is True
    assert seen["forwarded_host"] is None
    # nginx appends the address it saw; the lockout counts that one, not the client's claim.
    assert seen["forwarded_for"] == "198.51.100.66, 127.0.0.1"
    assert seen["client"] == "127.0.0.1"

    # Plain HTTP claiming to be HTTPS never reaches the app: it is sent to HTTPS.
    plain = requests.get(
        f"http://localhost:{proxy.http_port}/_probe/echo/",
        headers={"X-Forwarded-Proto": "https"},
        allow_redirects=False,
    )
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://localhost")


@pytest.mark.django_db(transaction=True)
def test_an_export_streams_through_the_proxy_chunk_by_chunk(proxy):
    with requests.get(
        proxy.url("/api/v1/export/_probe/stream/"), stream=True, verify=proxy.ca, timeout=60
    ) as response:
        lines = response.iter_lines(decode_unicode=True)
        assert next(lines) == "first"
        proxy_urls.first_chunk_read.set()
        assert next(lines) == "second, the client had read the first: True"


@pytest.mark.django_db(transaction=True)
def test_the_verdict_export_passes_through_whole(proxy):
    verdicts = PublishedVerdictFactory.create_batch(3)
    token = ApiTokenFactory(user=ReviewerFactory())
    response = requests.get(
        proxy.url("/api/v1/export/verdicts.ndjson"),
        headers={"Authorization": f"Token {token.key}"},
        verify=proxy.ca,
        timeout=60,
    )
    assert response.status_code == 200, response.text
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert sorted(r["verdict_id"] for r in rows) == sorted(v.pk for v in verdicts)
