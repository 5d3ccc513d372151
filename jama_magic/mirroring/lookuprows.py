"""Lookup tables of the mirror (item types, users, projects, releases, pick-list options,
relationship types), and the names the DataFrame view shows for their ids.

Each table keeps ``id``, the display name the DataFrame view uses
(``frames.resolve.display_name``), a few keys worth querying, and the whole
object as JSON. ``MirrorNames`` serves ``frames.NameSource`` from them, so
``m.items()`` resolves names with no network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..frames.resolve import display_name
from .db import rows, run

if TYPE_CHECKING:
    import duckdb

__all__ = ["KIND_TABLES", "MirrorNames", "write_lookups"]

# NameSource kind -> mirror table
KIND_TABLES = {
    "itemtypes": "item_types",
    "users": "users",
    "projects": "projects",
    "releases": "releases",
    "picklistoptions": "pick_list_options",
    "relationshiptypes": "relationship_types",
}
_TABLE_KINDS = {table: kind for kind, table in KIND_TABLES.items()}
_EXTRA = {
    "item_types": ("typeKey", "display", "obj"),
    "users": ("username", "name", "obj"),
    "projects": ("projectKey", "name", "obj"),
    "releases": ("project", "name", "obj"),
    "pick_list_options": ("pickList", "name", "obj"),
    "relationship_types": ("name", "obj"),
}


def write_lookups(
    con: duckdb.DuckDBPyConnection, tables: Mapping[str, Sequence[Mapping[str, Any]]]
) -> None:
    """Replace each given lookup table by the objects read from Jama."""
    for table, objects in tables.items():
        run(con, f"delete from {table}")
        for obj in {int(o["id"]): o for o in objects if o.get("id") is not None}.values():
            run(con, _insert_sql(table), [int(obj["id"]), *_values(table, obj)])
        run(con, "insert or replace into lookups_fetched values (?, now())", [table])


def _insert_sql(table: str) -> str:
    marks = ", ".join("?" for _ in range(len(_EXTRA[table]) + 1))
    return f"insert into {table} values ({marks})"


def _values(table: str, obj: Mapping[str, Any]) -> list[Any]:
    name = display_name(_TABLE_KINDS[table], obj)
    found = obj.get("fields")
    fields: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    values: list[Any] = []
    for column in _EXTRA[table]:
        if column == "obj":
            values.append(json.dumps(obj))
        elif column in ("name", "display"):
            values.append(name)
        else:
            values.append(obj.get(column, fields.get(column)))
    return values


class MirrorNames:
    """``frames.NameSource`` over the mirror's lookup tables (no network)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def names(self, kind: str, ids: Iterable[int]) -> dict[int, str]:
        table = KIND_TABLES.get(kind)
        if table is None:
            return {}
        column = "display" if table == "item_types" else "name"
        found = rows(
            self.con,
            f"select id, {column} from {table} where id in (select unnest(?))",
            [list(ids)],
        )
        return {int(key): str(name) for key, name in found if name is not None}

    def item_types(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        found = rows(
            self.con, "select id, obj from item_types where id in (select unnest(?))", [list(ids)]
        )
        return {int(key): json.loads(obj) for key, obj in found}
