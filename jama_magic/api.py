"""The plain Python API: ``connect``, ``use``, ``whoami``, ``connections``, ``request``...

Silent by design: these functions return values and print nothing (a
redefined connection is reported as a ``ConnectionRedefinedWarning``).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from .auth import Authenticator
from .client import JamaClient, client_for
from .config import forget_connection, save_connection
from .connection import Connection, ConnectionRedefinedWarning, changes, make_connection
from .errors import JamaError, JamaUsageError
from .request import NO_BODY
from .response import JamaResponse
from .secrets import Secret
from .state import session

if TYPE_CHECKING:
    import pandas as pd

    from .sandbox import Sandbox

__all__ = [
    "arequest",
    "connect",
    "connections",
    "disconnect",
    "request",
    "running_sandbox",
    "start_sandbox",
    "stop_sandbox",
    "use",
    "whoami",
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
    check: bool = True,
) -> Connection:
    """Register a connection (the first one becomes the default).

    A missing password (client secret for OAuth) is looked up now: environment
    ``JAMA_<NICKNAME>_PASSWORD``, then the keyring, then a prompt. ``check``:
    one ``GET /users/current`` first, so a wrong password or URL fails here and
    the connection is not registered. Replacing a connection of the same
    nickname with other settings warns (``ConnectionRedefinedWarning``).
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
    if check:
        check_connection(conn)
    _warn_if_redefined(conn)
    session.registry.add(conn, default=default)
    if save:
        save_connection(conn)
    return conn


def check_connection(conn: Connection) -> None:
    """One ``GET /users/current`` over ``conn``; a ``JamaError`` says it was not made."""
    client = JamaClient(conn)  # not the shared one: a failed check must leave no trace
    try:
        client.request("GET", "/users/current")
    except JamaError as exc:
        exc.args = (
            f"{exc}; connection '{conn.nickname}' not made (--no-check / check=False skips "
            "this check)",
        )
        raise
    finally:
        client.close()


def _warn_if_redefined(conn: Connection) -> None:
    if conn.nickname not in session.registry.names():
        return
    changed = changes(session.registry.get(conn.nickname), conn)
    if changed:
        warnings.warn(
            f"connection '{conn.nickname}' redefined: {'; '.join(changed)}",
            ConnectionRedefinedWarning,
            stacklevel=3,
        )


def use(nickname: str) -> Connection:
    """Make connection ``nickname`` the default one."""
    return session.registry.use(nickname)


def whoami(connection: Connection | str | None = None) -> dict[str, Any]:
    """The user of ``connection`` (default: the default one), as Jama describes it."""
    data = client_for(connection).request("GET", "/users/current").data
    return dict(data) if isinstance(data, dict) else {}


def connections() -> pd.DataFrame:
    """The registered connections as a table, one row per nickname (never a secret)."""
    import pandas as pd

    rows = [_connection_row(conn) for conn in session.registry.all()]
    table = pd.DataFrame(rows, columns=list(_CONNECTION_COLUMNS))
    indexed: pd.DataFrame = table.set_index("nickname")
    return indexed


_CONNECTION_COLUMNS = ("nickname", "base URL", "user", "auth", "read-only", "default")


def _connection_row(conn: Connection) -> tuple[Any, ...]:
    default = conn.nickname == session.registry.default_name
    return (conn.nickname, conn.base_url, conn.user_label, conn.auth_kind, conn.read_only, default)


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
    # no check: the sandbox was just started with these very credentials
    conn = connect(
        "sandbox",
        url=sb.url,
        username=sb.username,
        password=sb.password,
        default=True,
        check=False,
    )
    return sb, conn


def stop_sandbox() -> None:
    """Stop the embedded sandbox started by ``start_sandbox``."""
    if session.sandbox is not None:
        session.sandbox.stop()
        session.sandbox = None
        if "sandbox" in session.registry.names():
            disconnect("sandbox")
