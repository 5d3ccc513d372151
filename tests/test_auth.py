"""Authentication: Basic headers, OAuth tokens fetched once, cached, renewed once after a 401."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest

import jama_magic as jm
from jama_magic import auth
from jama_magic.auth import Authenticator, basic_header
from jama_magic.connection import Connection, make_connection
from jama_magic.display import one_line
from jama_magic.errors import JamaProtocolError, SecretNotFoundError, UnauthorizedError
from jama_magic.sandbox import Sandbox
from jama_magic.secrets import Secret

TOKEN_ROUTE = "POST /oauth/token"


def _tokens(sb: Sandbox) -> int:
    return sb.stats.by_route[TOKEN_ROUTE]


def _oauth(sb: Sandbox, nick: str, secret: str | None = None) -> Connection:
    return jm.connect(
        nick,
        url=sb.url,
        client_id=sb.client_id,
        client_secret=secret or sb.client_secret,
        check=secret is None,  # a wrong secret is meant to fail on the first request
    )


def test_basic_header() -> None:
    """The Basic header is base64 of user:password."""
    header = basic_header("alice", Secret("pä:ss")).reveal()
    assert header.startswith("Basic ")
    assert base64.b64decode(header[6:]).decode() == "alice:pä:ss"


def test_oauth_token_fetched_once_and_cached(sandbox: Sandbox) -> None:
    """Several OAuth requests fetch one token from /rest/oauth/token and reuse it."""
    _oauth(sandbox, "oa-cache")
    before = _tokens(sandbox)
    for _ in range(3):
        assert jm.request("GET", "/users/current", connection="oa-cache").ok
    assert _tokens(sandbox) == before + 1


def test_oauth_concurrent_requests_share_one_token(sandbox: Sandbox) -> None:
    """Concurrent first requests still fetch only one token."""
    _oauth(sandbox, "oa-concurrent")
    before = _tokens(sandbox)

    async def many() -> None:
        await asyncio.gather(
            *(jm.arequest("GET", "/projects", connection="oa-concurrent") for _ in range(5))
        )

    asyncio.run(many())
    assert _tokens(sandbox) == before + 1


def test_oauth_token_renewed_once_after_401(sandbox: Sandbox) -> None:
    """An expired token (401) is renewed once and the request succeeds."""
    _oauth(sandbox, "oa-renew")
    assert jm.request("GET", "/projects", connection="oa-renew").ok
    tokens, gets = _tokens(sandbox), sandbox.stats.by_route["GET /projects"]
    sandbox.expire_tokens()
    resp = jm.request("GET", "/projects", connection="oa-renew")
    assert resp.ok
    assert _tokens(sandbox) == tokens + 1
    assert sandbox.stats.by_route["GET /projects"] == gets + 2  # the 401, then the retry


def test_oauth_wrong_secret_is_unauthorized(sandbox: Sandbox) -> None:
    """A wrong client secret gives UnauthorizedError from the token endpoint, secret not shown."""
    _oauth(sandbox, "oa-wrong", secret="not-the-secret")
    with pytest.raises(UnauthorizedError) as info:
        jm.request("GET", "/projects", connection="oa-wrong")
    assert "not-the-secret" not in str(info.value)
    assert "/rest/oauth/token" in str(info.value)
    assert info.value.message  # the token endpoint's own words
    assert "JAMA_OA_WRONG_CLIENT_SECRET" in one_line(info.value)


def test_oauth_secret_from_env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client secret is read from JAMA_<NICK>_CLIENT_SECRET when not given."""
    monkeypatch.setenv("JAMA_OA_ENV_CLIENT_SECRET", sandbox.client_secret)
    conn = jm.connect("oa-env", url=sandbox.url, client_id=sandbox.client_id)
    assert conn.client_secret == Secret(sandbox.client_secret)
    assert jm.request("GET", "/projects", connection="oa-env").ok


def test_missing_client_secret_names_env_var(sandbox: Sandbox) -> None:
    """Without a client secret anywhere, connect names JAMA_<NICK>_CLIENT_SECRET."""
    with pytest.raises(SecretNotFoundError, match="JAMA_OA_NONE_CLIENT_SECRET"):
        jm.connect("oa-none", url=sandbox.url, client_id=sandbox.client_id)


def test_saved_connection_uses_env_password(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A saved connection (no secret on disk) authenticates with the env password when used."""
    jm.connect(
        "saved", url=sandbox.url, username=sandbox.username, password=sandbox.password, save=True
    )
    jm.registry.clear()
    assert jm.registry.get("saved").password is None
    monkeypatch.setenv("JAMA_SAVED_PASSWORD", sandbox.password)
    assert jm.request("GET", "/projects", connection="saved").ok
    assert jm.registry.get("saved").password == Secret(sandbox.password)  # remembered


# pure token logic, over httpx.MockTransport


def _token_server(ttl: float, calls: list[int]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json={"access_token": f"tok{len(calls)}", "expires_in": ttl})

    return httpx.MockTransport(handler)


def _oauth_auth() -> Authenticator:
    conn = make_connection("m", url="https://j.example", client_id="id", client_secret="s")
    return Authenticator(conn)


def test_token_renewed_before_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A token is reused until 10 % (at most 60 s) of its lifetime remains, then renewed."""
    now = [1000.0]
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    calls: list[int] = []
    authn = _oauth_auth()

    async def header() -> str:
        async with httpx.AsyncClient(transport=_token_server(100, calls)) as http:
            return (await authn.header(http, timeout=5.0)).reveal()

    assert asyncio.run(header()) == "Bearer tok1"
    now[0] += 89
    assert asyncio.run(header()) == "Bearer tok1"
    now[0] += 2
    assert asyncio.run(header()) == "Bearer tok2"
    assert authn.tokens_fetched == 2


def test_token_response_without_token_is_protocol_error() -> None:
    """A 200 without access_token raises JamaProtocolError naming the host."""
    authn = _oauth_auth()

    async def header() -> str:
        transport = httpx.MockTransport(lambda r: httpx.Response(200, text="<html>login</html>"))
        async with httpx.AsyncClient(transport=transport) as http:
            return (await authn.header(http, timeout=5.0)).reveal()

    with pytest.raises(JamaProtocolError, match=r"j\.example answered 200 without a token"):
        asyncio.run(header())


def test_dry_run_shows_the_connections_auth_scheme(sandbox: Sandbox) -> None:
    """prepare() (--dry-run) shows 'Bearer ********' for OAuth and 'Basic ********' for Basic."""
    from jama_magic.client import client_for
    from jama_magic.request import JamaRequest

    _oauth(sandbox, "oa-dry")
    jm.connect("basic-dry", url=sandbox.url, username=sandbox.username, password=sandbox.password)
    req = JamaRequest.build("GET", "/projects")
    oauth_headers = dict(client_for("oa-dry").prepare(req).headers)
    basic_headers = dict(client_for("basic-dry").prepare(req).headers)
    assert basic_headers["authorization"] == "Basic ********"
    assert oauth_headers["authorization"] == "Bearer ********"
