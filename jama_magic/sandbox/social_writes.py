"""Writes that items, test plans, runs and attachments share: lock, tags,
attachments, URL links and comments, plus synced items and workflow transitions.

Each takes the object's kind (its table: ``items``, ``testplans``, ...) and id,
and records an activity where Jama does (tags, attachments, links, comments)
and touches the object's ``lastActivityDate``, so an incremental sync sees it.
"""

from __future__ import annotations

from typing import Any

from jama_magic.sandbox import item_writes, workflow
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.responses import ApiError, not_found
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict


def _live(store: Store, kind: str, obj_id: int) -> JsonDict:
    found = store.lookup(kind, obj_id)
    if found is None:
        raise not_found(kind.removesuffix("s"), obj_id)
    return found


def _noted(store: Store, obj: JsonDict, object_type: str, action: str) -> None:
    when = store.now()
    store.activity(obj, "UPDATE", action, when=when, object_type=object_type)
    store.touch((obj["id"],), when)


def set_lock(store: Store, kind: str, obj_id: int, body: Any) -> None:
    """``PUT /{kind}/{id}/lock {"locked": bool}``; 409 when a colleague holds it."""
    body = v.require_object(body)
    if not isinstance(body.get("locked"), bool):
        raise ApiError(400, 'The body must be {"locked": true} or {"locked": false}.')
    with store.writing():
        obj = _live(store, kind, obj_id)
        current = obj.get("lock", {})
        holder = current.get("lockedBy")
        if current.get("locked") and holder != store.ds.current_user_id:
            raise ApiError(409, f"Item {obj_id} is already locked by user {holder}.")
        lock: JsonDict = {"locked": body["locked"], "lastLockedDate": store.now()}
        if body["locked"]:
            lock["lockedBy"] = store.ds.current_user_id
        store.replace({**obj, "lock": lock})


def lock_as(store: Store, item_id: int, user: int | None) -> None:
    """Lock an item as ``user`` (None: unlock), whoever holds it now."""
    with store.writing():
        obj = _live(store, "items", item_id)
        lock: JsonDict = {"locked": user is not None, "lastLockedDate": store.now()}
        if user is not None:
            lock["lockedBy"] = user
        store.replace({**obj, "lock": lock})


def add_tag(store: Store, kind: str, obj_id: int, body: Any) -> int:
    """``POST /{kind}/{id}/tags {"tag": id}``; returns the tag id."""
    tag_id = v.require_int(v.require_object(body), "tag")
    with store.writing():
        obj = _live(store, kind, obj_id)
        tag = store.ds.tags.get(tag_id)
        if tag is None or tag["project"] != obj["project"]:
            raise ApiError(400, f"Tag {tag_id} does not exist in project {obj['project']}.")
        current = store.ds.item_tags.setdefault(obj_id, [])
        if tag_id in current:
            raise ApiError(400, f"Tag {tag_id} already exists on item {obj_id}.")
        current.append(tag_id)
        store.tag_items.setdefault(tag_id, []).append(obj_id)
        _noted(store, obj, "ITEM_TAG", "Tag added")
    return tag_id


def remove_tag(store: Store, kind: str, obj_id: int, tag_id: int) -> None:
    """``DELETE /{kind}/{id}/tags/{tagId}``."""
    with store.writing():
        obj = _live(store, kind, obj_id)
        current = store.ds.item_tags.get(obj_id, [])
        if tag_id not in current:
            raise not_found(f"tag on item {obj_id}", tag_id)
        current.remove(tag_id)
        store.tag_items[tag_id].remove(obj_id)
        _noted(store, obj, "ITEM_TAG", "Tag removed")


def attach(store: Store, kind: str, obj_id: int, body: Any) -> int:
    """``POST /{kind}/{id}/attachments {"attachment": id}``."""
    attachment_id = v.require_int(v.require_object(body), "attachment")
    with store.writing():
        obj = _live(store, kind, obj_id)
        if attachment_id not in store.ds.attachments:
            raise ApiError(400, f"Attachment {attachment_id} does not exist.")
        current = store.ds.item_attachments.setdefault(obj_id, [])
        if attachment_id in current:
            raise ApiError(400, f"Attachment {attachment_id} already exists on item {obj_id}.")
        current.append(attachment_id)
        _noted(store, obj, "ITEM_ATTACHMENT", "Attachment added")
    return attachment_id


def detach(store: Store, kind: str, obj_id: int, attachment_id: int) -> None:
    """``DELETE /{kind}/{id}/attachments/{attachmentId}``."""
    with store.writing():
        obj = _live(store, kind, obj_id)
        current = store.ds.item_attachments.get(obj_id, [])
        if attachment_id not in current:
            raise not_found(f"attachment on item {obj_id}", attachment_id)
        current.remove(attachment_id)
        _noted(store, obj, "ITEM_ATTACHMENT", "Attachment removed")


def _link_body(body: Any) -> JsonDict:
    body = v.require_object(body)
    url = body.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ApiError(400, f"url is required and must be an http(s) URL, got {url!r}.")
    return {"url": url, "description": str(body.get("description", ""))}


def add_link(store: Store, kind: str, obj_id: int, body: Any) -> int:
    """``POST /{kind}/{id}/links {"url", "description"}``; returns the link id."""
    fields = _link_body(body)
    with store.writing():
        obj = _live(store, kind, obj_id)
        link_id = max(store.ds.links, default=80_000) + 1
        store.ds.links[link_id] = {"id": link_id, **fields, "type": "links"}
        store.ds.item_links.setdefault(obj_id, []).append(link_id)
        _noted(store, obj, "URL", "Link added")
    return link_id


def _owned_link(store: Store, obj_id: int, link_id: int) -> None:
    if link_id not in store.ds.item_links.get(obj_id, []):
        raise not_found(f"link on item {obj_id}", link_id)


def put_link(store: Store, kind: str, obj_id: int, link_id: int, body: Any) -> None:
    """``PUT /{kind}/{id}/links/{linkId}``: full replace of url and description."""
    fields = _link_body(body)
    with store.writing():
        obj = _live(store, kind, obj_id)
        _owned_link(store, obj_id, link_id)
        store.ds.links[link_id] = {"id": link_id, **fields, "type": "links"}
        _noted(store, obj, "URL", "Link updated")


def delete_link(store: Store, kind: str, obj_id: int, link_id: int) -> None:
    """``DELETE /{kind}/{id}/links/{linkId}``."""
    with store.writing():
        obj = _live(store, kind, obj_id)
        _owned_link(store, obj_id, link_id)
        store.ds.item_links[obj_id].remove(link_id)
        store.ds.links.pop(link_id, None)
        _noted(store, obj, "URL", "Link removed")


def add_comment(store: Store, body: Any) -> int:
    """``POST /comments {"body": {"text"}, "location": {"item"}, "inReplyTo"?, ...}``."""
    body = v.require_object(body)
    text = (body.get("body") or {}).get("text") if isinstance(body.get("body"), dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, 'body.text is required: {"body": {"text": "..."}, ...}.')
    location = body.get("location") if isinstance(body.get("location"), dict) else {}
    with store.writing():
        reply_to = body.get("inReplyTo")
        if reply_to is not None:
            parent = store.ds.comments.get(reply_to)
            if parent is None:
                raise ApiError(400, f"Comment {reply_to} (inReplyTo) does not exist.")
            location = parent["location"]
        target = store.abstract_item(location.get("item", 0)) if location.get("item") else None
        if target is None:
            raise ApiError(400, "location.item is required and must be an existing item id.")
        comment_id = max(store.ds.comments, default=70_000) + 1
        comment: JsonDict = {"id": comment_id}
        if reply_to is not None:
            comment["inReplyTo"] = reply_to
        comment.update(
            {
                "createdDate": store.now(),
                "createdBy": store.ds.current_user_id,
                "deleted": False,
                "status": "OPEN",
                "body": {"text": text},
                "commentType": str(body.get("commentType") or "GENERAL"),
                "location": {"item": target["id"], "project": target["project"]},
                "type": "comments",
            }
        )
        store.ds.comments[comment_id] = comment
        _noted(store, target, "COMMENT", "Comment added")
    return comment_id


def sync(store: Store, pool_id: int, body: Any) -> int:
    """``POST /items/{id}/synceditems {"item": source}``: source adopts the pool's globalId."""
    source_id = v.require_int(v.require_object(body), "item")
    with store.writing():
        pool = _live(store, "items", pool_id)
        source = store.ds.items.get(source_id)
        if source is None:
            raise ApiError(400, f"Item {source_id} does not exist.")
        if source["itemType"] != pool["itemType"]:
            raise ApiError(400, f"Items {source_id} and {pool_id} have different item types.")
        _set_global_id(store, source, pool["globalId"])
    return source_id


def unsync(store: Store, item_id: int, synced_id: int) -> None:
    """``DELETE /items/{id}/synceditems/{syncedItemId}``: it gets a global id of its own."""
    with store.writing():
        item = _live(store, "items", item_id)
        if synced_id not in store.synced_with(item):
            raise not_found(f"item synced with item {item_id}", synced_id)
        other = store.ds.items[synced_id]
        type_key = store.ds.itemtypes[other["itemType"]]["typeKey"]
        _set_global_id(store, other, f"GID-{type_key}-{synced_id}")


def _set_global_id(store: Store, item: JsonDict, global_id: str) -> None:
    pool = store.global_ids.get(item["globalId"], [])
    if item["id"] in pool:
        pool.remove(item["id"])
    store.global_ids.setdefault(global_id, []).append(item["id"])
    fields = {**item["fields"], "globalId": global_id}
    store.ds.items[item["id"]] = {**item, "globalId": global_id, "fields": fields}


def transition(store: Store, item_id: int, body: Any) -> None:
    """``POST /items/{id}/workflowtransitions {"transitionId", "comment"?}``."""
    body = v.require_object(body)
    wanted = body.get("transitionId")
    item = _live(store, "items", item_id)
    for option in workflow.options(store.ds, item):
        if option["id"] == wanted:
            item_writes.update_fields(
                store,
                item_id,
                {"status": option["newStatus"]},
                change=f"Workflow transition: {option['action']}",
                comment=str(body.get("comment") or ""),
            )
            return
    raise ApiError(
        400,
        f"Transition {wanted!r} is not available for item {item_id}; "
        f"see GET /items/{item_id}/workflowtransitionoptions.",
    )
