"""Item operations besides editing fields: delete and restore, lock, move,
tags and attachments on items, duplicate."""

from __future__ import annotations

from typing import Any

from jama_magic.sandbox import case_status
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.item_writes import editable
from jama_magic.sandbox.responses import ApiError, not_found
from jama_magic.sandbox.store import Store, parent_key
from jama_magic.sandbox.wire import JsonDict, now_timestamp


def delete_item(store: Store, item_id: int) -> None:
    """Soft-delete an item and its subtree (restorable through its activity)."""
    with store.writing():
        item = editable(store, item_id)
        removed = [store.ds.items[i] for i in store.subtree(item_id)]
        store.children[parent_key(item)].remove(item_id)
        rels = _drop_relationships(store, {i["id"] for i in removed})
        removed_ids = {gone["id"] for gone in removed}
        for gone in removed:
            store.ds.items.pop(gone["id"])
            for tag_id in store.ds.item_tags.pop(gone["id"], []):
                store.tag_items[tag_id].remove(gone["id"])
        ids = store.project_items[item["project"]]
        ids[:] = [i for i in ids if i not in removed_ids]
        activity_id = store.activity(item, "DELETE", "Deleted")
        store.deleted[activity_id] = {"items": removed, "relationships": rels}


def _drop_relationships(store: Store, item_ids: set[int]) -> list[JsonDict]:
    gone = [
        rel
        for rel in store.ds.relationships.values()
        if rel["fromItem"] in item_ids or rel["toItem"] in item_ids
    ]
    for rel in gone:
        store.unindex_relationship(rel)
    return gone


def restore(store: Store, activity_id: int) -> None:
    """``POST /activities/{id}/restore``: undo the delete recorded by that activity."""
    with store.writing():
        if activity_id not in store.ds.activities:
            raise not_found("activity", activity_id)
        payload = store.deleted.pop(activity_id, None)
        if payload is None:
            raise ApiError(400, f"Activity {activity_id} is not a delete that can be restored.")
        for item in payload["items"]:
            store.ds.items[item["id"]] = item
            store.project_items[item["project"]].append(item["id"])
            if item is not payload["items"][0]:
                continue
            store.children.setdefault(parent_key(item), []).append(item["id"])
        for rel in payload["relationships"]:
            store.ds.relationships[rel["id"]] = rel
            store.index_relationship(rel)
        # Runs may have changed while the test cases were deleted.
        restored = {item["id"] for item in payload["items"]}
        case_status.refresh(store.ds.items, store.ds.testruns.values(), restored)
        store.activity(payload["items"][0], "CREATE", "Restored")


def set_lock(store: Store, item_id: int, body: Any) -> None:
    """``PUT /items/{id}/lock {"locked": bool}``."""
    body = v.require_object(body)
    if not isinstance(body.get("locked"), bool):
        raise ApiError(400, 'The body must be {"locked": true} or {"locked": false}.')
    with store.writing():
        item = store.ds.items.get(item_id)
        if item is None:
            raise not_found("item", item_id)
        holder = item["lock"].get("lockedBy")
        if body["locked"] and item["lock"].get("locked") and holder != store.ds.current_user_id:
            raise ApiError(409, f"Item {item_id} is already locked by user {holder}.")
        lock: JsonDict = {"locked": body["locked"], "lastLockedDate": now_timestamp()}
        if body["locked"]:
            lock["lockedBy"] = store.ds.current_user_id
        store.ds.items[item_id] = {**item, "lock": lock}


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


def add_tag(store: Store, item_id: int, body: Any) -> int:
    """``POST /items/{id}/tags {"tag": id}``; returns the tag id."""
    tag_id = v.require_int(v.require_object(body), "tag")
    with store.writing():
        item = store.ds.items.get(item_id)
        if item is None:
            raise not_found("item", item_id)
        tag = store.ds.tags.get(tag_id)
        if tag is None or tag["project"] != item["project"]:
            raise ApiError(400, f"Tag {tag_id} does not exist in project {item['project']}.")
        current = store.ds.item_tags.setdefault(item_id, [])
        if tag_id in current:
            raise ApiError(400, f"Tag {tag_id} already exists on item {item_id}.")
        current.append(tag_id)
        store.tag_items.setdefault(tag_id, []).append(item_id)
    return tag_id


def remove_tag(store: Store, item_id: int, tag_id: int) -> None:
    """``DELETE /items/{id}/tags/{tagId}``."""
    with store.writing():
        if item_id not in store.ds.items:
            raise not_found("item", item_id)
        current = store.ds.item_tags.get(item_id, [])
        if tag_id not in current:
            raise not_found(f"tag on item {item_id}", tag_id)
        current.remove(tag_id)
        store.tag_items[tag_id].remove(item_id)


def attach(store: Store, item_id: int, body: Any) -> int:
    """``POST /items/{id}/attachments {"attachment": id}``."""
    attachment_id = v.require_int(v.require_object(body), "attachment")
    with store.writing():
        if item_id not in store.ds.items:
            raise not_found("item", item_id)
        if attachment_id not in store.ds.attachments:
            raise ApiError(400, f"Attachment {attachment_id} does not exist.")
        current = store.ds.item_attachments.setdefault(item_id, [])
        if attachment_id in current:
            raise ApiError(400, f"Attachment {attachment_id} already exists on item {item_id}.")
        current.append(attachment_id)
    return attachment_id


def detach(store: Store, item_id: int, attachment_id: int) -> None:
    """``DELETE /items/{id}/attachments/{attachmentId}``."""
    with store.writing():
        current = store.ds.item_attachments.get(item_id, [])
        if attachment_id not in current:
            raise not_found(f"attachment on item {item_id}", attachment_id)
        current.remove(attachment_id)
