"""Where a frame came from: what ``df.jama.plan()`` compares the edited frame with.

A frame made by jama_magic carries a :class:`FrameOrigin` in
``df.attrs["jama_origin"]``: the connection, each item's raw ``modifiedDate``,
item type and project, the raw field values as Jama sent them, the item type
definitions, the Jama objects its names were resolved from, and a snapshot of
the frame as it was built. pandas carries ``attrs`` through ``.loc`` edits,
copies and filtering; it deep-copies them, so the origin (immutable)
deep-copies to itself and costs nothing per operation. A frame built by hand
has no origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import JamaUsageError

if TYPE_CHECKING:
    import pandas

__all__ = ["ATTR", "FrameOrigin", "ItemOrigin", "NoOriginError", "attach_origin", "origin_of"]

ATTR = "jama_origin"


class NoOriginError(JamaUsageError):
    """The frame was not made by jama_magic, so there is nothing to compare it with."""


@dataclass(frozen=True, kw_only=True)
class ItemOrigin:
    """One item as it was read: what the plan needs to write it back and detect conflicts."""

    id: int
    item_type: int | None
    project: int | None
    modified: str | None
    document_key: str | None
    fields: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True, eq=False)
class FrameOrigin:
    """The origin of one frame (see the module docstring)."""

    connection: str
    base_url: str
    read_at: str | None
    items: Mapping[int, ItemOrigin]
    item_types: Mapping[int, Mapping[str, Any]]
    objects: Mapping[str, Mapping[int, Mapping[str, Any]]]
    columns: Mapping[str, str]  # column -> raw field key
    original: pandas.DataFrame = field(repr=False)
    field_types: Mapping[str, str | None] = field(default_factory=dict)

    def __deepcopy__(self, memo: dict[int, Any]) -> FrameOrigin:
        return self  # immutable: pandas deep-copies attrs on every operation

    def __repr__(self) -> str:
        return f"<FrameOrigin {self.connection}: {len(self.items)} items read {self.read_at}>"

    def spec(self, item_type: int | None, key: str) -> Mapping[str, Any] | None:
        """The field definition of ``key`` on ``item_type`` (None when the type lacks it)."""
        fields = (self.item_types.get(item_type or -1) or {}).get("fields") or ()
        return next((f for f in fields if f.get("name") == key), None)

    def type_name(self, item_type: int | None) -> str:
        obj = self.item_types.get(item_type or -1) or {}
        return str(obj.get("display") or obj.get("typeKey") or f"item type {item_type}")


def item_origins(rows: Iterable[Mapping[str, Any]]) -> dict[int, ItemOrigin]:
    """The :class:`ItemOrigin` of every raw Jama item with an ``id`` and ``fields``."""
    found: dict[int, ItemOrigin] = {}
    for row in rows:
        fields = row.get("fields")
        if type(row.get("id")) is int and isinstance(fields, Mapping):
            found[row["id"]] = ItemOrigin(
                id=row["id"],
                item_type=row.get("itemType"),
                project=row.get("project"),
                modified=row.get("modifiedDate"),
                document_key=row.get("documentKey"),
                fields=fields,
            )
    return found


def attach_origin(frame: pandas.DataFrame, origin: FrameOrigin) -> pandas.DataFrame:
    """Store ``origin`` in ``frame.attrs`` (returns the frame)."""
    frame.attrs[ATTR] = origin
    return frame


def origin_of(frame: pandas.DataFrame) -> FrameOrigin:
    """The frame's origin, or a one-line error saying how to get a frame that has one."""
    origin = frame.attrs.get(ATTR)
    if not isinstance(origin, FrameOrigin):
        raise NoOriginError(
            "this frame has no Jama origin (it was not made by jama_magic, or pandas dropped "
            "its attrs, e.g. in merge/concat): start from r.to_dataframe(resolve=True) "
            "or m.items(...) and edit that frame"
        )
    return origin
