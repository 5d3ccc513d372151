"""Item operations besides editing fields: delete and restore, and move."""

from __future__ import annotations

from typing import Any

from jama_magic.sandbox import case_status
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.item_writes import editable
from jama_magic.sandbox.responses import ApiError, not_found
from jama_magic.sandbox.store import Store, parent_key
from jama_magic.sandbox.wire import JsonDict


def delete_item(store: Store, item_id: int) -> None:
    """Soft-delete an item and its subtree (restorable through its activity).

    Its relationships, tags and test-group memberships go with it and come back
    on restore.
    """
    with store.writing():
        item = editable(store, item_id)
        when = store.now()
        removed = [store.ds.items[i] for i in store.subtree(item_id)]
        removed_ids = {gone["id"] for gone in removed}
        store.children[parent_key(item)].remove(item_id)
        rels = _drop_relationships(store, removed_ids, when)
        tags = {i: store.ds.item_tags.pop(i) for i in removed_ids if i in store.ds.item_tags}
        for gone_id, tag_ids in tags.items():
            for tag_id in tag_ids:
                store.tag_items[tag_id].remove(gone_id)
        groups = _leave_groups(store, removed_ids)
        for gone in removed:
            store.ds.items.pop(gone["id"])
            store.history.deleted(gone["id"], when)
        ids = store.project_items[item["project"]]
        ids[:] = [i for i in ids if i not in removed_ids]
        activity_id = store.activity(item, "DELETE", "Deleted", when=when)
        store.deleted[activity_id] = {
            "items": removed,
            "relationships": rels,
            "tags": tags,
            "groups": groups,
        }


def _drop_relationships(store: Store, item_ids: set[int], when: str) -> list[JsonDict]:
    gone = {
        rid: store.ds.relationships[rid]
        for item_id in item_ids
        for index in (store.rels_from, store.rels_to)
        for rid in index.get(item_id, [])
        if rid in store.ds.relationships
    }
    for rel in gone.values():
        store.unindex_relationship(rel)
        store.history.relationship_deleted(rel, when)
    return list(gone.values())


def _leave_groups(store: Store, item_ids: set[int]) -> dict[int, list[int]]:
    """Take deleted test cases out of their test groups; returns the old memberships."""
    before: dict[int, list[int]] = {}
    for group_id, members in store.ds.group_cases.items():
        if any(member in item_ids for member in members):
            before[group_id] = list(members)
            members[:] = [m for m in members if m not in item_ids]
    return before


def restore(store: Store, activity_id: int) -> None:
    """``POST /activities/{id}/restore``: undo the delete recorded by that activity."""
    with store.writing():
        if activity_id not in store.ds.activities:
            raise not_found("activity", activity_id)
        payload = store.deleted.pop(activity_id, None)
        if payload is None:
            raise ApiError(400, f"Activity {activity_id} is not a delete that can be restored.")
        when = store.now()
        for item in payload["items"]:
            store.ds.items[item["id"]] = item
            store.project_items[item["project"]].append(item["id"])
            store.history.restored(item["id"], when)
        top = payload["items"][0]
        store.children.setdefault(parent_key(top), []).append(top["id"])
        _restore_links(store, payload)
        # Runs may have changed while the test cases were deleted.
        restored = {item["id"] for item in payload["items"]}
        case_status.refresh(store.ds.items, store.ds.testruns.values(), restored)
        store.activity(top, "CREATE", "Restored", when=when)


def _restore_links(store: Store, payload: JsonDict) -> None:
    for rel in payload["relationships"]:
        store.ds.relationships[rel["id"]] = rel
        store.index_relationship(rel)
        store.history.rel_gone.pop(rel["id"], None)
        store.history.removed_rels.pop(rel["id"], None)
    for item_id, tag_ids in payload["tags"].items():
        store.ds.item_tags[item_id] = tag_ids
        for tag_id in tag_ids:
            if tag_id in store.ds.tags:
                store.tag_items.setdefault(tag_id, []).append(item_id)
    for group_id, members in payload["groups"].items():
        current = store.ds.group_cases.get(group_id)
        if current is not None:
            wanted = set(current) | set(members)
            current[:] = [m for m in members if m in wanted] + [
                m for m in current if m not in members
            ]


def move(store: Store, item_id: int, body: Any) -> None:
    """``PUT /items/{id}/location {"parent": {...}}``: move within or across projects."""
    body = v.require_object(body)
    with store.writing():
        item = editable(store, item_id)
        parent = body.get("parent")
        project = parent.get("project") if isinstance(parent, dict) else None
        target_project = project if isinstance(project, int) else item["project"]
        if target_project not in store.ds.projects:
            raise ApiError(400, f"Project {target_project} does not exist.")
        if isinstance(parent, dict) and isinstance(parent.get("item"), int):
            target_project = store.ds.items.get(parent["item"], item)["project"]
        target = v.parent_of(store, {"location": body}, target_project)
        if target[0] == "item" and target[1] in store.subtree(item_id):
            raise ApiError(400, f"Item {item_id} cannot be moved under its own descendant.")
        _relocate(store, item, target, target_project)


def _relocate(store: Store, item: JsonDict, target: tuple[str, int], project: int) -> None:
    store.children[parent_key(item)].remove(item["id"])
    if project != item["project"]:
        for member in store.subtree(item["id"]):
            moved = store.ds.items[member]
            store.project_items[moved["project"]].remove(member)
            store.project_items[project].append(member)
            store.ds.items[member] = {**moved, "project": project}
    current = store.ds.items[item["id"]]
    location = store.new_location(project, target)
    store.ds.items[item["id"]] = {**current, "location": location}
    store.children.setdefault(target, []).append(item["id"])
