"""Names back to ids, from the objects the frame's names were resolved from (no request).

Pick-list options are looked up within the field's pick list, releases within
the item's project, so ``"Approved"`` maps to the option of the right pick
list for each row's item type. Users match by display name or username.

An option given by id is checked against the field's pick list; when the
frame's objects hold none of that pick list (a frame read without
``resolve=True``), its options come from the connection's lookups (read once
a session: ``/picklistoptions/{id}`` and its pick list's options).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ..frames.resolve import display_name

__all__ = ["NameIndex", "UnknownName"]

_SHOWN = 25


class UnknownName(ValueError):
    """A name that is not among the valid ones (the message lists them)."""


class Fetcher(Protocol):
    """Where objects the frame lacks come from (a connection's ``ConnectionLookups``)."""

    def objects(self, kind: str, ids: list[int]) -> Mapping[int, Mapping[str, Any]]: ...


class NameIndex:
    """``name -> id`` tables per kind (and per pick list / project), built on first use."""

    def __init__(
        self, objects: Mapping[str, Mapping[int, Mapping[str, Any]]], fetch: Fetcher | None = None
    ) -> None:
        self._objects = {kind: dict(found) for kind, found in objects.items()}
        self._fetch = fetch
        self._tables: dict[tuple[str, Any], dict[str, list[int]]] = {}

    def has_name(self, kind: str, name: str, *, group: Any = None) -> bool:
        """Whether ``name`` names an object of ``kind`` (within ``group``)."""
        table = self._table(kind, group)
        return name in table or name.strip() in table

    def checked_id(self, kind: str, number: int, *, group: Any = None, what: str) -> int:
        """``number`` when it is an option of the pick list ``group`` (other kinds: as given)."""
        if kind != "picklistoptions" or number in self.ids(kind, group):
            return number
        if self._fetch is not None:
            self._learn(kind, self._fetch.objects(kind, [number]))
            if number in self.ids(kind, group):
                return number
        if not self.ids(kind, group) and self._fetch is None:
            return number  # nothing to check against (connection gone): Jama checks it
        valid = _listing(self._table(kind, group), ids=True)
        raise UnknownName(f"{number} is not the id of a valid {what}; valid: {valid}")

    def _learn(self, kind: str, found: Mapping[int, Mapping[str, Any]]) -> None:
        self._objects.setdefault(kind, {}).update(found)
        self._tables = {key: t for key, t in self._tables.items() if key[0] != kind}

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


def _listing(table: Mapping[str, list[int]], *, ids: bool = False) -> str:
    if not table:
        return "none known (the frame's names came from no such objects): use an id"
    names = sorted(table)
    shown = [f"{n} ({', '.join(map(str, sorted(set(table[n]))))})" if ids else n for n in names]
    more = f", ... ({len(names) - _SHOWN} more)" if len(names) > _SHOWN else ""
    return ", ".join(shown[:_SHOWN]) + more
