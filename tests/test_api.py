"""jm.request / jm.arequest over loopback against the real sandbox."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

import jama_magic as jm
from jama_magic.connection import Connection
from jama_magic.errors import (
    BadRequestError,
    BodyError,
    InvalidURLError,
    JamaConnectError,
    JamaTimeoutError,
    NotFoundError,
    ReadOnlyError,
    UnknownConnectionError,
)
from jama_magic.response import JamaResponse
from jama_magic.sandbox import Sandbox

NEW_ITEM = {
    "project": 20,
    "itemType": 33,
    "location": {"parent": {"project": 20}},
    "fields": {"name": "Made by test_api"},
}


def _requests(sb: Sandbox) -> int:
    return sb.stats.requests


def test_get_list(sandbox_conn: Connection) -> None:
    """GET a list page: 200, a list in data, page info and the full URL without credentials."""
    resp = jm.request("GET", "/items", query={"project": 20, "maxResults": 5})
    assert resp.status_code == 200 and resp.ok
    assert isinstance(resp.data, list) and len(resp.data) == 5
    assert resp.page_info is not None and resp.page_info.result_count == 5
    assert resp.page_info.total_results > 5
    assert resp.url == f"{sandbox_conn.api_root}/items?project=20&maxResults=5"
    assert "@" not in resp.url
    assert resp.pages == 1
    assert resp.elapsed > 0 and resp.size > 0


def test_get_single(sandbox_conn: Connection) -> None:
    """GET one project: data is the object."""
    resp = jm.request("GET", "/projects/20")
    assert resp.data["id"] == 20
    assert resp.page_info is None
    assert resp.headers["Content-Type"].startswith("application/json")


def test_repeated_query_keys_reach_the_server(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """A list value repeats the key on the wire (include=a&include=b)."""
    resp = jm.request("GET", "/items/1001", query={"include": ["data.createdBy", "data.itemType"]})
    assert "include=data.createdBy&include=data.itemType" in resp.url
    assert sandbox.stats.by_path["GET /items/1001"] >= 1
    assert "users" in resp.linked and "itemtypes" in resp.linked


def test_post_put_patch_delete(sandbox_conn: Connection) -> None:
    """POST creates (201, created_id), PUT and PATCH update (200), DELETE removes."""
    created = jm.request("POST", "/items", body=NEW_ITEM)
    assert created.status_code == 201
    new_id = created.created_id
    assert isinstance(new_id, int)
    assert created.location is not None and created.location.endswith(f"/items/{new_id}")

    put = {"project": 20, "itemType": 33, "fields": {"name": "Replaced"}}
    assert jm.request("PUT", f"/items/{new_id}", body=put).status_code == 200
    assert jm.request("GET", f"/items/{new_id}").data["fields"]["name"] == "Replaced"

    patch = [{"op": "replace", "path": "/fields/name", "value": "Patched ünïcode"}]
    assert jm.request("PATCH", f"/items/{new_id}", body=patch).status_code == 200
    assert jm.request("GET", f"/items/{new_id}").data["fields"]["name"] == "Patched ünïcode"

    assert jm.request("DELETE", f"/items/{new_id}").ok
    with pytest.raises(NotFoundError):
        jm.request("GET", f"/items/{new_id}")


def test_404_carries_jama_message(sandbox_conn: Connection) -> None:
    """A 404 raises NotFoundError with Jama's meta.message and the response."""
    with pytest.raises(NotFoundError) as info:
        jm.request("GET", "/items/99999999")
    exc = info.value
    assert exc.status_code == 404
    assert exc.message is not None and "99999999" in exc.message
    assert exc.message.rstrip(".") in str(exc)  # the line drops its final period
    assert isinstance(exc.response, JamaResponse) and exc.response.status_code == 404


def test_400_carries_jama_message(sandbox_conn: Connection) -> None:
    """A 400 raises BadRequestError with Jama's message about what was wrong."""
    with pytest.raises(BadRequestError) as info:
        jm.request("POST", "/items", body={"project": 20})
    assert info.value.message is not None and "itemType" in info.value.message


def test_raise_for_status_false_returns_error_response(sandbox_conn: Connection) -> None:
    """raise_for_status=False returns the 404 response instead of raising."""
    resp = jm.request("GET", "/items/99999999", raise_for_status=False)
    assert resp.status_code == 404 and not resp.ok
    assert resp.message is not None


def test_body_on_get_refused_before_sending(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """A body on GET is refused and nothing reaches the server."""
    before = _requests(sandbox)
    with pytest.raises(BodyError, match="GET request takes no body"):
        jm.request("GET", "/items", body={"project": 20})
    assert _requests(sandbox) == before


def test_bad_url_refused_before_sending(sandbox: Sandbox, sandbox_conn: Connection) -> None:
    """An absolute URL is refused and nothing reaches any server."""
    before = _requests(sandbox)
    with pytest.raises(InvalidURLError):
        jm.request("GET", f"{sandbox.url}/rest/latest/projects")
    assert _requests(sandbox) == before


def test_read_only_refuses_writes(sandbox: Sandbox) -> None:
    """A read-only connection refuses writes before sending but still reads."""
    jm.connect(
        "ro", url=sandbox.url, username=sandbox.username, password=sandbox.password, read_only=True
    )
    before = _requests(sandbox)
    with pytest.raises(ReadOnlyError, match="read-only"):
        jm.request("POST", "/items", body=NEW_ITEM, connection="ro")
    assert _requests(sandbox) == before
    assert jm.request("GET", "/projects", connection="ro").ok


def test_unknown_connection_lists_known(sandbox_conn: Connection) -> None:
    """connection= with an unknown nickname lists the known ones."""
    with pytest.raises(UnknownConnectionError, match="known: sb"):
        jm.request("GET", "/projects", connection="nope")


def test_api_version_v1(sandbox: Sandbox) -> None:
    """api_version='v1' sends to /rest/v1."""
    jm.connect(
        "v1",
        url=sandbox.url,
        username=sandbox.username,
        password=sandbox.password,
        api_version="v1",
    )
    resp = jm.request("GET", "/projects/20", connection="v1")
    assert "/rest/v1/projects/20" in resp.url and resp.ok


def test_wrong_password_is_unauthorized(sandbox: Sandbox) -> None:
    """A wrong password gives a 401 UnauthorizedError with a hint about the password."""
    jm.connect("bad", url=sandbox.url, username=sandbox.username, password="wrong", check=False)
    with pytest.raises(jm.JamaHTTPError) as info:
        jm.request("GET", "/projects", connection="bad")
    assert info.value.status_code == 401
    from jama_magic.display import one_line

    assert "username and password" in one_line(info.value)


def test_arequest_with_asyncio_run(sandbox_conn: Connection) -> None:
    """asyncio.run(jm.arequest(...)) returns a JamaResponse."""
    resp = asyncio.run(jm.arequest("GET", "/projects/20"))
    assert resp.data["id"] == 20


def test_arequest_concurrently(sandbox_conn: Connection) -> None:
    """Several arequests gathered in one loop all complete."""

    async def many() -> list[JamaResponse]:
        return await asyncio.gather(*(jm.arequest("GET", f"/projects/{p}") for p in (20, 21, 22)))

    assert [r.data["id"] for r in asyncio.run(many())] == [20, 21, 22]


def test_sync_request_inside_running_loop(sandbox_conn: Connection) -> None:
    """jm.request works from code running inside an event loop (as in a Jupyter cell)."""

    async def cell() -> JamaResponse:
        return jm.request("GET", "/projects/20")

    assert asyncio.run(cell()).data["id"] == 20


def test_arequest_errors_raise(sandbox_conn: Connection) -> None:
    """arequest raises the same error classes as request."""
    with pytest.raises(NotFoundError):
        asyncio.run(jm.arequest("GET", "/items/99999999"))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_network_error_names_host() -> None:
    """A refused connection raises JamaConnectError naming the host and a hint."""
    jm.settings.retries = 0
    port = _closed_port()
    jm.connect("down", url=f"http://127.0.0.1:{port}", username="u", password="p", check=False)
    with pytest.raises(JamaConnectError) as info:
        jm.request("GET", "/projects")
    assert f"127.0.0.1:{port}" in str(info.value)
    assert info.value.host == f"127.0.0.1:{port}"
    assert "\n" not in str(info.value)
    assert "network" in jm.display.one_line(info.value)


@pytest.fixture
def slow_sandbox() -> Iterator[Sandbox]:
    """A separate sandbox that answers after 3 s."""
    with Sandbox(latency=3.0) as sb:
        yield sb


def test_timeouts_always_set_and_in_order(slow_sandbox: Sandbox) -> None:
    """The request timeout wins over the connection's, which wins over the setting."""
    jm.settings.retries = 0
    jm.settings.timeout = 0.2
    sb = slow_sandbox
    jm.connect("slow", url=sb.url, username=sb.username, password=sb.password, check=False)
    jm.connect(
        "slow2", url=sb.url, username=sb.username, password=sb.password, timeout=0.3, check=False
    )
    with pytest.raises(JamaTimeoutError, match=r"within 0\.2 s"):
        jm.request("GET", "/projects", connection="slow")
    with pytest.raises(JamaTimeoutError, match=r"within 0\.3 s"):
        jm.request("GET", "/projects", connection="slow2")
    with pytest.raises(JamaTimeoutError, match=r"within 0\.25 s") as info:
        jm.request("GET", "/projects", connection="slow2", timeout=0.25)
    assert sb.url.split("//")[1] in str(info.value)


class _Recorder(BaseHTTPRequestHandler):
    """Answers every GET with an empty envelope and records its path and headers."""

    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        body = b'{"meta": {"status": "OK"}, "data": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[list[tuple[str, dict[str, str]]]]:
    """A tiny loopback server (connection "rec") that records what it receives."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    jm.connect(
        "rec", url=f"http://127.0.0.1:{server.server_port}", username="u", password="p", check=False
    )
    yield _Recorder.seen
    server.shutdown()
    server.server_close()


def test_plus_and_repeated_keys_on_the_wire(recorder: list[tuple[str, dict[str, str]]]) -> None:
    """A typed '+' arrives as %2B (not a space); repeated keys arrive in order."""
    jm.request(
        "GET",
        "/activities?date=2016-11-28T23:22:15.999+0000&include=a",
        query={"include": ["b"], "q": "x y"},
    )
    ((path, _),) = recorder
    assert path == (
        "/rest/latest/activities?date=2016-11-28T23%3A22%3A15.999%2B0000&include=a&include=b&q=x+y"
    )


def test_default_headers_sent(recorder: list[tuple[str, dict[str, str]]]) -> None:
    """Every request carries Accept: application/json and the jama-magic User-Agent."""
    jm.request("GET", "/projects", headers={"X-Extra": "1"})
    ((_, headers),) = recorder
    assert headers["x-extra"] == "1"
    assert headers["authorization"].startswith("Basic ")
    assert headers["accept"] == "application/json"
    assert headers["user-agent"].startswith("jama-magic/")


def test_start_sandbox_registers_and_reuses() -> None:
    """start_sandbox registers connection 'sandbox' as the default and reuses the running one."""
    try:
        sb, conn = jm.start_sandbox()
        again, _ = jm.start_sandbox()
        assert again is sb
        assert jm.registry.default_name == "sandbox"
        assert conn.base_url == sb.url
        assert jm.request("GET", "/projects/20").data["id"] == 20
    finally:
        jm.stop_sandbox()
    assert "sandbox" not in jm.registry.names()
