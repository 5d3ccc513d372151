"""Saved connections (never their secrets) in a TOML file.

The file is ``$JAMA_MAGIC_CONFIG`` or ``connections.toml`` in the platformdirs
user config dir of ``jama_magic``::

    [connections.prod]
    subdomain = "example-subdomain"
    username = "alice"
    read_only = true

Saving is a read-modify-write of the whole file, so it runs under a lock file
(``connections.toml.lock``, the ``filelock`` package): two notebooks saving at
once both keep their connections. The new file is written to a unique
temporary file and atomically replaces the old one, so a reader never sees
half a file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .connection import NICKNAME, Connection, make_connection
from .errors import ConfigFileError, JamaUsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["config_path", "data_dir", "forget_connection", "load_saved", "save_connection"]

FIELDS: dict[str, type | tuple[type, ...]] = {
    "subdomain": str,
    "url": str,
    "username": str,
    "client_id": str,
    "api_version": str,
    "verify": (bool, str),
    "timeout": (int, float),
    "rate_limit": (int, float),
    "read_only": bool,
    "confirm_writes": bool,
}
SECRET_KEYS = {"password", "client_secret", "token", "secret"}


def config_path() -> Path:
    """Where saved connections live."""
    override = os.environ.get("JAMA_MAGIC_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("jama_magic")) / "connections.toml"


def data_dir() -> Path:
    """Where jama_magic keeps data (mirrors, the write-back audit log): ``$JAMA_MAGIC_DATA``
    or the platformdirs user data dir. Not created here."""
    override = os.environ.get("JAMA_MAGIC_DATA")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("jama_magic"))


def load_saved(path: Path | None = None) -> list[Connection]:
    """The connections saved in the config file (none when it does not exist)."""
    path = path or config_path()
    table = _read(path)
    conns = table.get("connections", {})
    if not isinstance(conns, dict):
        raise ConfigFileError(f"{path}: [connections] must be a table")
    return [_connection(path, nick, entry) for nick, entry in conns.items()]


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"cannot read {path}: {exc}") from exc
    try:
        table: dict[str, Any] = tomllib.loads(text)
        return table
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path}: invalid TOML: {exc}") from exc


def _connection(path: Path, nick: str, entry: Any) -> Connection:
    if not NICKNAME.fullmatch(nick):
        raise ConfigFileError(
            f"{path}: invalid connection name {nick!r}: use letters, digits, '_', '.' and '-' only"
        )
    where = f"{path}: [connections.{nick}]"
    if not isinstance(entry, dict):
        raise ConfigFileError(f"{where} must be a table")
    secret = SECRET_KEYS & set(entry)
    if secret:
        raise ConfigFileError(
            f"{where} holds '{sorted(secret)[0]}': secrets do not belong in this file; "
            "remove it and use the environment or the keyring"
        )
    for key, value in entry.items():
        _check_field(where, key, value)
    try:
        return make_connection(nick, **entry)
    except JamaUsageError as exc:
        raise ConfigFileError(f"{where}: {exc}") from exc


def _check_field(where: str, key: str, value: Any) -> None:
    if key not in FIELDS:
        raise ConfigFileError(f"{where}: unknown key '{key}'; known: {', '.join(FIELDS)}")
    if not isinstance(value, FIELDS[key]) or (
        isinstance(value, bool) and FIELDS[key] == (int, float)
    ):
        raise ConfigFileError(f"{where}: '{key}' has the wrong type ({type(value).__name__})")


def _entry(conn: Connection) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if conn.subdomain:
        entry["subdomain"] = conn.subdomain
    else:
        entry["url"] = conn.base_url
    for key in ("username", "client_id", "timeout", "rate_limit"):
        if getattr(conn, key) is not None:
            entry[key] = getattr(conn, key)
    if conn.api_version != "latest":
        entry["api_version"] = conn.api_version
    if conn.verify is not True:
        entry["verify"] = conn.verify
    for key in ("read_only", "confirm_writes"):
        if getattr(conn, key):
            entry[key] = True
    return entry


def save_connection(conn: Connection, path: Path | None = None) -> Path:
    """Add or replace ``conn`` in the file, without its secrets."""
    path = path or config_path()
    with _locked(path):
        table = _read(path)
        table.setdefault("connections", {})[conn.nickname] = _entry(conn)
        _write(path, table)
    return path


def forget_connection(nickname: str, path: Path | None = None) -> bool:
    """Remove ``nickname`` from the file; whether it was there."""
    path = path or config_path()
    with _locked(path):
        table = _read(path)
        if nickname not in table.get("connections", {}):
            return False
        del table["connections"][nickname]
        _write(path, table)
    return True


LOCK_TIMEOUT = 30.0


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold the config file's lock (another process saving waits its turn)."""
    from filelock import FileLock, Timeout

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(f"{path}.lock", timeout=LOCK_TIMEOUT)
        with lock:
            yield
    except Timeout:
        raise ConfigFileError(
            f"{path} is locked by another process (for over {LOCK_TIMEOUT:g} s): try again, "
            f"or remove {path}.lock if no other jama_magic is running"
        ) from None
    except OSError as exc:
        raise ConfigFileError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write(path: Path, table: dict[str, Any]) -> None:
    """Write ``table`` to a unique temporary file beside ``path``, then replace ``path``."""
    import tomli_w

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(tomli_w.dumps(table))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
