"""The sandbox's live state: the dataset plus the indexes that keep list pages
fast at 100,000 items, guarded by one re-entrant lock.

Item dicts are never edited in place: a write builds a new dict and swaps it
in, so a reader that already holds the old dict serialises a consistent object.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from jama_magic.sandbox.dataset import Dataset
from jama_magic.sandbox.envelope import STATIC_REFS
from jama_magic.sandbox.history import History
from jama_magic.sandbox.wire import JsonDict, gc_paused

_FIELD_LINKS = {
    "LOOKUP": "picklistoptions",
    "MULTI_LOOKUP": "picklistoptions",
    "USER": "users",
    "RELEASE": "releases",
    "DOCUMENT_TYPE_ITEM_LOOKUP": "items",
}
_ABSTRACT = ("items", "testplans", "testcycles", "testruns", "attachments")

_OBJECT_TYPES = {
    "items": "ITEM",
    "relationships": "RELATIONSHIP",
    "testplans": "TEST_PLAN",
    "testcycles": "TEST_CYCLE",
    "testruns": "TEST_RUN",
    "tags": "TAG",
}

_RELATIONSHIP_EVENT_REFS = (("user", "users"), ("item", "relationships"))

ParentKey = tuple[str, int]


@dataclass(frozen=True)
class StoreConfig:
    """Behaviour switches for [U]-tagged Jama behaviours (see API.md §24)."""

    clamp_page_size: bool = True
    delete_status: int = 200
    require_last_id: bool = True
    lenient: bool = False


class Store:
    """Thread-safe state with indexes over the dataset."""

    def __init__(self, dataset: Dataset, config: StoreConfig | None = None) -> None:
        self.ds = dataset
        self.config = config or StoreConfig()
        self.lock = threading.RLock()
        self.revision = 0
        self.project_items: dict[int, list[int]] = {pid: [] for pid in dataset.projects}
        self.children: dict[ParentKey, list[int]] = {}
        self.rels_from: dict[int, list[int]] = {}
        self.rels_to: dict[int, list[int]] = {}
        self.project_rels: dict[int, list[int]] = {pid: [] for pid in dataset.projects}
        self.tag_items: dict[int, list[int]] = {}
        self.history = History(dataset)
        self.next_activity = max(dataset.activities, default=0) + 1
        self.activity_ends: dict[int, tuple[int, ...]] = {}
        self.gso_max: dict[int, int] = {}
        self.deleted: dict[int, JsonDict] = {}
        self.search_cache: dict[tuple[object, ...], list[JsonDict]] = {}
        self._item_refs: dict[int, tuple[tuple[str, str], ...]] = {}
        self.global_ids: dict[str, list[int]] = {}
        with gc_paused():
            self._build_indexes()

    def _build_indexes(self) -> None:
        for item in self.ds.items.values():
            self.gso_max[item["project"]] = item["location"]["globalSortOrder"]
            self.project_items[item["project"]].append(item["id"])
            self.children.setdefault(parent_key(item), []).append(item["id"])
            self.global_ids.setdefault(item["globalId"], []).append(item["id"])
        for rel in self.ds.relationships.values():
            self._index_relationship(rel)
        for item_id, tag_ids in self.ds.item_tags.items():
            for tag_id in tag_ids:
                self.tag_items.setdefault(tag_id, []).append(item_id)

    def unindex_relationship(self, rel: JsonDict) -> None:
        """Remove a relationship from the tables and indexes."""
        self.ds.relationships.pop(rel["id"], None)
        for index, key in ((self.rels_from, rel["fromItem"]), (self.rels_to, rel["toItem"])):
            if rel["id"] in index.get(key, []):
                index[key].remove(rel["id"])
        for ids in self.project_rels.values():
            if rel["id"] in ids:
                ids.remove(rel["id"])
                break

    def index_relationship(self, rel: JsonDict) -> None:
        """Add a relationship (already in the table) to the indexes."""
        self._index_relationship(rel)
        source = self.abstract_item(rel["fromItem"]) or {}
        self.project_rels.get(source.get("project", 0), []).sort()

    def _index_relationship(self, rel: JsonDict) -> None:
        self.rels_from.setdefault(rel["fromItem"], []).append(rel["id"])
        self.rels_to.setdefault(rel["toItem"], []).append(rel["id"])
        source = self.ds.items.get(rel["fromItem"]) or self.abstract_item(rel["fromItem"])
        if source is not None:
            self.project_rels[source["project"]].append(rel["id"])

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the lock for a write and invalidate cached searches afterwards."""
        with self.lock:
            try:
                yield
            finally:
                self.revision += 1
                self.search_cache.clear()

    # -- links and lookups -------------------------------------------------------------

    def refs_for(self, obj: JsonDict) -> tuple[tuple[str, str], ...]:
        """Reference paths of an object (items add their item type's reference fields)."""
        kind = obj.get("type", "")
        if kind == "activities" and obj.get("objectType") == "RELATIONSHIP":
            return _RELATIONSHIP_EVENT_REFS
        if kind != "items":
            return STATIC_REFS.get(kind, ())
        type_id = obj.get("itemType", 0)
        refs = self._item_refs.get(type_id)
        if refs is None:
            refs = STATIC_REFS["items"] + self._field_refs(type_id)
            self._item_refs[type_id] = refs
        return refs

    def _field_refs(self, type_id: int) -> tuple[tuple[str, str], ...]:
        itemtype = self.ds.itemtypes.get(type_id, {})
        return tuple(
            (f"fields.{spec['name']}", _FIELD_LINKS[spec["fieldType"]])
            for spec in itemtype.get("fields", [])
            if spec["fieldType"] in _FIELD_LINKS
        )

    def resolve(self, kind: str, object_id: int) -> JsonDict | None:
        """The object of a link type and id, or None."""
        if kind == "abstractitems":
            return self.abstract_item(object_id)
        table = getattr(self.ds, kind, None)
        return table.get(object_id) if isinstance(table, dict) else None

    def lookup(self, kind: str, object_id: int) -> JsonDict | None:
        """An object of a path's first segment (``items``, ``testplans``, ...,
        ``abstractitems`` meaning any of them) by id, or None."""
        if kind == "abstractitems":
            return self.abstract_item(object_id)
        table = getattr(self.ds, kind, None) if kind in _ABSTRACT else None
        return table.get(object_id) if isinstance(table, dict) else None

    def replace(self, obj: JsonDict) -> None:
        """Swap in a new dict for an abstract item (its table follows from ``type``)."""
        getattr(self.ds, obj["type"])[obj["id"]] = obj

    def synced_with(self, item: JsonDict) -> list[int]:
        """Ids of the other live items sharing ``item``'s globalId (Jama's synced items)."""
        ids = self.global_ids.get(item["globalId"], [])
        return [i for i in ids if i != item["id"] and i in self.ds.items]

    def abstract_item(self, object_id: int) -> JsonDict | None:
        """An item, test plan, cycle, run or attachment by id."""
        for kind in _ABSTRACT:
            found = getattr(self.ds, kind).get(object_id)
            if found is not None:
                return found  # type: ignore[no-any-return]
        return None

    # -- helpers for writes ------------------------------------------------------------

    def next_document_key(self, project: int, type_key: str) -> str:
        """``PROJ-TYPE-n`` with the next free n."""
        key = (project, type_key)
        self.ds.doc_counters[key] = self.ds.doc_counters.get(key, 0) + 1
        return f"{self.ds.projects[project]['projectKey']}-{type_key}-{self.ds.doc_counters[key]}"

    def new_location(self, project: int, parent: ParentKey) -> JsonDict:
        """Location for a new last child of ``parent``."""
        order = len(self.children.get(parent, []))
        if parent[0] == "item":
            sequence = f"{self.ds.items[parent[1]]['location']['sequence']}.{order + 1}"
        else:
            sequence = str(order + 1)
        self.gso_max[project] = self.gso_max.get(project, 1000) + 1
        return {
            "sortOrder": order,
            "globalSortOrder": self.gso_max[project],
            "sequence": sequence,
            "parent": {parent[0]: parent[1]},
        }

    def subtree(self, item_id: int) -> list[int]:
        """The item and all its descendants, in outline order."""
        result, stack = [], [item_id]
        while stack:
            current = stack.pop()
            result.append(current)
            stack.extend(reversed(self.children.get(("item", current), [])))
        return result

    def activity(
        self,
        obj: JsonDict,
        event_type: str,
        action: str,
        *,
        when: str | None = None,
        object_type: str | None = None,
        ends: tuple[int, ...] = (),
    ) -> int:
        """Record an activity for a write to ``obj``; returns its id.

        ``ends`` are the items a relationship event also concerns (for their
        ``/items/{id}/activities``).
        """
        with self.lock:
            activity_id = self.next_activity
            self.next_activity += 1
            name = obj.get("fields", {}).get("name", "")
            self.ds.activities[activity_id] = {
                "id": activity_id,
                "date": when or self.now(),
                "details": f"{obj.get('documentKey', '')} {name}".strip() or _describe(obj),
                "action": action,
                "user": self.ds.current_user_id,
                "userComment": "",
                "item": obj["id"],
                "eventType": event_type,
                "objectType": object_type or _OBJECT_TYPES.get(obj.get("type", ""), "ITEM"),
                "type": "activities",
            }
            self.ds.activity_project[activity_id] = obj.get("project") or self._project_of(obj)
            if ends:
                self.activity_ends[activity_id] = ends
            return activity_id

    def _project_of(self, obj: JsonDict) -> int:
        source = self.abstract_item(obj.get("fromItem", 0)) or {}
        return int(source.get("project", 0))

    def now(self) -> str:
        """A write's timestamp: now, and strictly later than every earlier one."""
        with self.lock:
            return self.history.now()

    def touch(self, item_ids: Iterable[int], when: str) -> None:
        """Set ``lastActivityDate`` of live items (a relationship or tag changed)."""
        for item_id in item_ids:
            for table in (self.ds.items, self.ds.testplans, self.ds.testruns):
                found = table.get(item_id)
                if found is not None:
                    touched = {**found, "lastActivityDate": when}
                    touched["type"] = touched.pop("type")
                    table[item_id] = touched

    def next_relationship_id(self) -> int:
        """A fresh relationship id (never one a deleted relationship had)."""
        with self.lock:
            used = max(self.ds.relationships, default=0), max(self.history.removed_rels, default=0)
            return max(used) + 1

    def next_id(self) -> int:
        """A fresh id in the shared item id space."""
        with self.lock:
            value = self.ds.next_id
            self.ds.next_id += 1
            return value


def parent_key(item: JsonDict) -> ParentKey:
    """``("project", id)`` for root items, ``("item", id)`` otherwise."""
    parent = item["location"]["parent"]
    if "item" in parent:
        return ("item", parent["item"])
    return ("project", parent["project"])


def _describe(obj: JsonDict) -> str:
    if obj.get("type") == "relationships":
        return f"Relationship {obj['id']}: item {obj['fromItem']} to item {obj['toItem']}"
    return f"{obj.get('type', 'object')} {obj['id']}"
