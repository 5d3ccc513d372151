"""What a sync reads from Jama: a full read, or only what changed since the last sync.

Everything goes through the connection's client (``all_pages=True``: concurrent
paging, the shared rate limit, retries), on jama_magic's I/O loop, the reads of
a project running side by side. Nothing here writes to the mirror: a sync
reads first and stores afterwards, in one transaction (see ``sync``).

Full read of project P, side by side: ``/projects/P`` (the server's clock),
``/items?project=P``, ``/relationships?project=P`` (several ``lastId`` chains
side by side, by the shared keyset paging), and the lookups (needed after a full read
anyway).

Changes since T (the server time of the previous sync minus ``OVERLAP``):
``/abstractitems?project=P&lastActivityDate=T`` (items created or changed),
``/activities?project=P&date=T&objectType=ITEM&eventType=DELETE`` (deleted
items), ``/activities?...&objectType=RELATIONSHIP`` (relationship events: new
ones are read with ``lastId`` after the newest stored one, changed ones one by
one, deleted ones removed).

Lookups (item types, users, projects, releases, pick-list options of the
fields in use) are read on the first sync, on ``full=True``, when older than
``LOOKUP_MAX_AGE`` and when a changed item points to an id they do not hold.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..paging import Progress
from ..response import JamaResponse

__all__ = ["OVERLAP", "Changes", "Lookups", "Reader"]

OVERLAP = dt.timedelta(minutes=5)  # clock skew and writes committed while the last sync read
LOOKUP_MAX_AGE = dt.timedelta(days=1)
_PICK_TYPES = frozenset({"LOOKUP", "MULTI_LOOKUP"})


@dataclass
class Changes:
    """What one project's read brought: items and relationships to store, ids to remove."""

    project: int
    server_time: str
    items: list[dict[str, Any]] = field(default_factory=list)
    deleted_items: set[int] = field(default_factory=set)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    deleted_relationships: set[int] = field(default_factory=set)
    full: bool = False


@dataclass
class Lookups:
    """Lookup objects by table: item_types, users, projects, releases, pick_list_options."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


ProgressFactory = Callable[[str], Progress | None]


class Reader:
    """Reads from one client, counting requests."""

    def __init__(self, client: Any, progress: ProgressFactory) -> None:
        self.client = client
        self.progress = progress
        self.requests = 0

    async def get(
        self, url: str, query: Any = None, *, all_pages: bool = False, label: str = ""
    ) -> JamaResponse:
        bar = self.progress(label) if all_pages and label else None
        resp: JamaResponse = await self.client.arequest(
            "GET", url, query=query, all_pages=all_pages, progress=bar
        )
        self.requests += max(resp.pages, 1)
        return resp

    async def full(self, project: int) -> Changes:
        """Every item and relationship of ``project``."""
        # The clock is read alongside: OVERLAP covers what it reads a moment late.
        clock, items, rels = await asyncio.gather(
            self.get(f"/projects/{project}"),
            self.get(
                "/items", {"project": project}, all_pages=True, label=f"items of project {project}"
            ),
            self.get(
                "/relationships",
                {"project": project},
                all_pages=True,
                label=f"relationships of project {project}",
            ),
        )
        return Changes(
            project=project,
            server_time=_timestamp(clock),
            items=list(items.data or []),
            relationships=list(rels.data or []),
            full=True,
        )

    async def changes(self, project: int, since: str, newest_relationship: int) -> Changes:
        """What changed in ``project`` since ``since`` (a server timestamp)."""
        clock = await self.get(f"/projects/{project}")
        start = _minus(since, OVERLAP)
        items, deleted, rel_events = await asyncio.gather(
            self.get(
                "/abstractitems", {"project": project, "lastActivityDate": start}, all_pages=True
            ),
            self._events(project, start, "ITEM", "DELETE"),
            self._events(project, start, "RELATIONSHIP", None),
        )
        found = Changes(project=project, server_time=_timestamp(clock))
        found.items = [row for row in items.data or [] if row.get("type") == "items"]
        found.deleted_items = {int(e["item"]) for e in deleted if e.get("item") is not None}
        await self._relationships(found, project, rel_events, newest_relationship)
        return found

    async def _events(
        self, project: int, start: str, object_type: str, event_type: str | None
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"project": project, "date": start, "objectType": object_type}
        if event_type:
            query["eventType"] = event_type
        resp = await self.get("/activities", query, all_pages=True)
        # The filters again on our side: a server that ignores one must not cost exactness.
        return [
            e
            for e in resp.data or []
            if e.get("objectType") == object_type
            and (event_type is None or e.get("eventType") == event_type)
            and str(e.get("date") or "") >= start
        ]

    async def _relationships(
        self, found: Changes, project: int, events: list[dict[str, Any]], newest: int
    ) -> None:
        kinds = {str(e.get("eventType")) for e in events}
        found.deleted_relationships = {
            int(e["item"]) for e in events if e.get("eventType") == "DELETE"
        }
        if "CREATE" in kinds:
            resp = await self.get(
                "/relationships", {"project": project, "lastId": newest}, all_pages=True
            )
            found.relationships.extend(resp.data or [])
        changed = {int(e["item"]) for e in events if e.get("eventType") == "UPDATE"}
        changed -= found.deleted_relationships | {r["id"] for r in found.relationships}
        for rel_id in sorted(changed):
            resp = await self.get(f"/relationships/{rel_id}")
            found.relationships.append(dict(resp.data))

    async def lookups(self, projects: Iterable[int]) -> Lookups:
        """Item types, users, projects, releases of ``projects``, options of pick lists in use."""
        types, rel_types, users, all_projects, *releases = await asyncio.gather(
            self.get("/itemtypes", all_pages=True),
            self.get("/relationshiptypes", all_pages=True),
            self.get("/users", {"includeInactive": "true"}, all_pages=True),
            self.get("/projects", all_pages=True),
            *(self.get("/releases", {"project": p}, all_pages=True) for p in projects),
        )
        pick_lists = sorted(_pick_lists(types.data or []))
        options = await asyncio.gather(
            *(self.get(f"/picklists/{p}/options", all_pages=True) for p in pick_lists)
        )
        return Lookups(
            tables={
                "item_types": list(types.data or []),
                "relationship_types": list(rel_types.data or []),
                "users": list(users.data or []),
                "projects": list(all_projects.data or []),
                "releases": [row for resp in releases for row in resp.data or []],
                "pick_list_options": [row for resp in options for row in resp.data or []],
            }
        )


def _pick_lists(item_types: Iterable[Mapping[str, Any]]) -> set[int]:
    return {
        int(f["pickList"])
        for t in item_types
        for f in t.get("fields") or ()
        if f.get("fieldType") in _PICK_TYPES and f.get("pickList") is not None
    }


def _timestamp(resp: JamaResponse) -> str:
    stamp = resp.meta.get("timestamp")
    if isinstance(stamp, str) and stamp:
        return stamp
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _minus(stamp: str, delta: dt.timedelta) -> str:
    when = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z") - delta
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
