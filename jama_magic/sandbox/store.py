"""The sandbox's live state: the dataset plus the indexes that keep list pages
fast at 100,000 items, guarded by one re-entrant lock.

Item dicts are never edited in place: a write builds a new dict and swaps it
in, so a reader that already holds the old dict serialises a consistent object.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from jama_magic.sandbox.dataset import Dataset
from jama_magic.sandbox.envelope import STATIC_REFS
from jama_magic.sandbox.wire import JsonDict, now_timestamp

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

ParentKey = tuple[str, int]


@dataclass(frozen=True)
class StoreConfig:
    """Behaviour switches for [U]-tagged Jama behaviours (see API.md §24)."""

    clamp_page_size: bool = True
    delete_status: int = 200
    require_last_id: bool = False


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
        self.versions: dict[int, list[JsonDict]] = {}
        self.snapshots: dict[tuple[int, int], JsonDict] = {}
        self.gso_max: dict[int, int] = {}
        self.deleted: dict[int, JsonDict] = {}
        self.search_cache: dict[tuple[object, ...], list[JsonDict]] = {}
        self._item_refs: dict[int, tuple[tuple[str, str], ...]] = {}
        self._build_indexes()

    def _build_indexes(self) -> None:
        for item in self.ds.items.values():
            self.gso_max[item["project"]] = item["location"]["globalSortOrder"]
            self.project_items[item["project"]].append(item["id"])
            self.children.setdefault(parent_key(item), []).append(item["id"])
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
        ids = self.project_rels.get(self.ds.items[rel["fromItem"]]["project"], [])
        ids.sort()

    def _index_relationship(self, rel: JsonDict) -> None:
        self.rels_from.setdefault(rel["fromItem"], []).append(rel["id"])
        self.rels_to.setdefault(rel["toItem"], []).append(rel["id"])
        source = self.ds.items.get(rel["fromItem"])
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

    def abstract_item(self, object_id: int) -> JsonDict | None:
        """An item, test plan, cycle, run or attachment by id."""
        for kind in _ABSTRACT:
            found = getattr(self.ds, kind).get(object_id)
            if found is not None:
                return found  # type: ignore[no-any-return]
        return None

    # -- versions ------------------------------------------------------------------------

    def item_versions(self, item_id: int) -> list[JsonDict]:
        """Version records of an item; generated items start with 1-3 versions."""
        with self.lock:
            found = self.versions.get(item_id)
            if found is None:
                found = self._initial_versions(self.ds.items[item_id])
                self.versions[item_id] = found
            return list(found)

    def _initial_versions(self, item: JsonDict) -> list[JsonDict]:
        count = 1 + item["id"] % 3
        return [
            {
                "item": item["id"],
                "versionNumber": number,
                "changeDetails": "Item created" if number == 1 else "Fields updated",
                "comment": "",
                "createdBy": item["createdBy"] if number == 1 else item["modifiedBy"],
                "createdDate": item["createdDate"] if number == 1 else item["modifiedDate"],
                "type": "versions",
            }
            for number in range(1, count + 1)
        ]

    def record_version(self, old: JsonDict | None, new: JsonDict, change: str, when: str) -> None:
        """Append a version for a write and snapshot the item as it now is."""
        with self.lock:
            history = self.versions.get(new["id"])
            if history is None:
                history = self._initial_versions(old) if old is not None else []
                self.versions[new["id"]] = history
                if old is not None:
                    self.snapshots[(new["id"], len(history))] = old
            history.append(
                {
                    "item": new["id"],
                    "versionNumber": len(history) + 1,
                    "changeDetails": change,
                    "comment": "",
                    "createdBy": self.ds.current_user_id,
                    "createdDate": when,
                    "type": "versions",
                }
            )
            self.snapshots[(new["id"], len(history))] = new

    def versioned_item(self, item_id: int, number: int) -> JsonDict:
        """The item as of a version (generated versions show the generated item)."""
        with self.lock:
            return self.snapshots.get((item_id, number)) or self.ds.items[item_id]

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

    def activity(self, obj: JsonDict, event_type: str, action: str) -> int:
        """Record an activity for a write to ``obj``; returns its id."""
        with self.lock:
            activity_id = max(self.ds.activities, default=0) + 1
            self.ds.activities[activity_id] = {
                "id": activity_id,
                "date": now_timestamp(),
                "details": f"{obj.get('documentKey', '')} {obj.get('fields', {}).get('name', '')}",
                "action": action,
                "user": self.ds.current_user_id,
                "userComment": "",
                "item": obj["id"],
                "eventType": event_type,
                "objectType": _OBJECT_TYPES.get(obj.get("type", ""), "ITEM"),
                "type": "activities",
            }
            self.ds.activity_project[activity_id] = obj.get("project", 0)
            return activity_id

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
