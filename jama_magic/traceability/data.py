"""What a trace is computed from: items, relationships and lookups, wherever they came from.

The network (:mod:`.network`) and the mirror (:mod:`.mirrored`) are two sources of one
:class:`TraceData`; everything after it (:mod:`.compute`, :class:`Trace`) is pure and
needs no connection.

The item frame has one row per item, ``id`` as the index and the columns ``documentKey``,
``name``, ``itemType`` (id), ``project``, ``parent`` (the parent item's id, missing at the
top of a project) and ``sequence`` (``"1.2.3"``); the relationship frame one row per
relationship with ``fromItem``, ``toItem``, ``relationshipType`` (id) and ``suspect``.
These are the column names of ``resp.df`` with ``resolve=False``, so the DataFrame view of
``/abstractitems`` and ``/relationships`` responses is a valid input as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..frames.resolve import display_name

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ITEM_COLUMNS",
    "RELATIONSHIP_COLUMNS",
    "Lookups",
    "TraceData",
    "container_types",
    "item_frame",
    "relationship_frame",
    "set_types",
]

ITEM_COLUMNS = ("documentKey", "name", "itemType", "project", "parent", "sequence")
RELATIONSHIP_COLUMNS = ("fromItem", "toItem", "relationshipType", "suspect")

#: item types (id → Jama's item type object) and relationship types (id → name)
Lookups = tuple[Mapping[int, Mapping[str, Any]], Mapping[int, str]]


@dataclass(frozen=True, kw_only=True)
class TraceData:
    """A project's items and relationships with the names of their types."""

    projects: tuple[int, ...]
    items: pd.DataFrame
    relationships: pd.DataFrame
    item_types: Mapping[int, Mapping[str, Any]]
    relationship_types: Mapping[int, str]
    web_url: str | None = None
    source: str = ""
    requests: int | None = None
    notes: tuple[str, ...] = field(default=())

    def type_name(self, type_id: int) -> str:
        """The display name of an item type (its id as text when unknown)."""
        return display_name("itemtypes", self.item_types.get(type_id) or {}) or str(type_id)

    def set_types(self) -> set[int]:
        """Ids of the set item types."""
        return set_types(self.item_types)


def set_types(item_types: Mapping[int, Mapping[str, Any]]) -> set[int]:
    """Ids of the set item types."""
    return {tid for tid, obj in item_types.items() if _is_set(obj)}


def container_types(item_types: Mapping[int, Mapping[str, Any]]) -> set[int]:
    """Ids of the set and folder item types (what items are grouped under)."""
    return set_types(item_types) | {tid for tid, obj in item_types.items() if _is_folder(obj)}


def _is_set(obj: Mapping[str, Any]) -> bool:
    return obj.get("category") == "SET" or obj.get("typeKey") == "SET"


def _is_folder(obj: Mapping[str, Any]) -> bool:
    return obj.get("category") == "FOLDER" or obj.get("typeKey") == "FLD"


def item_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The item frame of Jama item objects (as ``/abstractitems`` returns them)."""
    import pandas as pd

    records = [_item_record(row) for row in rows if isinstance(row, Mapping)]
    frame: pd.DataFrame = pd.DataFrame.from_records(
        records, columns=["id", *ITEM_COLUMNS], index="id"
    )
    return frame


def _item_record(row: Mapping[str, Any]) -> tuple[Any, ...]:
    fields, location = _mapping(row.get("fields")), _mapping(row.get("location"))
    parent = _mapping(location.get("parent"))
    return (
        row.get("id"),
        row.get("documentKey") or fields.get("documentKey"),
        fields.get("name"),
        row.get("itemType"),
        row.get("project"),
        parent.get("item"),
        location.get("sequence"),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def relationship_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The relationship frame of Jama relationship objects."""
    import pandas as pd

    records = [
        (row.get("id"), *(row.get(name) for name in RELATIONSHIP_COLUMNS))
        for row in rows
        if isinstance(row, Mapping)
    ]
    frame: pd.DataFrame = pd.DataFrame.from_records(
        records, columns=["id", *RELATIONSHIP_COLUMNS], index="id"
    )
    return frame
