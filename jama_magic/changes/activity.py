"""Which items' relationships can differ between two dates, from the activity log.

Jama has no bulk read of a baseline's relationships: they are read item by
item (``…/versioneditems/{id}/versionedrelationships``). So the diff reads
them only for the items whose relationships may have changed, found in bulk:

* every relationship written (created, changed or deleted) between the two
  dates is a ``RELATIONSHIP`` activity (``GET /activities?project=&objectType=
  RELATIONSHIP&date=A&date=B``, a page or two); its items are
  ``/activities/{id}/affecteditems`` (one small read per relationship written,
  and only the items that still exist);
* deleting an item drops its relationships without a relationship activity,
  so the items deleted since the first date (``eventType=DELETE``) and the
  items under them in either baseline are suspects too;
* items added or removed between the baselines are always read (the caller's).

Where this cannot be exact it falls back to the wider set the caller gives
(the items with any activity since the first date): when a relationship was
*changed* (its old ends are not in the log), or when more relationships were
written than there are items to read one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .fetch import get_many

if TYPE_CHECKING:
    from ..client import JamaClient

__all__ = ["relationship_suspects"]

JsonDict = Mapping[str, Any]


def relationship_suspects(
    client: JamaClient,
    project: Any,
    dates: tuple[str, str | None],
    items: list[JsonDict],
    wider: Callable[[], set[int]],
) -> set[int]:
    """Ids of items whose relationships may differ between ``dates`` (``None``: now).

    ``items`` are the baselines' items (for the places of deleted items);
    ``wider`` gives the fallback set (see the module docstring).
    """
    since, until = dates
    window = [since] if until is None else [since, until]
    query = {"project": project, "objectType": "RELATIONSHIP", "date": window}
    deletes = {"project": project, "eventType": "DELETE", "date": [since]}
    written, deleted = get_many(
        client, [("/activities", query, True), ("/activities", deletes, True)]
    )
    written = [event for event in written or [] if isinstance(event, Mapping) and "id" in event]
    gone = _with_descendants(_deleted_items(deleted or []), items)
    many = len(written) > len({item["id"] for item in items})  # cheaper item by item
    if many or any(event.get("eventType") == "UPDATE" for event in written):
        return gone | wider()
    urls = [(f"/activities/{event['id']}/affecteditems", None, True) for event in written]
    ends = get_many(client, urls)
    return gone | {row["id"] for rows in ends for row in rows or [] if _has_id(row)}


def _deleted_items(events: Iterable[Any]) -> set[int]:
    return {
        event["item"]
        for event in events
        if isinstance(event, Mapping)
        and event.get("objectType") != "RELATIONSHIP"
        and type(event.get("item")) is int
    }


def _with_descendants(tops: set[int], items: list[JsonDict]) -> set[int]:
    """``tops`` and every item under one of them in either baseline."""
    children: dict[int, set[int]] = {}
    for item in items:
        parent = _parent(item)
        if parent is not None:
            children.setdefault(parent, set()).add(item["id"])
    found, todo = set(tops), list(tops)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _parent(item: JsonDict) -> int | None:
    place = item.get("baselineLocation") or item.get("location") or {}
    parent = place.get("parent") if isinstance(place, Mapping) else None
    value = parent.get("item") if isinstance(parent, Mapping) else None
    return value if type(value) is int else None


def _has_id(row: Any) -> bool:
    return isinstance(row, Mapping) and type(row.get("id")) is int
