"""Basic and Bearer authentication, and the OAuth client-credentials token
endpoint (``POST /rest/oauth/token``) with Jama's 2024 response shape.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from jama_magic.sandbox.responses import error_response


@dataclass(frozen=True)
class Credentials:
    """Who may call the sandbox. Secrets are never put in a repr."""

    username: str
    password: str
    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, client_id={self.client_id!r}, ***)"


def _basic_pair(header: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode()
    except (IndexError, binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def _same(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode(), expected.encode())


class Authenticator:
    """Checks Authorization headers and issues bearer tokens."""

    def __init__(self, credentials: Credentials, token_ttl: int) -> None:
        self.credentials = credentials
        self.token_ttl = token_ttl
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def problem(self, header: str | None) -> str | None:
        """None when the header authenticates, else the 401 message."""
        if not header:
            return "Authentication required: send HTTP Basic credentials or an OAuth bearer token."
        scheme = header.split(" ", 1)[0].lower()
        if scheme == "basic":
            pair = _basic_pair(header)
            creds = self.credentials
            if pair and _same(pair[0], creds.username) and _same(pair[1], creds.password):
                return None
            return "Invalid username or password."
        if scheme == "bearer":
            token = header.split(" ", 1)[1].strip() if " " in header else ""
            if self._valid(token):
                return None
            return "Invalid or expired access token; fetch a new one from /rest/oauth/token."
        return f"Unsupported authorization scheme {scheme!r}; use Basic or Bearer."

    def _valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and time.monotonic() < expiry

    def issue(self) -> str:
        """A new access token valid for ``token_ttl`` seconds."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
        return token

    def expire_all(self) -> None:
        """Every token issued so far is rejected from now on."""
        with self._lock:
            self._tokens.clear()

    async def token_endpoint(self, request: Request) -> Response:
        """``POST /rest/oauth/token``: client credentials via Basic auth or form fields."""
        if request.method != "POST":
            return error_response(405, "Use POST to request a token.")
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        if form.get("grant_type", [""])[0] != "client_credentials":
            return _oauth_error(
                400, "unsupported_grant_type", "grant_type must be client_credentials"
            )
        if not self._client_ok(request.headers.get("authorization"), form):
            return _oauth_error(401, "invalid_client", "Bad client credentials")
        return JSONResponse(
            {"access_token": self.issue(), "token_type": "Bearer", "expires_in": self.token_ttl},
            headers={"Cache-Control": "no-store"},
        )

    def _client_ok(self, header: str | None, form: dict[str, list[str]]) -> bool:
        pair = _basic_pair(header) if header and header.lower().startswith("basic ") else None
        if pair is None:
            pair = (form.get("client_id", [""])[0], form.get("client_secret", [""])[0])
        creds = self.credentials
        return _same(pair[0], creds.client_id) and _same(pair[1], creds.client_secret)


def _oauth_error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)
