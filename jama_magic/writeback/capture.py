"""Give a frame made from Jama items its :class:`FrameOrigin` (what ``plan()`` compares with).

Called where frames are made (``resp.to_dataframe``, the mirror) with the raw
items, the ``linked`` map and the name source used to resolve them. The Jama
objects the names came from are kept, so names map back to ids without a
request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .origin import FrameOrigin, attach_origin, item_origins

if TYPE_CHECKING:
    import pandas

__all__ = ["Known", "capture_origin"]

_KINDS = ("picklistoptions", "users", "releases", "projects", "itemtypes")


class Known(Protocol):
    """A name source that can say what it already fetched (``ConnectionLookups``)."""

    def known(self, kind: str) -> Mapping[int, Mapping[str, Any]]: ...

    def item_types(self, ids: Sequence[int]) -> Mapping[int, Mapping[str, Any]]: ...


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
