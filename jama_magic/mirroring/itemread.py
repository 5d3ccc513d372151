"""The mirrored items read back as the flattened, typed columns of the DataFrame view.

One ``SELECT`` of the stored paths' columns (``itemrows`` says how they are
stored), put in id order (the order of ``GET /items?project=``), fills a
``ColumnTree`` for ``frames.frame_from_tree`` with every path's Python values
and, in ``ColumnTree.typed``, the same values as arrays typed by storage, so
that frames builds the columns from arrays instead of value by value:

* ``BIGINT`` and ``BOOLEAN`` columns as ``int64`` and ``bool`` (``Int64`` and
  ``boolean`` with gaps), ``VARCHAR`` columns as pandas ``string``;
* a text column of dates (``createdDate``, a DATE field) as UTC datetimes,
  from the ``TIMESTAMPTZ`` column that keeps them parsed beside the text
  (``<name>@timestamp``, see ``itemrows``), when every row that has a text has
  its date there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..frames.columns import ColumnTree
from .db import one, quote, rows

if TYPE_CHECKING:
    import duckdb

__all__ = ["read_tree"]


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
    stored = {
        row[0]: row[1:] for row in rows(con, "select path, name, sql_type, dates from item_columns")
    }
    # The allowed HTTP methods of each item (`resources.*`) are not read: the item view drops them.
    paths = [path for path, _ in tree.flat() if not path.startswith("resources.")]
    skipped = [path for path, _ in tree.flat() if path.startswith("resources.")]
    wanted = {name: sql for path in ["id", *paths] for name, sql in _names(*stored[path])}
    select = ", ".join(_select(name, sql) for name, sql in wanted.items())
    arrays: dict[str, Any] = con.execute(
        f"select {select} from items where {where}", params
    ).fetchnumpy()
    # Sorting here is cheaper than ORDER BY over every text column (the order of GET /items).
    order = np.argsort(np.ma.getdata(arrays["id"]), kind="stable")
    values: dict[str, list[Any]] = {path: [None] * tree.size for path in skipped}
    for path in paths:
        values[path], typed = _read(arrays, order, *stored[path])
        if typed is not None:
            tree.typed[path] = typed
    _fill(tree, "", values)
    return tree


def _names(name: str, sql: str, dates: str | None) -> list[tuple[str, str]]:
    """The columns to read for one path (name, SQL type): its own, and its dates if it is text."""
    own = (name, sql)
    return [own, (dates, "TIMESTAMPTZ")] if dates is not None and sql == "VARCHAR" else [own]


def _select(name: str, sql: str) -> str:
    # Lists read as JSON text, parsed in one call: cheaper than a numpy array per row.
    return f"to_json({quote(name)}) as {quote(name)}" if sql.endswith("[]") else quote(name)


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


def _read(
    arrays: Mapping[str, Any], order: Any, name: str, sql: str, dates: str | None
) -> tuple[list[Any], Any]:
    """One path's Python values (None where missing) and its typed array (None if it has none)."""
    import numpy as np

    data, missing = np.ma.getdata(arrays[name])[order], np.ma.getmaskarray(arrays[name])[order]
    boxed = _boxed(data, missing)
    values: list[Any] = boxed.tolist()
    if sql == "JSON" or sql.endswith("[]"):
        return _json_values(values), None
    stamps = arrays.get(dates or "")  # read only for text columns
    typed = None if stamps is None else _dates(stamps[order], missing)
    return values, typed if typed is not None else _typed(data, boxed, missing, sql)


def _boxed(data: Any, missing: Any) -> Any:
    """The column as Python objects, None where missing."""
    if data.dtype == object:
        return data  # DuckDB leaves None under the mask of text and list columns
    boxed = data.astype(object)
    boxed[missing] = None
    return boxed


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


def _dates(stamps: Any, missing: Any) -> Any:
    """The stored dates of a text column as UTC datetimes; None unless every text has its date."""
    import numpy as np
    import pandas as pd

    unread = np.ma.getmaskarray(stamps)
    if not np.array_equal(unread, missing):
        return None
    data = np.ma.getdata(stamps).copy()
    data[unread] = np.datetime64("NaT")
    return pd.array(data).tz_localize("UTC")


def _fill(tree: ColumnTree, prefix: str, values: Mapping[str, list[Any]]) -> None:
    for key in tree.lists:
        tree.lists[key] = values[prefix + key]
    for key, child in tree.children.items():
        _fill(child, f"{prefix}{key}.", values)
