"""Credentials go only to the connection's host: redirects and TLS.

A redirect to another loopback port (another origin) must arrive without the
Authorization header; an https sandbox with a certificate from an unknown CA
is refused by default (nothing reaches the server), and works once the CA
bundle is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import jama_magic
from jama_magic.display import one_line
from jama_magic.errors import JamaConnectError, JamaError, JamaRequestError
from jama_magic.sandbox import Sandbox

from ._certs import CertFiles, make_certs
from ._oracles import basic_value
from ._servers import RecordingServer, Seen, TLSCounter

AREA = "TLS and redirects"

pytestmark = pytest.mark.usefixtures("fast_backoff")
PASSWORD = "redirect-pw-9Zq!"
TOKEN = "tok-redirect-8Hh2"


def leaked(seen: list[Seen], *values: str) -> list[str]:
    """Credential values found in the headers or bodies a server received."""
    found = []
    for request in seen:
        blob = " ".join(f"{k}: {v}" for k, v in request.headers.items()) + request.body.decode(
            "latin-1"
        )
        found += [v for v in values if v in blob]
        if any(k.lower() == "authorization" for k in request.headers):
            found.append("Authorization header")
    return found


@pytest.fixture
def target() -> Iterator[RecordingServer]:
    """Where the redirects point: a different port, so a different origin."""
    with RecordingServer() as server:
        yield server


REDIRECTS = [
    ("GET", 302),
    ("GET", 301),
    ("GET", 303),
    ("POST", 307),
    ("PUT", 308),
    ("DELETE", 302),
]


@pytest.mark.parametrize(("method", "status"), REDIRECTS, ids=[f"{m}-{s}" for m, s in REDIRECTS])
def test_redirect_to_other_host_drops_basic_auth(
    target: RecordingServer, ledger: Any, method: str, status: int
) -> None:
    """A redirect to another host arrives there without the Basic credentials."""
    location = f"{target.url}/rest/latest/projects"
    with RecordingServer(status=status, headers={"Location": location}) as redirector:
        jama_magic.connect(
            "r", url=redirector.url, username="alice", password=PASSWORD, check=False
        )
        body = {"x": 1} if method in ("POST", "PUT") else jama_magic.NO_BODY
        try:
            jama_magic.request(method, "/projects", body=body, raise_for_status=False)
        except JamaError as exc:  # refusing to follow is fine too
            assert "\n" not in one_line(exc)
        sent = redirector.seen
    found = leaked(target.seen, PASSWORD, basic_value("alice", PASSWORD))
    ledger.record(
        f"{status} redirect of {method} to another host (Basic)",
        cases=1,
        outcome=f"origin got auth: {bool(sent)}; other host got {len(target.seen)} "
        f"request(s), credentials there: {found or 'none'}",
        loss=len(found),
    )
    assert sent and "Authorization" in sent[0].headers  # the connection's own host: yes
    assert found == []


def test_redirect_to_other_host_drops_bearer_token(target: RecordingServer, ledger: Any) -> None:
    """With OAuth, neither the client secret nor the Bearer token follow a redirect."""
    location = f"{target.url}/rest/latest/projects"
    with RecordingServer(status=302, headers={"Location": location}, token=TOKEN) as redirector:
        jama_magic.connect(
            "o", url=redirector.url, client_id="cid", client_secret=PASSWORD, check=False
        )
        jama_magic.request("GET", "/projects", raise_for_status=False)
        bearer_sent = any(TOKEN in s.headers.get("Authorization", "") for s in redirector.seen)
    found = leaked(target.seen, TOKEN, PASSWORD, basic_value("cid", PASSWORD))
    ledger.record(
        "302 redirect to another host (OAuth Bearer)",
        cases=1,
        outcome=f"other host got {len(target.seen)} request(s), credentials there: "
        f"{found or 'none'}",
        loss=len(found),
    )
    assert bearer_sent and found == []


def test_redirected_token_request_drops_client_secret(target: RecordingServer, ledger: Any) -> None:
    """A 307 on the OAuth token endpoint does not carry the client id and secret to another host."""
    location = f"{target.url}/rest/oauth/token"
    with RecordingServer(status=307, headers={"Location": location}) as redirector:
        jama_magic.connect(
            "o2", url=redirector.url, client_id="cid", client_secret=PASSWORD, check=False
        )
        with pytest.raises(JamaError) as info:
            jama_magic.request("GET", "/projects")
    found = leaked(target.seen, PASSWORD, basic_value("cid", PASSWORD))
    ledger.record(
        "307 redirect of the OAuth token request",
        cases=1,
        outcome=f"other host got {len(target.seen)} request(s), credentials there: "
        f"{found or 'none'}; user sees: {one_line(info.value)}",
        loss=len(found),
    )
    assert found == []
    assert PASSWORD not in one_line(info.value)


# -- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> CertFiles:
    return make_certs(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def https_sandbox(make_sandbox: Callable[..., Sandbox], certs: CertFiles) -> Sandbox:
    sb = make_sandbox(items=60, ssl_certfile=str(certs.cert), ssl_keyfile=str(certs.key))
    assert sb.url.startswith("https://")
    return sb


def test_tls_verified_by_default(https_sandbox: Sandbox, ledger: Any) -> None:
    """An https server with a certificate from an unknown CA is refused before any request."""
    sb = https_sandbox
    with pytest.raises(JamaRequestError) as info:  # the connect check meets the certificate
        jama_magic.connect("tls", url=sb.url, username=sb.username, password=sb.password)
    assert "tls" not in jama_magic.registry.names()
    shown = one_line(info.value)
    reached = sb.stats.requests
    ledger.record(
        "https with an untrusted (self-signed CA) certificate, default settings",
        cases=1,
        outcome=f"refused, {reached} request(s) reached the server; user sees: {shown}",
        loss=reached,
    )
    assert isinstance(info.value, JamaConnectError)
    assert "certificate" in shown.lower() and "\n" not in shown
    assert reached == 0


def test_tls_error_says_how_to_fix(https_sandbox: Sandbox) -> None:
    """The untrusted-certificate error points to the CA bundle option, not to the network."""
    sb = https_sandbox
    jama_magic.connect("tls2", url=sb.url, username=sb.username, password=sb.password, check=False)
    with pytest.raises(JamaConnectError) as info:
        jama_magic.request("GET", "/projects")
    shown = one_line(info.value).lower()
    assert "ca-bundle" in shown or "ca bundle" in shown or "verify=" in shown, shown


def test_tls_failure_is_not_retried(certs: CertFiles, ledger: Any) -> None:
    """An untrusted certificate fails the same way every time: one attempt, no retries."""
    with TLSCounter(str(certs.cert), str(certs.key)) as server:
        jama_magic.connect("tlsc", url=server.url, username="alice", password=PASSWORD, check=False)
        with pytest.raises(JamaConnectError) as info:
            jama_magic.request("GET", "/projects")
        attempts = server.connections
    ledger.record(
        "untrusted certificate: attempts before the error",
        cases=attempts,
        outcome=f"{attempts} TLS handshake(s); user sees: {one_line(info.value)}",
        loss=0,
    )
    assert attempts == 1


def test_tls_custom_ca_bundle_works(https_sandbox: Sandbox, certs: CertFiles, ledger: Any) -> None:
    """verify=<CA bundle path> trusts the test CA: requests succeed over https."""
    sb = https_sandbox
    jama_magic.connect(
        "tlsca", url=sb.url, username=sb.username, password=sb.password, verify=str(certs.ca)
    )
    resp = jama_magic.request("GET", "/projects")
    ledger.record(
        "https with verify=<custom CA bundle>",
        cases=1,
        outcome=f"{resp.status_code} {resp.reason}, {resp.item_count} projects",
        loss=0,
    )
    assert resp.ok and resp.url.startswith("https://")
    assert "--cacert" in resp.to_curl()


def test_tls_trust_follows_a_changed_bundle_and_environment(
    https_sandbox: Sandbox, certs: CertFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TLS context is made once per trust setting, not per connection, yet a CA bundle
    rewritten on disk is read again, and so is a new ``SSL_CERT_FILE`` for verify=True."""
    sb = https_sandbox
    (tmp_path / "other").mkdir()
    other = make_certs(tmp_path / "other")  # a CA that did not sign the server's certificate
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(other.ca.read_bytes())
    creds = {"url": sb.url, "username": sb.username, "password": sb.password, "check": False}
    jama_magic.connect("wrongca", verify=str(bundle), **creds)
    with pytest.raises(JamaConnectError, match=r"(?i)certificate"):
        jama_magic.request("GET", "/projects", connection="wrongca")
    bundle.write_bytes(certs.ca.read_bytes() + b"\n")  # now the right CA (and another size)
    jama_magic.connect("rightca", verify=str(bundle), **creds)
    assert jama_magic.request("GET", "/projects", connection="rightca").ok
    jama_magic.connect("default1", **creds)
    with pytest.raises(JamaConnectError, match=r"(?i)certificate"):
        jama_magic.request("GET", "/projects", connection="default1")
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca))
    jama_magic.connect("default2", **creds)
    assert jama_magic.request("GET", "/projects", connection="default2").ok


def test_tls_ca_bundle_through_the_magic(
    https_sandbox: Sandbox, certs: CertFiles, ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """%jama connect --ca-bundle PATH works; without it the magic shows one line, no traceback."""
    from IPython.core.error import UsageError

    from ._shell import shell

    ip = shell()
    sb = https_sandbox
    monkeypatch.setenv("JAMA_TLSM_PASSWORD", sb.password)
    monkeypatch.setenv("JAMA_TLSN_PASSWORD", sb.password)
    with pytest.raises(UsageError) as info:  # the connect check meets the certificate
        ip.run_line_magic("jama", f"connect tlsn --url {sb.url} --username {sb.username}")
    ip.run_line_magic(
        "jama", f"connect tlsm --url {sb.url} --username {sb.username} --ca-bundle {certs.ca}"
    )
    resp = ip.run_line_magic("jama", "GET /projects -c tlsm")
    ledger.record(
        "magic: --ca-bundle vs default verification",
        cases=2,
        outcome=f"default: {info.value}; with --ca-bundle: {resp.status_code}",
        loss=0,
    )
    assert "certificate" in str(info.value).lower() and resp.ok


def test_insecure_is_explicit(https_sandbox: Sandbox) -> None:
    """verify=False is honoured (and shows as --insecure in the curl export)."""
    sb = https_sandbox
    jama_magic.connect(
        "tlsno", url=sb.url, username=sb.username, password=sb.password, verify=False
    )
    resp = jama_magic.request("GET", "/projects")
    assert resp.ok and "--insecure" in resp.to_curl()
