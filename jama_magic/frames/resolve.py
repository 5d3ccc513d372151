"""Ids shown as names: item types, projects, users, pick-list options, releases,
relationship types, and items as document keys.

For every column whose values point to objects of one kind (``Column.ref``),
the ids are looked up first in the response's ``linked`` map (filled by
``include=``, plus any items the caller has at hand), then, for the ids still
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
from typing import Any, Protocol

from .columns import Column

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
) -> list[Column]:
    """Replace ids by names in every column with a reference kind that can be resolved."""
    wanted = _ids_by_kind(columns)
    _prefetch(wanted, linked, names)
    tables = {kind: _names_for(kind, ids, linked, names) for kind, ids in wanted.items()}
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


def _ids_by_kind(columns: list[Column]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for column in columns:
        if column.ref is not None:
            wanted.setdefault(column.ref, set()).update(_ids(column.values))
    return wanted


def _ids(values: list[Any]) -> set[int]:
    found = {value for value in values if type(value) is int}
    for value in values:
        if type(value) is list:
            found.update(part for part in value if type(part) is int)
    return found


def _names_for(
    kind: str,
    ids: set[int],
    linked: Mapping[str, Mapping[str, Any]] | None,
    names: NameSource | None,
) -> dict[int, str]:
    table = _from_linked(kind, ids, linked)
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
    table = tables.get(column.ref or "")
    if not table:
        return column
    if any(type(value) is list for value in column.values):
        values = [_name(value, table) for value in column.values]
    else:
        # The common case (one id per cell) without a call per value.
        get = table.get
        values = [None if v is None else get(v) or str(v) for v in column.values]
    return replace(column, values=values, field_type="NAME")


def _name(value: Any, table: Mapping[int, str]) -> Any:
    if value is None:
        return None
    if type(value) is list:
        return [_name(part, table) for part in value]
    return table.get(value) or str(value)
