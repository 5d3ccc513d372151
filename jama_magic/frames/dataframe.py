"""The DataFrame view of Jama list bodies (``resp.df``, ``resp.to_dataframe()``, ``--df``).

``to_dataframe(data)`` turns a list body into a table to group, filter and plot:

* Jama objects with ``fields`` (items, abstract items, test runs, projects...):
  one row per object, ``id`` as the index, identity columns first, then the
  fields lifted to columns, then the other top-level keys; see
  :mod:`jama_magic.frames.tables` for the exact layout. A field key loses its
  ``$<itemTypeId>`` suffix when no other key of the data has the same base
  name; when two do (``status$89012``, ``status$89014``), each keeps its raw
  key (see :mod:`jama_magic.frames.fields`).
* Other lists (relationships, users, tags...): every nested key as a dotted
  column, like ``pandas.json_normalize``; ``id`` as the index when every row
  has one. Elements that are not objects become a ``value`` column.
* Types (:mod:`jama_magic.frames.dtypes`): dates and timestamps are UTC
  datetimes, integers ``int64`` (``Int64`` with gaps), booleans ``bool``
  (``boolean`` with gaps), multi-value lookups lists, test steps lists of dicts.
  Field types come from item type definitions (``linked["itemtypes"]`` or
  ``names.item_types``) and are otherwise inferred from the values.
* ``resolve=True``: item types, projects, users, pick-list options,
  releases and relationship types shown by name; items (``fromItem``,
  ``toItem``, item-lookup fields, an item ``parent``) as document keys from
  ``linked``, items at hand, the frame's own rows or items the connection
  already knows, never one request per item; a project ``parent`` (a root
  item) as the project's name (:mod:`jama_magic.frames.resolve`).
* ``text=True``: rich-text HTML as plain text (:mod:`jama_magic.frames.richtext`).
* ``df.attrs["labels"]``: ``{column: field label}`` from item type
  definitions; ``df.attrs["field_keys"]``: ``{column: raw field key}`` for the
  lifted fields (the key to use in a PATCH path).
* An empty list gives an empty frame with the identity columns
  (``documentKey``, ``globalId``, ``itemType``, ``project``, ``parent``,
  ``sequence``) and an empty ``id`` index. A single object (``GET /items/1003``)
  is a one-row frame. Any other body (none, text, a number) raises
  :class:`NotAListError` saying what the body is.

pandas is imported only when a frame is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import NotAListError
from .columns import Column, ColumnTree, flatten_rows
from .dtypes import column_array
from .fields import field_defs
from .resolve import NameSource, resolve_columns
from .richtext import html_to_text, looks_like_html
from .tables import IDENTITY, Table, generic_table, item_table

if TYPE_CHECKING:
    import pandas

__all__ = ["NameSource", "NotAListError", "frame_from_tree", "to_dataframe"]

_SNIFF_ROWS = 200


def to_dataframe(
    data: Any,
    *,
    linked: Mapping[str, Mapping[str, Any]] | None = None,
    resolve: bool = False,
    text: bool = False,
    names: NameSource | None = None,
    links: Mapping[str, Any] | None = None,
    items: Any = None,
) -> pandas.DataFrame:
    """The DataFrame view of a list body (see the module docstring).

    ``linked`` is the envelope's ``linked`` map, ``links`` its ``links`` map
    (it tells which columns hold user, pick-list option... ids), ``names`` a
    source of names and item types for what ``linked`` lacks, ``items`` items
    at hand (item dicts, or a frame with ``documentKey`` and ``id`` as the index)
    whose document keys stand for item ids when resolving.
    """
    rows = _rows(data)
    if not rows:
        return _empty_frame()
    if items is not None:
        linked = with_items(linked, items)
    tree = flatten_rows(rows)
    return frame_from_tree(
        tree, linked=linked, resolve=resolve, text=text, names=names, links=links
    )


def frame_from_tree(
    tree: ColumnTree,
    *,
    linked: Mapping[str, Mapping[str, Any]] | None = None,
    resolve: bool = False,
    text: bool = False,
    names: NameSource | None = None,
    links: Mapping[str, Any] | None = None,
) -> pandas.DataFrame:
    """The DataFrame view of rows already flattened column-wise (``flatten_rows``).

    For data kept flat elsewhere (the mirror's columns): the same frame as
    ``to_dataframe`` over the rows the tree was built from. The tree is consumed.
    """
    if tree.size == 0:
        return _empty_frame()
    table = _table(tree, linked=linked, names=names, links=links)
    columns = table.columns
    if resolve:
        columns = resolve_columns(columns, linked=linked, names=names, index=table.index)
    if text:
        columns = [_as_text(column) for column in columns]
    return _frame(table, _unique(columns))


def with_items(
    linked: Mapping[str, Mapping[str, Any]] | None, items: Any
) -> dict[str, Mapping[str, Any]]:
    """``linked`` plus the items at hand (``linked``'s own items win)."""
    if hasattr(items, "columns") and "documentKey" in items.columns:
        keys = zip(items.index.tolist(), items["documentKey"].tolist(), strict=True)
        known: dict[str, Any] = {str(key): {"documentKey": doc} for key, doc in keys}
    else:
        known = {str(i["id"]): i for i in items if isinstance(i, Mapping) and "id" in i}
    merged = dict(linked or {})
    merged["items"] = {**known, **dict(merged.get("items") or {})}
    return merged


def _rows(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping):  # one object: a one-row frame
        return [data]
    if not isinstance(data, list | tuple):
        raise NotAListError(describe_body(data))
    if all(type(row) is dict for row in data):
        return list(data)
    return [row if isinstance(row, Mapping) else {"value": row} for row in data]


def describe_body(data: Any) -> str:
    """One line saying what a body without a table is and where to look instead."""
    if data is None:
        return "the response has no body, so there is no table: check resp.status_code"
    if isinstance(data, str):
        return f"the body is text ({len(data)} characters), not a JSON list: use resp.body"
    if isinstance(data, bytes | bytearray):
        return f"the body is binary ({len(data)} bytes), not a JSON list: use resp.body"
    return f"the body is a single JSON {type(data).__name__} ({data!r}), not a list: use resp.data"


def _table(
    tree: ColumnTree,
    *,
    linked: Mapping[str, Mapping[str, Any]] | None,
    names: NameSource | None,
    links: Mapping[str, Any] | None,
) -> Table:
    # Some row has a `fields` object exactly when the tree has a `fields` subtree.
    if "fields" not in tree.children:
        return generic_table(tree, links=links)
    defs = field_defs(_item_types(tree, linked, names).values())
    return item_table(tree, defs=defs, links=links)


def _item_types(
    tree: ColumnTree,
    linked: Mapping[str, Mapping[str, Any]] | None,
    names: NameSource | None,
) -> dict[int, Mapping[str, Any]]:
    ids = set(tree.lists.get("itemType") or ())
    wanted = {type_id for type_id in ids if type(type_id) is int}
    known = {str(key): obj for key, obj in ((linked or {}).get("itemtypes") or {}).items()}
    found = {tid: known[str(tid)] for tid in wanted if str(tid) in known}
    missing = wanted - found.keys()
    if missing and names is not None:
        found.update(names.item_types(sorted(missing)))
    return found


def _as_text(column: Column) -> Column:
    if not _is_rich(column):
        return column
    return replace(column, values=[_plain(value) for value in column.values], typed=None)


def _is_rich(column: Column) -> bool:
    if column.text_type == "RICHTEXT":
        return column.field_type in ("TEXT", "STEPS", None)
    if column.field_type is not None or column.text_type is not None:
        return False
    sample = [value for value in column.values[: _SNIFF_ROWS * 10] if value is not None]
    return any(looks_like_html(value) for value in sample[:_SNIFF_ROWS])


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return html_to_text(value)
    if isinstance(value, list):
        return [_plain(part) for part in value]
    if isinstance(value, dict):
        return {key: _plain(part) for key, part in value.items()}
    return value


def _unique(columns: Iterable[Column]) -> list[Column]:
    seen: set[str] = set()
    unique: list[Column] = []
    for column in columns:
        name = column.name if column.name not in seen else column.source
        while name in seen:
            name += "_"
        seen.add(name)
        unique.append(column if name == column.name else replace(column, name=name))
    return unique


def _frame(table: Table, columns: list[Column]) -> pandas.DataFrame:
    import pandas as pd

    data = {column.name: _plain_array(column_array(column)) for column in columns}
    frame_index = None if table.index is None else pd.Index(_plain_array(column_array(_ids(table))))
    frame: pandas.DataFrame = pd.DataFrame(data, index=frame_index, copy=False)
    if frame_index is not None:
        frame.index.name = "id"
    frame.attrs["labels"] = {c.name: c.label for c in columns if c.label}
    frame.attrs["field_keys"] = {c.name: c.field_key for c in columns if c.field_key}
    return frame


def _ids(table: Table) -> Column:
    return Column(name="id", values=table.index or [], source="id", typed=table.index_typed)


def _plain_array(array: Any) -> Any:
    import pandas as pd

    # A DatetimeIndex would be aligned on the index instead of taken by position.
    return array.array if isinstance(array, pd.Index) else array


def _empty_frame() -> pandas.DataFrame:
    import pandas as pd

    index = pd.Index([], dtype="int64", name="id")
    columns = {name: pd.Series([], dtype=object) for name in IDENTITY}
    frame: pandas.DataFrame = pd.DataFrame(columns, index=index)
    frame.attrs["labels"] = {}
    frame.attrs["field_keys"] = {}
    return frame
