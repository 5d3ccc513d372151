"""Items as flat columns in DuckDB (``itemread`` reads them back for the DataFrame view).

Writing: the items are flattened column-wise exactly as the DataFrame view
does (``flatten_rows``); each dotted path (``documentKey``,
``location.parent.item``, ``fields.status$89012``) is one column of the
``items`` table, added when first seen and recorded in ``item_columns``
(path, SQL name, type). Field columns are named by their raw field key
(``status$89012``) unless a top-level path has that name (``fields.documentKey``).
A column is ``BIGINT``, ``BOOLEAN``, ``DOUBLE`` or ``VARCHAR`` when its values
allow, else ``JSON`` (lists, objects, mixed values), so every value reads back
exactly as it came.

Dates stay text (as Jama sent them) and are also kept parsed: a ``VARCHAR``
column whose values look like dates (``createdDate``, a DATE field) gets a
``TIMESTAMPTZ`` column beside it, ``<name>@timestamp`` (recorded in
``item_columns.dates``), holding each row's date parsed as the DataFrame view
parses it (``frames.dtypes.parse_dates``), NULL where the text is no such date.
Reading then takes the dates from there instead of parsing the text again.

The view's column order is the order in which paths first appear, row after
row. Each row's *shape* (its keys and nesting, values left out) is stored once
in ``item_shapes``; replaying the shapes in the order of their first row
rebuilds that order without touching the rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..frames.columns import flatten_rows
from ..frames.dtypes import parse_dates
from .db import one, quote, rows, run

if TYPE_CHECKING:
    import duckdb

__all__ = ["delete_items", "digest", "write_items"]

_BOOKKEEPING = frozenset({"_shape", "_digest", "fields"})
_ITEM_COLUMNS = "select column_name from information_schema.columns where table_name = 'items'"
_TYPES = {int: "BIGINT", bool: "BOOLEAN", float: "DOUBLE", str: "VARCHAR"}
_KNOWN = "select path, name, sql_type from item_columns"


def write_items(con: duckdb.DuckDBPyConnection, items: Sequence[Mapping[str, Any]]) -> None:
    """Insert the items, replacing stored rows with the same ids."""
    if not items:
        return
    shapes = _shapes(con, items)
    tree = flatten_rows(items)
    columns = dict(tree.flat())
    names = _ensure_columns(con, columns)
    types = {path: _type_of(con, path) for path in columns}
    batch = {names[path]: _sql_values(values, types[path]) for path, values in columns.items()}
    batch.update(_dates(con, columns, types))
    batch["_shape"] = shapes
    batch["fields"] = [_json(item.get("fields")) for item in items]
    batch["_digest"] = [digest(item) for item in items]
    _insert(con, batch)


def digest(obj: Mapping[str, Any]) -> str:
    """A fingerprint of one Jama object as the server sent it (to spot stale copies)."""
    return hashlib.sha1(json.dumps(obj).encode()).hexdigest()[:20]


def delete_items(con: duckdb.DuckDBPyConnection, ids: Iterable[int]) -> int:
    """Remove the items with these ids; returns how many were stored."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    count = int(one(con, "select count(*) from items where id in (select unnest(?))", [wanted]))
    run(con, "delete from items where id in (select unnest(?))", [wanted])
    return count


def _shapes(con: duckdb.DuckDBPyConnection, items: Sequence[Mapping[str, Any]]) -> list[str]:
    keys: list[str] = []
    known: dict[tuple[Any, ...], str] = {}
    for item in items:
        shape = _shape(item)
        key = known.get(shape)
        if key is None:
            text = json.dumps(_skeleton(item))
            key = known[shape] = hashlib.sha1(text.encode()).hexdigest()[:16]
            run(con, "insert or ignore into item_shapes values (?, ?)", [key, text])
        keys.append(key)
    return keys


def _shape(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple((k, _shape(v)) if type(v) is dict else k for k, v in row.items())


def _skeleton(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _skeleton(v) if type(v) is dict else None for k, v in row.items()}


def _ensure_columns(
    con: duckdb.DuckDBPyConnection, columns: Mapping[str, list[Any]]
) -> dict[str, str]:
    known = {path: (name, sql) for path, name, sql in rows(con, _KNOWN)}
    taken = _taken(con)
    # Top-level paths are named first so that they keep their own names.
    for path in sorted(columns, key=lambda p: p.startswith("fields.")):
        wanted = _kind(columns[path])
        if path not in known:
            name = _free_name(_name_for(path), taken)
            taken.add(name)
            _add_column(con, path, name, wanted or "VARCHAR")
            known[path] = (name, wanted or "VARCHAR")
        elif wanted is not None and wanted != known[path][1]:
            known[path] = (known[path][0], _widen(con, path, *known[path], wanted))
    return {path: name for path, (name, _) in known.items()}


def _taken(con: duckdb.DuckDBPyConnection) -> set[str]:
    stored = rows(con, "select name from item_columns union select dates from item_columns")
    return {row[0] for row in stored if row[0] is not None} | _BOOKKEEPING


def _dates(
    con: duckdb.DuckDBPyConnection, columns: Mapping[str, list[Any]], types: Mapping[str, str]
) -> dict[str, Any]:
    """The dates of the text columns that hold some, by the name of the column that keeps them."""
    found: dict[str, Any] = {}
    for path, values in columns.items():
        parsed = parse_dates(values) if types[path] == "VARCHAR" else None
        if parsed is not None and parsed.notna().any():
            found[_dates_column(con, path)] = parsed
    return found


def _dates_column(con: duckdb.DuckDBPyConnection, path: str) -> str:
    name, dates = rows(con, "select name, dates from item_columns where path = ?", [path])[0]
    if dates is None:
        dates, taken = f"{name}@timestamp", _taken(con)
        while dates in taken:
            dates += "_"
        run(con, f"alter table items add column {quote(dates)} timestamptz")
        run(con, "update item_columns set dates = ? where path = ?", [dates, path])
    return str(dates)


def _name_for(path: str) -> str:
    return path.removeprefix("fields.") if path.startswith("fields.") else path


def _free_name(name: str, taken: set[str]) -> str:
    if name in taken and not name.startswith("fields."):
        name = f"fields.{name}"
    while name in taken:
        name += "_"
    return name


def _kind(values: list[Any]) -> str | None:
    kinds = {type(value) for value in values} - {type(None)}
    if not kinds:
        return None
    if len(kinds) > 1:
        return "JSON"
    kind = next(iter(kinds))
    if kind is list:
        return _list_kind(values)
    return _TYPES.get(kind, "JSON")


def _list_kind(values: list[Any]) -> str:
    parts = {type(part) for value in values if value for part in value}
    if parts <= {int}:
        return "BIGINT[]" if parts else "VARCHAR[]"
    return "VARCHAR[]" if parts == {str} else "JSON"


def _add_column(con: duckdb.DuckDBPyConnection, path: str, name: str, sql: str) -> None:
    present = {row[0] for row in rows(con, _ITEM_COLUMNS)}
    if name not in present:
        run(con, f"alter table items add column {quote(name)} {sql}")
    run(con, "insert into item_columns values (?, ?, ?, null)", [path, name, sql])


def _widen(con: duckdb.DuckDBPyConnection, path: str, name: str, sql: str, wanted: str) -> str:
    """A column gets a value of another type: retype it (JSON unless it held nothing yet)."""
    quoted = quote(name)
    new = "JSON" if one(con, f"select count({quoted}) from items") else wanted
    if new == sql:
        return sql
    using = f"to_json({quoted})" if new == "JSON" else f"cast({quoted} as {new})"
    run(con, f"alter table items alter column {quoted} set data type {new} using {using}")
    run(con, "update item_columns set sql_type = ? where path = ?", [new, path])
    return new


def _type_of(con: duckdb.DuckDBPyConnection, path: str) -> str:
    return str(one(con, "select sql_type from item_columns where path = ?", [path]) or "VARCHAR")


def _sql_values(values: list[Any], sql: str) -> Any:
    import pandas as pd

    if sql == "JSON":
        return pd.array([_json(value) for value in values], dtype=object)
    dtype: Any = {"BIGINT": "Int64", "BOOLEAN": "boolean", "DOUBLE": "Float64"}.get(sql, object)
    return pd.array(values, dtype=dtype)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _insert(con: duckdb.DuckDBPyConnection, batch: dict[str, Any]) -> None:
    import pandas as pd

    frame = pd.DataFrame(batch, copy=False)
    con.register("_jm_batch", frame)
    try:
        run(con, "delete from items where id in (select id from _jm_batch)")
        run(con, "insert into items by name select * from _jm_batch")
    finally:
        con.unregister("_jm_batch")
