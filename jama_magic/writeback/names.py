"""Names back to ids, from the objects the frame's names were resolved from (no request).

Pick-list options are looked up within the field's pick list, releases within
the item's project, so ``"Approved"`` maps to the option of the right pick
list for each row's item type. Users match by display name or username.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..frames.resolve import display_name

__all__ = ["NameIndex", "UnknownName"]

_SHOWN = 25


class UnknownName(ValueError):
    """A name that is not among the valid ones (the message lists them)."""


class NameIndex:
    """``name -> id`` tables per kind (and per pick list / project), built on first use."""

    def __init__(self, objects: Mapping[str, Mapping[int, Mapping[str, Any]]]) -> None:
        self._objects = objects
        self._tables: dict[tuple[str, Any], dict[str, list[int]]] = {}

    def id_for(self, kind: str, name: str, *, group: Any = None, what: str) -> int:
        """The id named ``name`` (``group``: the pick list or project it must belong to)."""
        table = self._table(kind, group)
        ids = table.get(name) or table.get(name.strip()) or []
        if len(set(ids)) == 1:
            return ids[0]
        if ids:
            raise UnknownName(
                f"{name!r} is ambiguous for {what} (ids {sorted(set(ids))}): use an id"
            )
        raise UnknownName(f"{name!r} is not a valid {what}; valid: {_listing(table)}")

    def ids(self, kind: str, group: Any = None) -> set[int]:
        """Every known id of ``kind`` (within ``group``)."""
        return {i for ids in self._table(kind, group).values() for i in ids}

    def _table(self, kind: str, group: Any) -> dict[str, list[int]]:
        key = (kind, group)
        if key not in self._tables:
            self._tables[key] = self._build(kind, group)
        return self._tables[key]

    def _build(self, kind: str, group: Any) -> dict[str, list[int]]:
        table: dict[str, list[int]] = {}
        for number, obj in (self._objects.get(kind) or {}).items():
            if group is not None and _group_of(kind, obj) != group:
                continue
            for name in _names(kind, obj):
                table.setdefault(name, []).append(int(number))
        return table


def _group_of(kind: str, obj: Mapping[str, Any]) -> Any:
    return obj.get("pickList") if kind == "picklistoptions" else obj.get("project")


def _names(kind: str, obj: Mapping[str, Any]) -> set[str]:
    names = {display_name(kind, obj)}
    if kind == "users":
        names.add(obj.get("username"))
    if kind == "itemtypes":
        names.add(obj.get("typeKey"))
    return {name for name in names if isinstance(name, str) and name}


def _listing(table: Mapping[str, list[int]]) -> str:
    if not table:
        return "none known (the frame's names came from no such objects): use an id"
    names = sorted(table)
    more = f", ... ({len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    return ", ".join(names[:_SHOWN]) + more
