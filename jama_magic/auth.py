"""Authentication headers: Basic, or OAuth client credentials with a cached token.

The only place a secret is revealed, and only as the request is written:
header values are ``Secret`` objects until ``HeaderAuth`` puts them on the
wire, so no traceback frame (``%xmode Verbose`` prints locals) holds one in
plain text. Secrets are looked up (environment, keyring, prompt) in the
caller's thread before any I/O, so a prompt appears in the notebook and never
inside the I/O loop.

OAuth: ``POST {base}/rest/oauth/token`` with the client id and secret as Basic
auth and ``grant_type=client_credentials``; the token is cached and renewed
when less than 60 s (or 10 % of its lifetime) remain, and once after a 401.
"""

from __future__ import annotations

import asyncio
import base64
import math
import time
from collections.abc import Callable, Generator
from dataclasses import replace

import httpx

from .connection import Connection
from .errors import JamaProtocolError, SecretNotFoundError, UnauthorizedError
from .response import JamaResponse, RequestView
from .secrets import MASK, Secret, lookup_secret

__all__ = ["Authenticator", "HeaderAuth", "Remember", "basic_header"]

Remember = Callable[[Connection], None]  # keeps a secret found later (the session's registry)

RENEW_MARGIN = 60.0
clock = time.monotonic  # module-level so tests can move time for this module only


def basic_header(user: str, secret: Secret) -> Secret:
    """The ``Authorization`` value for Basic auth, kept secret (one expression: no plain local)."""
    return Secret("Basic " + base64.b64encode(f"{user}:{secret.reveal()}".encode()).decode())


class HeaderAuth(httpx.Auth):
    """Writes a secret ``Authorization`` value into the request only while it is sent."""

    def __init__(self, header: Secret) -> None:
        self._header = header

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        scheme = self._header.reveal().split(" ", 1)[0]
        request.headers["Authorization"] = self._header.reveal()
        try:
            yield request
        finally:  # afterwards the request (kept by errors and responses) shows a mask
            request.headers["Authorization"] = f"{scheme} {MASK}"

    def __repr__(self) -> str:
        return f"HeaderAuth({MASK})"


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
        for secret in (conn.password, conn.client_secret):
            if secret is not None and not secret.encodable():
                raise SecretNotFoundError(
                    f"the secret of connection '{conn.nickname}' is not valid UTF-8 text "
                    "(undecodable bytes): give it again"
                )
        if conn is not self.connection:
            self.connection = conn
            if self._remember is not None:
                self._remember(conn)
        return conn

    async def header(self, http: httpx.AsyncClient, *, timeout: float) -> Secret:
        """The ``Authorization`` value to send (fetching an OAuth token when needed)."""
        conn = self.connection
        if conn.auth_kind == "basic":
            assert conn.password is not None, "ensure_secret() first"
            return basic_header(conn.username or "", conn.password)
        return Secret("Bearer " + (await self._bearer(http, timeout)).reveal())

    def invalidate(self, used: Secret | None = None) -> None:
        """Forget the cached token after a 401 (only if it is the one that was refused).

        Pages in flight all meet the 401 of an expired token; only the first should make
        the next request fetch a new one, not throw away the token another page just got.
        """
        if used is None or (
            self._token is not None and Secret("Bearer " + self._token.reveal()) == used
        ):
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
            auth=HeaderAuth(basic_header(conn.client_id or "", conn.client_secret)),
            timeout=timeout,
        )
        self._token, ttl = _parse_token(conn, resp)
        self._expires = clock() + ttl - min(RENEW_MARGIN, ttl * 0.1)
        self.tokens_fetched += 1


def _parse_token(conn: Connection, resp: httpx.Response) -> tuple[Secret, float]:
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
    found = _read_token(resp)
    if found is None:  # raised here, not in an except block: no frame with the reply rides along
        raise JamaProtocolError(
            f"the OAuth token endpoint of {conn.host} answered {resp.status_code} without a "
            "token (expected access_token text and expires_in seconds)",
            method="POST",
            host=conn.host,
        )
    return found


def _read_token(resp: httpx.Response) -> tuple[Secret, float] | None:
    """The token, a ``Secret`` from the start (no plain local), and its lifetime; or None."""
    try:
        return Secret(resp.json()["access_token"]), _lifetime(resp.json().get("expires_in"))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _lifetime(value: object) -> float:
    if value is None:
        return 3599.0
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError("expires_in must be a number")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError("expires_in must be a positive number of seconds")
    return seconds
