"""Authentication headers: Basic, or OAuth client credentials with a cached token.

The only place a secret is revealed. Secrets are looked up (environment,
keyring, prompt) in the caller's thread before any I/O, so a prompt appears in
the notebook and never inside the I/O loop.

OAuth: ``POST {base}/rest/oauth/token`` with the client id and secret as Basic
auth and ``grant_type=client_credentials``; the token is cached and renewed
when less than 60 s (or 10 % of its lifetime) remain, and once after a 401.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from dataclasses import replace

import httpx

from .connection import Connection
from .errors import JamaProtocolError, UnauthorizedError
from .response import JamaResponse, RequestView
from .secrets import Secret, lookup_secret

__all__ = ["Authenticator", "Remember", "basic_header"]

Remember = Callable[[Connection], None]  # keeps a secret found later (the session's registry)

RENEW_MARGIN = 60.0
clock = time.monotonic  # module-level so tests can move time for this module only


def basic_header(user: str, secret: Secret) -> str:
    raw = f"{user}:{secret.reveal()}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


class Authenticator:
    """Builds the ``Authorization`` header of one connection."""

    def __init__(self, connection: Connection, *, remember: Remember | None = None) -> None:
        self.connection = connection
        self._remember = remember
        self._token: Secret | None = None
        self._expires = 0.0
        self._lock: asyncio.Lock | None = None
        self.tokens_fetched = 0

    def ensure_secret(self) -> Connection:
        """Find missing secrets now (may prompt); remember them for the session."""
        conn = self.connection
        if conn.auth_kind == "basic" and conn.password is None:
            conn = replace(conn, password=lookup_secret(conn.nickname))
        if conn.auth_kind == "oauth" and conn.client_secret is None:
            conn = replace(conn, client_secret=lookup_secret(conn.nickname, kind="CLIENT_SECRET"))
        if conn is not self.connection:
            self.connection = conn
            if self._remember is not None:
                self._remember(conn)
        return conn

    async def header(self, http: httpx.AsyncClient, *, timeout: float) -> str:
        conn = self.connection
        if conn.auth_kind == "basic":
            assert conn.password is not None, "ensure_secret() first"
            return basic_header(conn.username or "", conn.password)
        return "Bearer " + (await self._bearer(http, timeout)).reveal()

    def invalidate(self, used: str | None = None) -> None:
        """Forget the cached token after a 401 (only if it is the one that was refused).

        Pages in flight all meet the 401 of an expired token; only the first should make
        the next request fetch a new one, not throw away the token another page just got.
        """
        if used is None or (self._token is not None and "Bearer " + self._token.reveal() == used):
            self._token = None

    async def _bearer(self, http: httpx.AsyncClient, timeout: float) -> Secret:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._token is None or clock() >= self._expires:
                await self._fetch_token(http, timeout)
            assert self._token is not None
            return self._token

    async def _fetch_token(self, http: httpx.AsyncClient, timeout: float) -> None:
        conn = self.connection
        assert conn.client_secret is not None, "ensure_secret() first"
        resp = await http.post(
            f"{conn.base_url}/rest/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": basic_header(conn.client_id or "", conn.client_secret)},
            timeout=timeout,
        )
        token, ttl = _parse_token(conn, resp)
        self._token = Secret(token)
        self._expires = clock() + ttl - min(RENEW_MARGIN, ttl * 0.1)
        self.tokens_fetched += 1


def _parse_token(conn: Connection, resp: httpx.Response) -> tuple[str, float]:
    if resp.status_code in (400, 401, 403):
        view = RequestView(
            method="POST",
            url=f"{conn.base_url}/rest/oauth/token",
            relative_url="/rest/oauth/token",
            headers=(),
            body=None,
            nickname=conn.nickname,
            auth_kind="oauth",
            client_id=conn.client_id,
        )
        refused = JamaResponse.from_httpx(resp, view, elapsed=0.0)
        raise UnauthorizedError(refused)
    try:
        payload = resp.json()
        return str(payload["access_token"]), float(payload.get("expires_in", 3599))
    except (ValueError, KeyError, TypeError) as exc:
        raise JamaProtocolError(
            f"the OAuth token endpoint of {conn.host} answered {resp.status_code} without a token",
            method="POST",
            host=conn.host,
        ) from exc
