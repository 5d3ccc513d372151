"""The plain Python API: ``connect``, ``request``, ``arequest``, ``start_sandbox``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .auth import Authenticator
from .client import client_for
from .config import forget_connection, save_connection
from .connections import Connection, make_connection
from .errors import JamaUsageError
from .request import NO_BODY
from .response import JamaResponse
from .secrets import Secret
from .state import session

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = [
    "arequest",
    "connect",
    "disconnect",
    "request",
    "running_sandbox",
    "start_sandbox",
    "stop_sandbox",
]


def connect(
    nickname: str,
    *,
    subdomain: str | None = None,
    url: str | None = None,
    username: str | None = None,
    password: str | Secret | None = None,
    client_id: str | None = None,
    client_secret: str | Secret | None = None,
    api_version: str = "latest",
    verify: bool | str = True,
    timeout: float | None = None,
    rate_limit: float | None = None,
    read_only: bool = False,
    confirm_writes: bool = False,
    save: bool = False,
    default: bool = False,
) -> Connection:
    """Register a connection (the first one becomes the default).

    A missing password (client secret for OAuth) is looked up now: environment
    ``JAMA_<NICKNAME>_PASSWORD``, then the keyring, then a prompt.
    """
    conn = make_connection(
        nickname,
        subdomain=subdomain,
        url=url,
        username=username,
        password=password,
        client_id=client_id,
        client_secret=client_secret,
        api_version=api_version,
        verify=verify,
        timeout=timeout,
        rate_limit=rate_limit,
        read_only=read_only,
        confirm_writes=confirm_writes,
    )
    conn = Authenticator(conn).ensure_secret()  # now, so a prompt comes at connect time
    session.registry.add(conn, default=default)
    if save:
        save_connection(conn)
    return conn


def disconnect(nickname: str, *, forget: bool = False) -> Connection:
    """Remove a connection (its client and cached names too) from this session.

    ``forget=True``: from the config file too.
    """
    conn = session.registry.remove(nickname)
    session.drop(nickname)
    if forget:
        forget_connection(nickname)
    return conn


def request(
    method: str,
    relative_url: str,
    *,
    connection: Connection | str | None = None,
    query: Any = None,
    headers: Any = None,
    body: Any = None,
    all_pages: bool = False,
    limit: int | None = None,
    timeout: float | None = None,
    raise_for_status: bool = True,
    yes: bool = False,
) -> JamaResponse:
    """Send one request (or all pages) over ``connection`` (default: the default one).

    ``body`` is a JSON-encodable object; ``None`` means no body (send ``b"null"`` for a
    literal JSON null).
    """
    return client_for(connection).request(
        method,
        relative_url,
        query=query,
        headers=headers,
        body=_body(body),
        all_pages=all_pages,
        limit=limit,
        timeout=timeout,
        raise_for_status=raise_for_status,
        yes=yes,
    )


async def arequest(
    method: str,
    relative_url: str,
    *,
    connection: Connection | str | None = None,
    query: Any = None,
    headers: Any = None,
    body: Any = None,
    all_pages: bool = False,
    limit: int | None = None,
    timeout: float | None = None,
    raise_for_status: bool = True,
    yes: bool = False,
) -> JamaResponse:
    """``request`` for ``await`` (concurrent work in notebooks)."""
    return await client_for(connection).arequest(
        method,
        relative_url,
        query=query,
        headers=headers,
        body=_body(body),
        all_pages=all_pages,
        limit=limit,
        timeout=timeout,
        raise_for_status=raise_for_status,
        yes=yes,
    )


def _body(body: Any) -> Any:
    return NO_BODY if body is None else body


def running_sandbox() -> Sandbox | None:
    """The sandbox started by ``start_sandbox`` in this process, if it is running."""
    return session.sandbox


def start_sandbox(
    *,
    port: int = 0,
    latency_ms: float = 0.0,
    rate_limit: float | None = None,
    items: int | None = None,
    seed: int = 0,
) -> tuple[Sandbox, Connection]:
    """Start the embedded sandbox (or reuse the running one) as connection ``sandbox``."""
    if session.sandbox is None:
        from .sandbox import Sandbox  # late: the sandbox needs the `sandbox` extra

        try:
            session.sandbox = Sandbox(
                port=port,
                latency=latency_ms / 1000.0,
                rate_limit=rate_limit,
                items=items,
                seed=seed,
            ).start()
        except (OSError, ValueError) as exc:  # a busy port, a dataset size out of range
            raise JamaUsageError(f"cannot start the sandbox: {exc}") from None
    sb = session.sandbox
    conn = connect("sandbox", url=sb.url, username=sb.username, password=sb.password, default=True)
    return sb, conn


def stop_sandbox() -> None:
    """Stop the embedded sandbox started by ``start_sandbox``."""
    if session.sandbox is not None:
        session.sandbox.stop()
        session.sandbox = None
        if "sandbox" in session.registry.names():
            disconnect("sandbox")
