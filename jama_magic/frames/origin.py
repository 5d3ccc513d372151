"""Where a frame came from: what ``df.jama.plan()`` compares the edited frame with.

A frame made by jama_magic carries a :class:`FrameOrigin` in
``df.attrs["jama_origin"]``: the connection, each item's raw ``modifiedDate``,
item type and project, the raw field values as Jama sent them, the item type
definitions, the Jama objects its names were resolved from, and a snapshot of
the frame as it was built. pandas carries ``attrs`` through ``.loc`` edits,
copies and filtering; it deep-copies them, so the origin (immutable)
deep-copies to itself and costs nothing per operation. A frame built by hand
has no origin. :func:`capture_origin` is called where frames are made
(``resp.to_dataframe``, the mirror) with the raw items, ``linked`` and the
name source used; the Jama objects the names came from are kept, so
``plan()`` maps names back to ids without a request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import NoOriginError
from .resolve import display_name

if TYPE_CHECKING:
    import pandas

__all__ = [
    "ATTR",
    "FrameOrigin",
    "ItemOrigin",
    "NoOriginError",
    "attach_origin",
    "capture_origin",
    "origin_of",
]

ATTR = "jama_origin"
_KINDS = ("picklistoptions", "users", "releases", "projects", "itemtypes")


class Known(Protocol):
    """A name source that can say what it already fetched (``ConnectionLookups``)."""

    def known(self, kind: str) -> Mapping[int, Mapping[str, Any]]: ...

    def item_types(self, ids: Sequence[int]) -> Mapping[int, Mapping[str, Any]]: ...


@dataclass(frozen=True, kw_only=True)
class ItemOrigin:
    """One item as it was read: what the plan needs to write it back and detect conflicts."""

    id: int
    item_type: int | None
    project: int | None
    modified: str | None
    document_key: str | None
    fields: Mapping[str, Any]
    locked_by: int | None = None  # the user holding the item's lock when it was read


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
        return display_name("itemtypes", obj) or f"item type {item_type}"


def item_origins(rows: Iterable[Mapping[str, Any]]) -> dict[int, ItemOrigin]:
    """The :class:`ItemOrigin` of every raw Jama item with an ``id`` and ``fields``."""
    found: dict[int, ItemOrigin] = {}
    for row in rows:
        if not isinstance(row, Mapping):  # not an item (a list of ids, or a hostile reply)
            continue
        fields = row.get("fields")
        if type(row.get("id")) is int and isinstance(fields, Mapping):
            found[row["id"]] = ItemOrigin(
                id=row["id"],
                item_type=row.get("itemType"),
                project=row.get("project"),
                modified=row.get("modifiedDate"),
                document_key=row.get("documentKey"),
                fields=fields,
                locked_by=_lock_holder(row.get("lock")),
            )
    return found


def _lock_holder(lock: Any) -> int | None:
    if not isinstance(lock, Mapping) or not lock.get("locked"):
        return None
    holder = lock.get("lockedBy")
    return holder if type(holder) is int else None


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


def capture_origin(
    frame: pandas.DataFrame,
    rows: Sequence[Mapping[str, Any]],
    *,
    connection: str,
    base_url: str,
    read_at: str | None,
    linked: Mapping[str, Mapping[str, Any]] | None = None,
    names: Known | None = None,
) -> pandas.DataFrame:
    """Attach the origin of ``frame`` (built from ``rows``) and return the frame."""
    items = item_origins(rows)
    if not items:
        return frame
    objects = _objects(linked, names)
    objects["items"] = {**objects.get("items", {}), **_items_by_id(rows)}
    origin = FrameOrigin(
        connection=connection,
        base_url=base_url,
        read_at=read_at,
        items=items,
        item_types=_item_types(items.values(), objects, names),
        objects=objects,
        columns=dict(frame.attrs.get("field_keys") or {}),
        original=snapshot(frame),
    )
    return attach_origin(frame, origin)


def snapshot(frame: pandas.DataFrame) -> pandas.DataFrame:
    """A copy of ``frame`` that later edits cannot reach (lists frozen as tuples)."""
    copy: pandas.DataFrame = frame.copy(deep=False)  # copy-on-write: shared until edited
    copy.attrs = {}
    for column in copy.columns[copy.dtypes == "object"]:
        values = copy[column].tolist()
        if any(type(value) is list for value in values):
            copy[column] = [tuple(v) if type(v) is list else v for v in values]
    return copy


def _objects(
    linked: Mapping[str, Mapping[str, Any]] | None, names: Known | None
) -> dict[str, dict[int, Mapping[str, Any]]]:
    objects: dict[str, dict[int, Mapping[str, Any]]] = {}
    for kind in (*_KINDS, "items"):
        found = {int(k): v for k, v in ((linked or {}).get(kind) or {}).items() if _int(k)}
        if names is not None and kind in _KINDS:
            found = {**dict(names.known(kind)), **found}
        objects[kind] = found
    return objects


def _items_by_id(rows: Sequence[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    return {row["id"]: row for row in rows if type(row.get("id")) is int}


def _item_types(
    items: Any, objects: Mapping[str, Mapping[int, Mapping[str, Any]]], names: Known | None
) -> dict[int, Mapping[str, Any]]:
    wanted = {item.item_type for item in items if type(item.item_type) is int}
    found = {tid: objects["itemtypes"][tid] for tid in wanted if tid in objects["itemtypes"]}
    missing = sorted(wanted - found.keys())
    if missing and names is not None:
        found.update(names.item_types(missing))
    return found


def _int(key: Any) -> bool:
    return str(key).isdigit()
