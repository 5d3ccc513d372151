"""Items as flat columns in DuckDB, and back as the flattened columns of the DataFrame view.

Writing: the items are flattened column-wise exactly as the DataFrame view
does (``flatten_rows``); each dotted path (``documentKey``,
``location.parent.item``, ``fields.status$89012``) is one column of the
``items`` table, added when first seen and recorded in ``item_columns``
(path, SQL name, type). Field columns are named by their raw field key
(``status$89012``) unless a top-level path has that name (``fields.documentKey``).
A column is ``BIGINT``, ``BOOLEAN``, ``DOUBLE`` or ``VARCHAR`` when its values
allow, else ``JSON`` (lists, objects, mixed values), so every value reads back
exactly as it came.

The view's column order is the order in which paths first appear, row after
row. Each row's *shape* (its keys and nesting, values left out) is stored once
in ``item_shapes``; replaying the shapes in the order of their first row
rebuilds that order without touching the rows.

Reading: one ``SELECT`` of the paths' columns, ordered by id (the order of
``GET /items?project=``), filled into a ``ColumnTree`` for ``frame_from_tree``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..frames.columns import ColumnTree, flatten_rows
from .db import one, quote, rows, run

if TYPE_CHECKING:
    import duckdb

__all__ = ["delete_items", "digest", "read_tree", "write_items"]

_BOOKKEEPING = frozenset({"_shape", "_digest", "fields"})
_ITEM_COLUMNS = "select column_name from information_schema.columns where table_name = 'items'"
_TYPES = {int: "BIGINT", bool: "BOOLEAN", float: "DOUBLE", str: "VARCHAR"}


def write_items(con: duckdb.DuckDBPyConnection, items: Sequence[Mapping[str, Any]]) -> None:
    """Insert the items, replacing stored rows with the same ids."""
    if not items:
        return
    shapes = _shapes(con, items)
    tree = flatten_rows(items)
    columns = dict(tree.flat())
    names = _ensure_columns(con, columns)
    batch = {
        names[path]: _sql_values(values, _type_of(con, path)) for path, values in columns.items()
    }
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
    known = {path: (name, sql) for path, name, sql in rows(con, "select * from item_columns")}
    taken = {name for name, _ in known.values()} | _BOOKKEEPING
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
    run(con, "insert into item_columns values (?, ?, ?)", [path, name, sql])


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


def read_tree(con: duckdb.DuckDBPyConnection, projects: Sequence[int]) -> ColumnTree:
    """The stored items of ``projects`` as the ``ColumnTree`` that ``flatten_rows`` would build,
    with the scalar columns also as typed arrays (``ColumnTree.typed``)."""
    import numpy as np

    where, params = "project in (select unnest(?))", [list(projects)]
    tree = ColumnTree(int(one(con, f"select count(*) from items where {where}", params)))
    if not tree.size:
        return tree
    for skeleton in _skeletons(con, where, params):
        tree.add(skeleton, 0)
    columns = {path: (name, sql) for path, name, sql in rows(con, "select * from item_columns")}
    # The allowed HTTP methods of each item (`resources.*`) are not read: the item view drops them.
    paths = [path for path, _ in tree.flat() if not path.startswith("resources.")]
    select = ", ".join(quote(columns[path][0]) for path in dict.fromkeys(["id", *paths]))
    arrays: dict[str, Any] = con.execute(
        f"select {select} from items where {where}", params
    ).fetchnumpy()
    # Sorting here is cheaper than ORDER BY over every text column (the order of GET /items).
    order = np.argsort(np.ma.getdata(arrays["id"]), kind="stable")
    values: dict[str, list[Any]] = {path: [None] * tree.size for path, _ in tree.flat()}
    for path in paths:
        name, sql = columns[path]
        array = arrays[name]
        data, missing = np.ma.getdata(array)[order], np.ma.getmaskarray(array)[order]
        values[path], typed = _column(data, missing, sql)
        if typed is not None:
            tree.typed[path] = typed
    _fill(tree, "", values)
    return tree


def _skeletons(
    con: duckdb.DuckDBPyConnection, where: str, params: list[Any]
) -> list[dict[str, Any]]:
    found = rows(
        con,
        f"""select s.skeleton from (select _shape, min(id) as first from items where {where}
            group by _shape) f join item_shapes s on s.shape = f._shape order by f.first""",
        params,
    )
    return [json.loads(row[0]) for row in found]


def _column(data: Any, missing: Any, sql: str) -> tuple[list[Any], Any]:
    """One column's Python values (None where missing) and its typed array (``_typed``)."""
    boxed = data.astype(object)
    if missing.any():
        boxed[missing] = None
    values: list[Any] = boxed.tolist()
    if sql == "JSON":
        return _json_values(values), None
    if sql.endswith("[]"):
        return [None if value is None else value.tolist() for value in values], None
    return values, _typed(data, boxed, missing, sql)


def _json_values(texts: list[str | None]) -> list[Any]:
    # One parse of all the texts as one JSON array: far fewer calls than one per value.
    parsed = iter(json.loads("[" + ",".join(t for t in texts if t is not None) + "]"))
    return [None if text is None else next(parsed) for text in texts]


def _typed(data: Any, boxed: Any, missing: Any, sql: str) -> Any:
    """The column as pandas types it by storage (``Column.typed``); None for other types."""
    import numpy as np
    import pandas as pd

    if sql == "BIGINT":
        data = data.astype(np.int64, copy=False)
        return pd.arrays.IntegerArray(data, missing) if missing.any() else data
    if sql == "BOOLEAN":
        return pd.arrays.BooleanArray(data, missing) if missing.any() else data
    if sql == "VARCHAR":
        return pd.array(boxed, dtype="string")
    return None


def _fill(tree: ColumnTree, prefix: str, values: Mapping[str, list[Any]]) -> None:
    for key in tree.lists:
        tree.lists[key] = values[prefix + key]
    for key, child in tree.children.items():
        _fill(child, f"{prefix}{key}.", values)
