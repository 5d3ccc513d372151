"""JamaClient edges found in review: token errors, whole-request timeouts, hand-built
requests, header case, relative URLs, the shared-client cache, fork and error chaining."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import jama_magic as jm
from jama_magic.auth import Authenticator
from jama_magic.client import JamaClient, client_for
from jama_magic.connection import Connection, make_connection
from jama_magic.errors import (
    InvalidURLError,
    JamaError,
    JamaProtocolError,
    JamaTimeoutError,
    JamaUsageError,
)
from jama_magic.request import JamaRequest
from jama_magic.sandbox import Sandbox
from jama_magic.secrets import Secret
from jama_magic.state import session


def _oauth(sandbox: Sandbox, **kw: object) -> Connection:
    return jm.connect(
        "oauth",
        url=sandbox.url,
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        **kw,  # type: ignore[arg-type]
    )


def test_dropped_token_request_is_a_jama_error(sandbox: Sandbox) -> None:
    """A connection dropped while fetching the OAuth token is a JamaError, not raw httpx."""
    conn = _oauth(sandbox)
    jm.settings.retries = 0
    sandbox.schedule_faults(["drop"], path_prefix="/oauth")
    try:
        with pytest.raises(JamaProtocolError, match="dropped"):
            jm.request("GET", "/projects", connection=conn)
    finally:
        sandbox.clear_faults()


def test_slow_token_endpoint_honours_the_timeout(sandbox: Sandbox) -> None:
    """The token request obeys the connection's timeout (not httpx's default 5 s)."""
    conn = _oauth(sandbox, timeout=0.3)
    jm.settings.retries = 0
    sandbox.schedule_faults(["slow:2"], path_prefix="/oauth")
    try:
        with pytest.raises(JamaTimeoutError, match=r"within 0\.3 s"):
            jm.request("GET", "/projects", connection=conn)
    finally:
        sandbox.clear_faults()


@pytest.fixture
def trickler() -> Iterator[str]:
    """A loopback server that sends its headers, then one body byte every 0.2 s."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 40\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            for _ in range(40):
                await writer.drain()
                writer.write(b" ")
                await asyncio.sleep(0.2)
        writer.close()

    async def start() -> asyncio.AbstractServer:
        return await asyncio.start_server(handle, "127.0.0.1", 0)

    server = session.io.run(start())
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.close()


def test_timeout_bounds_the_whole_request(trickler: str) -> None:
    """A server trickling its body cannot keep a 1 s request alive for 8 s."""
    jm.connect("slow", url=trickler, username="u", password="p", check=False)
    jm.settings.retries = 0
    with pytest.raises(JamaTimeoutError, match="within 1 s"):
        jm.request("GET", "/projects", timeout=1)


def test_timeout_error_carries_no_httpx_request(trickler: str) -> None:
    """The error has no __cause__/__context__ holding the request and its credentials."""
    jm.connect("slow", url=trickler, username="u", password="s3cr3t-pw", check=False)
    jm.settings.retries = 0
    with pytest.raises(JamaTimeoutError) as caught:
        jm.request("GET", "/projects", timeout=0.5)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


@pytest.mark.parametrize(
    "fields",
    [
        {"url": "/../../../oauth/token"},
        {"url": "//evil.example/x"},
        {"url": "/projects", "headers": (("authorization", "Basic ZXZpbDpldmls"),)},
    ],
    ids=["climbs-out", "other-host", "own-authorization"],
)
def test_hand_built_requests_obey_the_rules(
    sandbox: Sandbox, sandbox_conn: Connection, fields: dict[str, Any]
) -> None:
    """A JamaRequest made without build() is checked when made: refused, nothing is sent."""
    before = sandbox.stats.requests
    with pytest.raises(JamaUsageError):
        client_for(sandbox_conn).send(JamaRequest(**fields))
    assert sandbox.stats.requests == before


def test_body_none_means_no_body(sandbox_conn: Connection) -> None:
    """jm.request(..., body=None) (the SPEC's default) sends a GET without a body."""
    assert jm.request("GET", "/projects", body=None).ok


def test_user_header_replaces_ours_whatever_its_case(sandbox_conn: Connection) -> None:
    """-H content-type replaces our Content-Type instead of sending two."""
    req = JamaRequest.build(
        "PATCH", "/items/1", headers={"content-type": "application/json-patch+json"}, body=[]
    )
    sent = client_for(sandbox_conn).prepare(req).headers
    values = [v for k, v in sent if k.lower() == "content-type"]
    assert values == ["application/json-patch+json"]


@pytest.mark.parametrize(
    "base", ["https://jama.example.com:443", "http://jama.example.com:80/contour"]
)
def test_relative_url_survives_url_normalisation(base: str) -> None:
    """httpx drops default ports; the relative URL shown stays the one requested."""
    conn = make_connection("n", url=base, username="u", password="p")
    view = JamaClient(conn).prepare(JamaRequest.build("GET", "/projects?x=1"))
    assert view.relative_url == "/projects?x=1"


def test_client_for_gives_one_client_to_racing_threads(sandbox_conn: Connection) -> None:
    """Threads asking at once share one client, so one rate limiter per connection."""
    jm.connect("race", url="http://127.0.0.1:9", username="u", password="p", check=False)
    barrier = threading.Barrier(8)
    seen: list[JamaClient] = []

    def ask() -> None:
        barrier.wait()
        seen.append(client_for("race"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 1


def test_reconnect_and_disconnect_close_the_old_pool(sandbox_conn: Connection) -> None:
    """Replacing or removing a connection closes its client's connection pool."""
    old = client_for(sandbox_conn)
    old.request("GET", "/projects")
    http = old._http
    assert http is not None
    jm.connect(
        "sb",
        url=sandbox_conn.base_url,
        username="sandbox",
        password="x",
        read_only=True,
        check=False,
    )
    client_for("sb")
    jm.disconnect("sb")
    session.io.run(asyncio.sleep(0.05))  # the close runs on the I/O loop
    assert http.is_closed


def _child(url: str, user: str, password: str, out: multiprocessing.Queue[int]) -> None:
    jm.connect("fork", url=url, username=user, password=password)
    out.put(jm.request("GET", "/projects").status_code)


def test_requests_work_in_a_forked_child(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """After fork the child starts its own I/O loop instead of hanging on the parent's."""
    assert jm.request("GET", "/projects").ok  # the parent's loop and pool exist now
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[int] = ctx.Queue()
    proc = ctx.Process(target=_child, args=(sandbox.url, sandbox.username, sandbox.password, out))
    proc.start()
    proc.join(60)
    if proc.is_alive():
        proc.kill()
        pytest.fail("the forked child hung")
    assert out.get(timeout=5) == 200


def test_latency_is_the_exchange_not_the_token_fetch(sandbox: Sandbox) -> None:
    """A request's elapsed time, and the latency the pacer learns from it, is its own
    exchange: the slow token fetch that came first is not counted (it would make the
    first round trip look twice as long, and slow start twice as slow)."""
    conn = _oauth(sandbox)
    sandbox.schedule_faults(["slow:0.6"], path_prefix="/oauth")
    try:
        began = time.monotonic()
        resp = jm.request("GET", "/projects", connection=conn)
        waited = time.monotonic() - began
    finally:
        sandbox.clear_faults()
    learned = client_for(conn).pacer.control.latency
    assert resp.ok and waited >= 0.6  # the token fetch did take its time
    assert learned is not None
    assert resp.elapsed < 0.6 and learned < 0.6


def test_non_pem_ca_bundle_is_a_usage_error(tmp_path: Path) -> None:
    """A CA bundle that is not PEM is one clear error naming the file."""
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate")
    jm.connect(
        "tls",
        url="https://127.0.0.1:9",
        username="u",
        password="p",
        verify=str(bundle),
        check=False,
    )
    with pytest.raises(JamaUsageError, match="holds no usable certificate"):
        jm.request("GET", "/projects")


def test_only_the_refused_token_is_forgotten() -> None:
    """A 401 for an old token does not throw away the new one another page fetched."""
    conn = make_connection("o", url="http://j.example", client_id="c", client_secret="s")
    authn = Authenticator(conn)
    authn._token = Secret("new")
    authn.invalidate(Secret("Bearer old"))
    assert authn._token == Secret("new")
    authn.invalidate(Secret("Bearer new"))
    assert authn._token is None


def test_errors_stay_jama_errors() -> None:
    """The translated errors still belong to the one tree (no bare httpx leaks)."""
    assert issubclass(JamaTimeoutError, JamaError) and issubclass(InvalidURLError, JamaError)
