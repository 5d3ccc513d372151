"""Small helpers over a DuckDB connection that always finish their result (DuckDB 2 needs it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

__all__ = ["one", "quote", "rows", "run"]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Every row of a query."""
    return con.execute(sql, params).fetchall()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> Any:
    """The first value of the first row (None when there is no row)."""
    found = rows(con, sql, params)
    return found[0][0] if found else None


def run(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> None:
    """A statement whose result is not wanted."""
    con.execute(sql, params).fetchall()


def quote(name: str) -> str:
    """``name`` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
