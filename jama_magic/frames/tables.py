"""From flattened columns to the ordered, named columns of the DataFrame view.

Jama objects with a ``fields`` map (items, abstract items, test plans, cycles
and runs, projects) get the item layout:

1. identity: ``documentKey``, ``globalId``, ``itemType``, ``project``,
   ``parent`` (``location.parent.item``, else ``location.parent.project``,
   else a top-level ``parent``; each row remembers which, so ``resolve=True``
   shows an item parent's document key and a project parent's name),
   ``sequence`` (``location.sequence``);
2. the ``fields`` lifted to columns named as ``frames.fields`` says, in the
   order they first appear;
3. the rest: ``createdDate``, ``modifiedDate``, ``lastActivityDate``,
   ``createdBy``, ``modifiedBy``, ``childItemType``, ``locked``, ``lockedBy``,
   ``lastLockedDate``, ``sortOrder``, ``globalSortOrder``, then any other
   top-level key (dotted when nested), ``type`` last. ``resources.*`` (the
   allowed HTTP methods) is dropped.

A field that repeats a top-level key (Jama copies ``documentKey`` and
``globalId`` into ``fields``; one real Text item has ``fields.id``) is merged
into it when the two agree on every row, else kept as ``fields.<key>``.
Other lists keep every dotted path in first-seen order. ``id`` becomes the
index when every row has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .columns import Column, ColumnTree
from .fields import FieldDef, known_field, ref_kind, stripped_names

__all__ = ["IDENTITY", "Table", "generic_table", "item_table"]

IDENTITY = ("documentKey", "globalId", "itemType", "project", "parent", "sequence")
_AUDIT = (
    "createdDate",
    "modifiedDate",
    "lastActivityDate",
    "createdBy",
    "modifiedBy",
    "childItemType",
    "locked",
    "lockedBy",
    "lastLockedDate",
    "sortOrder",
    "globalSortOrder",
)
_RENAMES = {
    "location.sequence": "sequence",
    "location.sortOrder": "sortOrder",
    "location.globalSortOrder": "globalSortOrder",
    "lock.locked": "locked",
    "lock.lockedBy": "lockedBy",
    "lock.lastLockedDate": "lastLockedDate",
}
# The parent's path and the kind of object it names (a top-level `parent` is left as an id).
_PARENT_PATHS = {
    "location.parent.item": "items",
    "location.parent.project": "projects",
    "parent": None,
}


@dataclass(frozen=True, kw_only=True)
class Table:
    """Ordered columns plus the ``id`` values for the index (None: a plain range index);
    ``index_typed``: the ids as a typed array when the caller had one (``Column.typed``)."""

    index: list[Any] | None
    columns: list[Column]
    index_typed: Any = None


def item_table(
    tree: ColumnTree, *, defs: Mapping[str, FieldDef], links: Mapping[str, Any] | None
) -> Table:
    """The item layout (see the module docstring) of flattened Jama objects with ``fields``."""
    fields = tree.pop_child("fields")
    top = dict(tree.flat())
    index = _index(top)
    top_columns = _top_columns(top, links, tree.typed, items=True)
    field_columns = _field_columns(fields, defs, links, tree.typed)
    merged = _merge_repeats(top_columns, field_columns, index)
    return Table(index=index, columns=_ordered(merged), index_typed=_typed_index(index, tree))


def generic_table(tree: ColumnTree, *, links: Mapping[str, Any] | None) -> Table:
    """Every dotted path as a column, ``id`` as the index when every row has one."""
    top = dict(tree.flat())
    index = _index(top)
    columns = _top_columns(top, links, tree.typed, items=False)
    return Table(index=index, columns=list(columns.values()), index_typed=_typed_index(index, tree))


def _index(top: dict[str, list[Any]]) -> list[Any] | None:
    ids = top.get("id")
    if ids is None or any(value is None for value in ids):
        return None
    del top["id"]
    return ids


def _typed_index(index: list[Any] | None, tree: ColumnTree) -> Any:
    return None if index is None else tree.typed.get("id")


def _top_columns(
    top: dict[str, list[Any]],
    links: Mapping[str, Any] | None,
    typed: Mapping[str, Any],
    *,
    items: bool,
) -> dict[str, Column]:
    columns: dict[str, Column] = {}
    renames = _RENAMES if items else {}
    if items:
        _add_parent(top, typed, columns)
    for path, values in top.items():
        if items and path.startswith("resources."):
            continue
        name = renames.get(path, path)
        columns.setdefault(name, _plain_column(name, path, values, links, typed.get(path)))
    return columns


def _add_parent(
    top: dict[str, list[Any]], typed: Mapping[str, Any], columns: dict[str, Column]
) -> None:
    paths = [path for path in _PARENT_PATHS if path in top]
    if not paths:
        return
    values, refs = _first_parent([(top.pop(path), _PARENT_PATHS[path]) for path in paths])
    # An item or the project: each row keeps its kind, so resolving names each correctly.
    columns["parent"] = Column(
        name="parent",
        values=values,
        source="location.parent",
        refs=refs,
        typed=_typed_parent([typed.get(path) for path in paths]),
    )


def _first_parent(
    found: list[tuple[list[Any], str | None]],
) -> tuple[list[Any], list[str | None]]:
    first, kind = found[0]
    values = list(first)
    refs: list[str | None] = [None if value is None else kind for value in values]
    for more, kind in found[1:]:
        for row, value in enumerate(more):
            if values[row] is None and value is not None:
                values[row], refs[row] = value, kind
    return values, refs


def _typed_parent(arrays: list[Any]) -> Any:
    """``_first_parent``'s values as one typed array, when every path has typed ids."""
    if any(array is None or array.dtype.kind != "i" for array in arrays):
        return None
    import pandas as pd

    parents = pd.array(arrays[0], dtype="Int64", copy=True)
    for more in arrays[1:]:
        gaps = parents.isna()
        parents[gaps] = pd.array(more, dtype="Int64")[gaps]
    # As storage types it: int64 unless some row has no parent.
    return parents if parents.isna().any() else parents.to_numpy(dtype="int64")


def _plain_column(
    name: str, path: str, values: list[Any], links: Mapping[str, Any] | None, typed: Any
) -> Column:
    ref = ref_kind(path, field_type=None, links=links)
    return Column(name=name, values=values, source=path, ref=ref, typed=typed)


def _field_columns(
    fields: ColumnTree,
    defs: Mapping[str, FieldDef],
    links: Mapping[str, Any] | None,
    typed: Mapping[str, Any],
) -> list[Column]:
    raw = dict(fields.flat())
    names = stripped_names(raw)
    return [
        replace(
            _field_column(key, names[key], values, defs, links), typed=typed.get(f"fields.{key}")
        )
        for key, values in raw.items()
    ]


def _field_column(
    key: str,
    name: str,
    values: list[Any],
    defs: Mapping[str, FieldDef],
    links: Mapping[str, Any] | None,
) -> Column:
    definition = defs.get(key) or known_field(key)
    field_type = definition.field_type if definition else None
    source = f"fields.{key}"
    return Column(
        name=name,
        values=values,
        source=source,
        field_type=field_type,
        text_type=definition.text_type if definition else None,
        ref=ref_kind(source, field_type=field_type, links=links),
        label=definition.label if definition else None,
        field_key=key,
    )


def _merge_repeats(
    top: dict[str, Column], fields: list[Column], index: list[Any] | None
) -> tuple[dict[str, Column], list[Column]]:
    kept: list[Column] = []
    for column in fields:
        if column.name == "id" and index is not None:
            if not _agree(index, column.values):
                kept.append(_raw_named(column))
            continue
        twin = top.get(column.name)
        if twin is None:
            kept.append(column)
        elif _agree(twin.values, column.values):
            top[column.name] = _filled(twin, column)
        else:
            kept.append(_raw_named(column))
    return top, kept


def _raw_named(column: Column) -> Column:
    return replace(column, name=f"fields.{column.field_key}")


def _agree(first: list[Any], second: list[Any]) -> bool:
    if first == second:  # the common case, in one comparison
        return True
    return all(a is None or b is None or a == b for a, b in zip(first, second, strict=True))


def _filled(twin: Column, column: Column) -> Column:
    label = twin.label or column.label
    if not _has_gaps(twin):  # nothing to fill: the column stays as it is, typed array and all
        return replace(twin, label=label)
    values = [a if a is not None else b for a, b in zip(twin.values, column.values, strict=True)]
    return replace(twin, values=values, label=label, typed=None)


def _has_gaps(column: Column) -> bool:
    if column.typed is not None:
        import pandas as pd

        return bool(pd.isna(column.typed).any())
    return any(value is None for value in column.values)


def _ordered(merged: tuple[dict[str, Column], list[Column]]) -> list[Column]:
    top, fields = merged
    first = [top.pop(name) for name in IDENTITY if name in top]
    audit = [top.pop(name) for name in _AUDIT if name in top]
    last = [top.pop("type")] if "type" in top else []
    return first + fields + audit + list(top.values()) + last
