"""Ids shown as names: item types, projects, users, pick-list options, releases,
relationship types, and items as document keys.

For every column whose values point to objects of one kind (``Column.ref``),
or of a kind per row (``Column.refs``: ``parent`` names an item or, for a root
item, the project, shown as the project's name like the ``project`` column),
the ids are looked up first in the response's ``linked`` map (filled by
``include=``, plus any items the caller has at hand), items then in the
frame's own rows (their ``documentKey``), then, for the ids still
unknown, through a ``NameSource`` (the per-connection lookups of
:mod:`jama_magic.lookups`; for items only those it already holds, never one
request per item). Kinds a NameSource does not serve (test cycles...) are
resolved from ``linked`` only. An id found nowhere is shown as its number in
text (``"156405"``) so that a resolved column holds strings only. When the
NameSource's connection is gone (``%jama disconnect``), a warning says the
names could not be resolved.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import replace
from itertools import chain
from typing import Any, Protocol

from .columns import Column
from .typedrefs import (
    resolved_per_row_typed,
    resolved_typed,
    typed_ids,
    typed_ids_per_kind,
    typed_ints,
)

__all__ = ["LOOKUP_KINDS", "NameSource", "display_name", "resolve_columns"]

LOOKUP_KINDS = frozenset(
    {"itemtypes", "projects", "users", "picklistoptions", "releases", "relationshiptypes", "items"}
)


class NameSource(Protocol):
    """Where names of Jama objects come from when the response did not bring them."""

    def names(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        """Map the given ids of ``kind`` to display names (unknown ids are left out)."""
        ...

    def item_types(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Map item type ids to item type objects (with their ``fields``)."""
        ...


def display_name(kind: str, obj: Mapping[str, Any]) -> str | None:
    """The name a person would use for one Jama object of ``kind``."""
    if kind == "itemtypes":
        return _first(obj, "display", "typeKey")
    if kind == "users":
        full = f"{obj.get('firstName') or ''} {obj.get('lastName') or ''}".strip()
        return full or _first(obj, "username")
    if kind == "items":
        return _first(obj, "documentKey") or _field_name(obj)
    return _first(obj, "name") or _field_name(obj) or _first(obj, "projectKey", "documentKey")


def _first(obj: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = obj.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _field_name(obj: Mapping[str, Any]) -> str | None:
    fields = obj.get("fields")
    return _first(fields, "name") if isinstance(fields, Mapping) else None


def resolve_columns(
    columns: list[Column],
    *,
    linked: Mapping[str, Mapping[str, Any]] | None,
    names: NameSource | None,
    index: list[Any] | None = None,
) -> list[Column]:
    """Replace ids by names in every column with a reference kind that can be resolved
    (``index``: the rows' ids, whose ``documentKey`` names them as items)."""
    wanted = _ids_by_kind(columns)
    _add_row_kinds(wanted, columns)
    own = _own_keys(columns, index, wanted.get("items"))
    _prefetch(wanted, linked, names)
    tables = {kind: _names_for(kind, ids, linked, names, own) for kind, ids in wanted.items()}
    _warn_if_gone(wanted, tables, names)
    return [_resolved(column, tables) for column in columns]


def _prefetch(
    wanted: dict[str, set[int]],
    linked: Mapping[str, Mapping[str, Any]] | None,
    names: NameSource | None,
) -> None:
    """Let a source that can (the connection's lookups) fetch every kind it lacks at once."""
    prefetch = getattr(names, "prefetch", None)  # optional: NameSource needs only names()
    if prefetch is None:
        return
    missing = {
        kind: ids - _from_linked(kind, ids, linked).keys()
        for kind, ids in wanted.items()
        if kind in LOOKUP_KINDS
    }
    prefetch(missing)


def _warn_if_gone(
    wanted: Mapping[str, set[int]], tables: Mapping[str, dict[int, str]], names: Any
) -> None:
    reason = getattr(names, "unavailable", None)
    if not isinstance(reason, str):
        return
    missing = sorted(k for k, ids in wanted.items() if k in LOOKUP_KINDS and ids - tables[k].keys())
    if missing:
        warnings.warn(
            f"names could not be resolved ({reason}): {', '.join(missing)} are shown as ids;"
            " reconnect and send the request again",
            stacklevel=5,
        )


def _add_row_kinds(wanted: dict[str, set[int]], columns: list[Column]) -> None:
    """The ids of columns with a kind per row (``parent``), added under each row's kind."""
    for column in columns:
        if column.refs is not None:
            for kind, ids in _ids_per_kind(column).items():
                wanted.setdefault(kind, set()).update(ids)


def _ids_per_kind(column: Column) -> dict[str, set[int]]:
    refs = column.refs or []
    if typed_ints(column):
        return typed_ids_per_kind(column)
    found: dict[str, set[int]] = {}
    for kind, value in zip(refs, column.values, strict=True):
        if kind is not None and type(value) is int:
            found.setdefault(kind, set()).add(value)
    return found


def _own_keys(
    columns: list[Column], index: list[Any] | None, wanted: set[int] | None
) -> dict[int, str]:
    """Document keys of the frame's own rows that other rows point to (a parent in the list)."""
    keys = next((c.values for c in columns if c.name == "documentKey"), None)
    if not wanted or index is None or keys is None:
        return {}
    pairs = zip(index, keys, strict=True)
    return {i: key for i, key in pairs if i in wanted and isinstance(key, str) and key}


def _resolved_per_row(column: Column, tables: Mapping[str, dict[int, str]]) -> Column:
    """A column whose rows point to different kinds (``parent``): each row by its own kind."""
    if not any(tables.get(kind or "") for kind in set(column.refs or ())):
        return column
    if typed_ints(column):
        return resolved_per_row_typed(column, tables)
    values = [
        None if value is None else (tables.get(kind or "") or {}).get(value) or str(value)
        for kind, value in zip(column.refs or (), column.values, strict=True)
    ]
    return replace(column, values=values, field_type="NAME")


def _ids_by_kind(columns: list[Column]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for column in columns:
        if column.ref is not None:
            found = typed_ids(column.typed) if typed_ints(column) else _ids(column.values)
            wanted.setdefault(column.ref, set()).update(found)
    return wanted


def _ids(values: list[Any]) -> set[int]:
    found = {value for value in values if type(value) is int}
    parts = chain.from_iterable(value for value in values if type(value) is list)
    found.update(part for part in parts if type(part) is int)
    return found


def _names_for(
    kind: str,
    ids: set[int],
    linked: Mapping[str, Mapping[str, Any]] | None,
    names: NameSource | None,
    own: Mapping[int, str],
) -> dict[int, str]:
    table = _from_linked(kind, ids, linked)
    if kind == "items":
        table = {**own, **table}
    missing = ids - table.keys()
    if missing and names is not None and kind in LOOKUP_KINDS:
        table.update(names.names(kind, sorted(missing)))
    return table


def _from_linked(
    kind: str, ids: set[int], linked: Mapping[str, Mapping[str, Any]] | None
) -> dict[int, str]:
    objects = (linked or {}).get(kind) or {}
    table: dict[int, str] = {}
    for key, obj in objects.items():
        number = _as_int(key)
        name = display_name(kind, obj) if isinstance(obj, Mapping) else None
        if name is not None and number is not None and number in ids:
            table[number] = name
    return table


def _as_int(key: Any) -> int | None:
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _resolved(column: Column, tables: Mapping[str, dict[int, str]]) -> Column:
    if column.refs is not None:
        return _resolved_per_row(column, tables)
    table = tables.get(column.ref or "")
    if not table:
        return column
    if typed_ints(column):
        return resolved_typed(column, table)
    if any(type(value) is list for value in column.values):
        values = _list_names(column.values, table)
    else:
        # The common case (one id per cell) without a call per value.
        get = table.get
        values = [None if v is None else get(v) or str(v) for v in column.values]
    return replace(column, values=values, field_type="NAME")


def _list_names(values: list[Any], table: Mapping[int, str]) -> list[Any]:
    """``_name`` of each value, with the one-level lists of ids (multi-select) inlined."""
    get = table.get
    return [
        [get(part) or str(part) if type(part) is int else _name(part, table) for part in value]
        if type(value) is list
        else _name(value, table)
        for value in values
    ]


def _name(value: Any, table: Mapping[int, str]) -> Any:
    if value is None:
        return None
    if type(value) is list:
        return [_name(part, table) for part in value]
    return table.get(value) or str(value)
