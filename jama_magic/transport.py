"""httpx glue for ``client.py``: TLS options, masking, and httpx errors as ``jama_magic`` errors.

Every httpx exception is translated here, once, into a one-line
``JamaRequestError`` naming the host and the request (never a credential).
"""

from __future__ import annotations

import asyncio
import os
import ssl

import httpx

from .connection import Connection
from .errors import (
    JamaConnectError,
    JamaProtocolError,
    JamaRequestError,
    JamaTimeoutError,
    JamaTLSError,
    JamaUsageError,
)
from .request import JamaRequest
from .retry import tls_failure
from .secrets import MASK

__all__ = ["mask_auth", "translate_error", "verify_option"]


def mask_auth(value: str) -> str:
    scheme = value.split(" ", 1)[0]
    return f"{scheme} {MASK}"


def verify_option(verify: bool | str) -> bool | ssl.SSLContext:
    if isinstance(verify, bool):
        return verify
    if not os.path.isfile(verify):
        raise JamaUsageError(f"CA bundle {verify!r} not found: give the path of a PEM file")
    try:
        return ssl.create_default_context(cafile=verify)
    except ssl.SSLError as exc:
        raise JamaUsageError(
            f"CA bundle {verify!r} holds no usable certificate: give a PEM file"
        ) from exc


def translate_error(
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
    text = " ".join(str(exc).split())
    return text[:160] or type(exc).__name__
