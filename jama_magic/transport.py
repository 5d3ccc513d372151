"""httpx glue for ``client.py``: TLS options, masking, bounded bodies, httpx errors translated.

Every httpx exception is translated here, once, into a one-line
``JamaRequestError`` naming the host and the request (never a credential).
"""

from __future__ import annotations

import asyncio
import functools
import os
import ssl
import tempfile
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx

from .connection import Connection
from .errors import (
    InvalidURLError,
    JamaConnectError,
    JamaProtocolError,
    JamaRequestError,
    JamaTimeoutError,
    JamaTLSError,
    JamaUsageError,
)
from .request import NO_BODY, JamaRequest, encode_body
from .response import Paging, RequestView
from .retry import tls_failure
from .safetext import clean_line
from .secrets import MASK

__all__ = [
    "BodyTooLarge",
    "build_http_request",
    "is_binary",
    "mask_auth",
    "no_cookies",
    "read_body",
    "request_view",
    "translate_error",
    "verify_option",
]


def build_http_request(
    conn: Connection, req: JamaRequest, timeout: float, user_agent: str
) -> httpx.Request:
    """The request with a masked Authorization (``HeaderAuth`` fills it in as it is sent)."""
    body = encode_body(req.body)
    # set here, not as client defaults: httpx only merges those in build_request()
    headers = httpx.Headers({"User-Agent": user_agent, "Accept": "application/json"})
    headers["Authorization"] = f"{'Bearer' if conn.auth_kind == 'oauth' else 'Basic'} {MASK}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    for name, value in req.headers:  # case-insensitive: the user's value replaces ours
        headers[name] = value
    try:
        return httpx.Request(
            req.method,
            conn.api_root + req.url,
            params=list(req.query),
            headers=headers,
            content=body,
            extensions={"timeout": httpx.Timeout(timeout).as_dict()},
        )
    except httpx.InvalidURL as exc:
        raise InvalidURLError(f"httpx refused the URL of {req.method} {req.url}: {exc}") from None


def request_view(
    conn: Connection, req: JamaRequest, request: httpx.Request, *, paging: Paging | None = None
) -> RequestView:
    """What ``request`` sends, secret masked (for display, errors and code export)."""
    masked = tuple(
        (k, mask_auth(v) if k.lower() == "authorization" else v) for k, v in request.headers.items()
    )
    query = f"?{request.url.query.decode()}" if request.url.query else ""
    return RequestView(
        method=req.method,
        url=str(request.url),
        relative_url=req.url + query,
        headers=masked,
        body=None if req.body is NO_BODY else req.body,
        body_bytes=request.content or None,
        nickname=conn.nickname,
        auth_kind=conn.auth_kind,
        username=conn.username,
        client_id=conn.client_id,
        base_url=conn.base_url,
        verify=conn.verify,
        paging=paging,
    )


def mask_auth(value: str) -> str:
    scheme = value.split(" ", 1)[0]
    return f"{scheme} {MASK}"


def verify_option(verify: bool | str) -> bool | ssl.SSLContext:
    """What httpx's ``verify`` gets: ``False``, or a TLS context made once per process for
    each trust setting (reading a CA bundle takes tens of milliseconds, and every new
    connection's client would otherwise pay it again). A bundle that changes on disk, or
    a change of ``SSL_CERT_FILE``/``SSL_CERT_DIR``, makes a new context."""
    if verify is False:
        return False
    if verify is True:
        return _default_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    if not os.path.isfile(verify):
        raise JamaUsageError(f"CA bundle {verify!r} not found: give the path of a PEM file")
    seen = os.stat(verify)
    try:
        return _bundle_context(os.path.abspath(verify), seen.st_mtime_ns, seen.st_size)
    except ssl.SSLError as exc:
        raise JamaUsageError(
            f"CA bundle {verify!r} holds no usable certificate: give a PEM file"
        ) from exc


@functools.lru_cache(maxsize=4)
def _default_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """httpx's own default (certifi, or the environment's bundle); the arguments are the
    environment it reads, so that a change of it is a new cache entry."""
    return httpx.create_ssl_context()


@functools.lru_cache(maxsize=8)
def _bundle_context(path: str, mtime_ns: int, size: int) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=path)


def no_cookies() -> CookieJar:
    """A cookie jar that keeps nothing.

    Every request carries its own Authorization, so no session cookie is needed; a kept
    one would follow a redirect to another origin (cookies ignore the port) with the
    session it names, where httpx drops only the Authorization header.
    """
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def translate_error(
    exc: httpx.HTTPError | asyncio.TimeoutError, req: JamaRequest, conn: Connection, timeout: float
) -> JamaRequestError:
    error = _translate(exc, req, conn, timeout)
    if req.method != "GET" and _maybe_sent(exc):
        error.maybe_applied = True
        error.args = (
            f"{error}; the {req.method} may have been applied all the same: check with a GET "
            "before sending it again",
        )
    return error


def _maybe_sent(exc: BaseException) -> bool:
    """Whether the request may have reached the server (it had connected, or may have)."""
    not_sent = httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
    return not isinstance(exc, not_sent) and not tls_failure(exc)


def _translate(
    exc: httpx.HTTPError | asyncio.TimeoutError, req: JamaRequest, conn: Connection, timeout: float
) -> JamaRequestError:
    where = dict(method=req.method, url=req.url, host=conn.host)
    what = f"{req.method} {req.url}"
    if isinstance(exc, httpx.TimeoutException | asyncio.TimeoutError):
        return JamaTimeoutError(f"{conn.host} did not answer {what} within {timeout:g} s", **where)
    if tls_failure(exc):
        return JamaTLSError(
            f"the TLS certificate of {conn.host} could not be verified ({_reason(exc)}): give"
            " your CA bundle with verify='/path/to/ca-bundle.pem' when connecting",
            **where,
        )
    if isinstance(exc, httpx.ConnectError):
        return JamaConnectError(f"cannot connect to {conn.host} ({_reason(exc)})", **where)
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return JamaProtocolError(
            f"the connection to {conn.host} dropped during {what} ({_reason(exc)})", **where
        )
    return JamaRequestError(f"{what} to {conn.host} failed: {_reason(exc)}", **where)


def _reason(exc: BaseException) -> str:
    # httpx quotes what the server sent (a Location, a status line): shown only as a clean line
    return clean_line(exc, 160) or type(exc).__name__


class BodyTooLarge(Exception):
    """A JSON or text reply over ``max_body_mb`` (raised before it is parsed)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


async def read_body(resp: httpx.Response, limit: int) -> bytes | Path:
    """The body of a streamed reply: bytes, or for a binary one over ``limit`` a temp file.

    JSON and text over ``limit`` bytes raise ``BodyTooLarge`` (before reading all of it
    when Content-Length says so); a binary body never stays in memory beyond ``limit``.
    """
    binary = is_binary(resp.headers.get("content-type", ""))
    declared = _declared_length(resp)
    if not binary and declared is not None and declared > limit:
        raise BodyTooLarge(declared)
    held, spill = bytearray(), None
    try:
        async for chunk in resp.aiter_bytes():
            if spill is None and len(held) + len(chunk) > limit:
                if not binary:
                    raise BodyTooLarge(max(declared or 0, len(held) + len(chunk)))
                # outlives this function: the response's body is then this file
                spill = tempfile.NamedTemporaryFile(  # noqa: SIM115
                    prefix="jama-body-", suffix=".bin", delete=False
                )
                spill.write(held)
                held = bytearray()
            if spill is not None:
                spill.write(chunk)
            else:
                held += chunk
    except BaseException:
        if spill is not None:
            spill.close()
            os.unlink(spill.name)
        raise
    if spill is None:
        return bytes(held)
    spill.close()
    return Path(spill.name)


def is_binary(content_type: str) -> bool:
    """Whether a reply of this content type is binary (an attachment, an image)."""
    kind = content_type.split(";")[0].strip().lower()
    textual = kind.startswith("text/") or kind.endswith(("json", "xml", "html", "javascript"))
    return bool(kind) and not textual


def _declared_length(resp: httpx.Response) -> int | None:
    value = resp.headers.get("content-length", "").strip()
    return int(value) if value.isascii() and value.isdigit() else None
