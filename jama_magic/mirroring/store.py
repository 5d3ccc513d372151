"""The mirror file: where it lives, opening it (one writer at a time), its schema and migrations.

One DuckDB file per connection, ``<nickname>.duckdb`` in the user data folder
(platformdirs; ``JAMA_MAGIC_DATA`` overrides it), or the path given. DuckDB
locks a file opened read-write for its process, so a second process that
opens the same file gets :class:`MirrorBusyError` at once instead of waiting.

The schema version is kept in the ``meta`` table. A file from an older
version is migrated in place (each step in ``MIGRATIONS``, in one
transaction); a file from a newer version is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MirrorBusyError, MirrorError, MirrorNotFoundError
from .db import one, run

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "SCHEMA_VERSION",
    "MirrorBusyError",
    "MirrorError",
    "MirrorNotFoundError",
    "default_path",
    "open_store",
]


# Version 1: the first release. Version 2 adds syncs.missed (what a full sync found that the
# incremental syncs before it had missed). Version 3 adds baselines (read once, kept: SPEC §12).
# Version 4 adds item_columns.dates: the TIMESTAMPTZ column keeping a text column's dates parsed
# (itemrows); items written before have none, and are read by parsing their text as before.
SCHEMA_VERSION = 4

_V1 = [
    "create table meta (key varchar primary key, value varchar)",
    """create table items (
        id bigint primary key, project bigint, itemType bigint,
        lastActivityDate varchar, _shape varchar, _digest varchar, fields json)""",
    "create table item_shapes (shape varchar primary key, skeleton json)",
    "create table item_columns (path varchar primary key, name varchar, sql_type varchar)",
    """create table relationships (
        id bigint primary key, project bigint, fromItem bigint, toItem bigint,
        relationshipType bigint, suspect boolean, type varchar)""",
    "create table item_types (id bigint primary key, typeKey varchar, display varchar, obj json)",
    """create table pick_list_options (
        id bigint primary key, pickList bigint, name varchar, obj json)""",
    "create table users (id bigint primary key, username varchar, name varchar, obj json)",
    "create table projects (id bigint primary key, projectKey varchar, name varchar, obj json)",
    "create table releases (id bigint primary key, project bigint, name varchar, obj json)",
    "create table lookups_fetched (kind varchar primary key, fetched timestamptz)",
    """create table relationship_types (id bigint primary key, name varchar, obj json)""",
    """create table project_state (
        project bigint primary key, server_time varchar, last_sync bigint)""",
    """create table syncs (
        id bigint primary key, projects bigint[], "full" boolean, started timestamptz,
        server_time varchar, requests bigint, created bigint, updated bigint,
        deleted bigint, relationships bigint, elapsed double)""",
]

MIGRATIONS: dict[int, list[str]] = {
    1: ["alter table syncs add column missed json"],
    2: [
        """create table baselines (
            id bigint primary key, project bigint, name varchar, snapshot json)"""
    ],
    3: ["alter table item_columns add column dates varchar"],
}


def default_path(nickname: str) -> Path:
    """``<data folder>/<nickname>.duckdb`` (``JAMA_MAGIC_DATA`` overrides the folder)."""
    folder = os.environ.get("JAMA_MAGIC_DATA")
    if not folder:
        import platformdirs

        folder = platformdirs.user_data_dir("jama_magic", appauthor=False)
    return Path(folder) / f"{nickname}.duckdb"


def open_store(
    path: Path, *, create: bool, base_url: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (or create) the mirror file at ``path``, migrated to the current schema."""
    if not create and not path.exists():
        raise MirrorNotFoundError(
            f"no mirror at {path}: run jm.sync(<project>) (or %jama sync <project>) first"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path)
    try:
        _prepare(con, path, base_url)
    except BaseException:
        con.close()
        raise
    return con


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    duckdb = _duckdb()
    try:
        return _typed(duckdb.connect(str(path)))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise MirrorBusyError(
                f"mirror {path} is busy: another process has it open; "
                "close that mirror (m.close()) or wait for its sync to finish"
            ) from None
        raise MirrorError(f"cannot open mirror {path}: {_first_line(exc)}") from None
    except duckdb.Error as exc:
        raise MirrorError(f"cannot open mirror {path}: {_first_line(exc)}") from None


def _typed(con: Any) -> duckdb.DuckDBPyConnection:
    return con  # type: ignore[no-any-return]


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise MirrorError('the mirror needs DuckDB: pip install "jama-magic[mirror]"') from None
    return duckdb


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _prepare(con: duckdb.DuckDBPyConnection, path: Path, base_url: str | None) -> None:
    version = schema_version(con)
    if version is None:
        _create(con)
    elif version > SCHEMA_VERSION:
        raise MirrorError(
            f"mirror {path} has schema version {version}, newer than this jama_magic "
            f"understands ({SCHEMA_VERSION}): upgrade jama_magic"
        )
    elif version < SCHEMA_VERSION:
        migrate(con, version)
    _check_base_url(con, path, base_url)


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The file's schema version (None for a new, empty file)."""
    if not one(con, "select count(*) from information_schema.tables where table_name = 'meta'"):
        return None
    version = one(con, "select value from meta where key = 'schema_version'")
    return None if version is None else int(version)


def _create(con: duckdb.DuckDBPyConnection) -> None:
    _in_transaction(con, lambda: _run(con, _V1 + _steps_from(1)))


def migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Bring a file at ``version`` to ``SCHEMA_VERSION``, in one transaction."""
    _in_transaction(con, lambda: _run(con, _steps_from(version)))


def _steps_from(version: int) -> list[str]:
    steps = [sql for v in range(version, SCHEMA_VERSION) for sql in MIGRATIONS[v]]
    return [*steps, f"insert or replace into meta values ('schema_version', '{SCHEMA_VERSION}')"]


def _run(con: duckdb.DuckDBPyConnection, statements: list[str]) -> None:
    for sql in statements:
        run(con, sql)


def _in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], None]) -> None:
    run(con, "begin transaction")
    try:
        work()
    except BaseException:
        run(con, "rollback")
        raise
    run(con, "commit")


def _check_base_url(con: duckdb.DuckDBPyConnection, path: Path, base_url: str | None) -> None:
    stored = one(con, "select value from meta where key = 'base_url'")
    if base_url is None:
        return
    if stored is None:
        run(con, "insert into meta values ('base_url', ?)", [base_url])
    elif stored != base_url and not (_loopback(stored) and _loopback(base_url)):
        raise MirrorError(
            f"mirror {path} holds data of {stored}, not {base_url}: "
            "give another path= (--to) for this server"
        )


def _loopback(url: str) -> bool:
    # A sandbox gets a new port each run; its mirror stays usable across runs.
    from urllib.parse import urlsplit

    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")
