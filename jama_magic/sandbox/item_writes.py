"""State changes for item writes: create, replace, patch, delete, lock, move.

Every change builds a new item dict and swaps it in under the store's lock,
records a version and an activity, and keeps the indexes in step.
"""

from __future__ import annotations

from jama_magic.sandbox import case_status
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.dataset import schema as s
from jama_magic.sandbox.dataset.context import RESOURCES
from jama_magic.sandbox.responses import ApiError, not_found
from jama_magic.sandbox.store import Store, parent_key
from jama_magic.sandbox.wire import JsonDict

_NOT_ITEMS = {
    39: "/testplans",
    40: "/testplans/{id}/testcycles",
    41: "/testcycles",
    42: "/projects/{id}/attachments",
}


def _project(store: Store, body: JsonDict) -> int:
    project = v.require_int(body, "project")
    if project not in store.ds.projects:
        raise ApiError(400, f"Project {project} does not exist.")
    return project


def _item_type(store: Store, body: JsonDict) -> int:
    type_id = v.require_int(body, "itemType")
    if type_id not in store.ds.itemtypes:
        raise ApiError(400, f"Item type {type_id} does not exist; see GET /itemtypes.")
    if type_id in _NOT_ITEMS:
        raise ApiError(
            400, f"Item type {type_id} cannot be created through /items; use {_NOT_ITEMS[type_id]}."
        )
    return type_id


def _child_type(store: Store, body: JsonDict) -> int:
    value = body.get("childItemType", 0) or 0
    if not isinstance(value, int) or (value and value not in store.ds.itemtypes):
        raise ApiError(400, f"childItemType {value!r} is not an item type id.")
    return value


def editable(store: Store, item_id: int) -> JsonDict:
    """The item, or 404; 409 when a colleague holds its lock."""
    item = store.ds.items.get(item_id)
    if item is None:
        raise not_found("item", item_id)
    lock = item["lock"]
    if lock.get("locked") and lock.get("lockedBy") != store.ds.current_user_id:
        raise ApiError(
            409,
            f"Item {item_id} is locked by user {lock.get('lockedBy')}; it "
            f"must be unlocked (PUT /items/{item_id}/lock) before editing.",
        )
    return item


def create_item(store: Store, body: JsonDict, *, global_id: bool = False) -> int:
    """``POST /items``: validate, insert, return the new id."""
    body = v.require_object(body)
    project = _project(store, body)
    type_id = _item_type(store, body)
    child_type = _child_type(store, body)
    fields = v.clean_fields(store, type_id, body.get("fields"))
    if type_id == s.TEST_CASE:
        fields["testCaseStatus"] = case_status.NO_RUN  # calculated by Jama; no runs yet
    with store.writing():
        parent = v.parent_of(store, body, project)
        item = _new_item(store, project, type_id, parent, fields)
        if global_id and isinstance(body.get("globalId"), str):
            item["globalId"] = item["fields"]["globalId"] = body["globalId"]
        if child_type:
            item["childItemType"] = child_type
        item["type"] = item.pop("type")
        _insert(store, item, parent)
        store.activity(item, "CREATE", "Created", when=item["createdDate"])
    return int(item["id"])


def _new_item(
    store: Store, project: int, type_id: int, parent: tuple[str, int], fields: JsonDict
) -> JsonDict:
    item_id = store.next_id()
    type_key = store.ds.itemtypes[type_id]["typeKey"]
    doc_key = store.next_document_key(project, type_key)
    global_id = f"GID-{type_key}-{item_id}"
    now = store.now()
    me = store.ds.current_user_id
    return {
        "id": item_id,
        "documentKey": doc_key,
        "globalId": global_id,
        "itemType": type_id,
        "project": project,
        "createdDate": now,
        "modifiedDate": now,
        "lastActivityDate": now,
        "createdBy": me,
        "modifiedBy": me,
        "fields": {"documentKey": doc_key, "globalId": global_id, **fields},
        "resources": RESOURCES,
        "location": store.new_location(project, parent),
        "lock": {"locked": False},
        "type": "items",
    }


def _insert(store: Store, item: JsonDict, parent: tuple[str, int]) -> None:
    store.ds.items[item["id"]] = item
    store.project_items[item["project"]].append(item["id"])
    store.children.setdefault(parent, []).append(item["id"])
    store.global_ids.setdefault(item["globalId"], []).append(item["id"])
    store.history.record(item, "Item created", item["createdBy"], item["createdDate"])


def replace_item(store: Store, item_id: int, body: JsonDict) -> None:
    """``PUT /items/{id}``: full replace; fields left out are cleared."""
    body = v.require_object(body)
    with store.writing():
        old = editable(store, item_id)
        if body.get("project", old["project"]) != old["project"]:
            raise ApiError(
                400,
                f"PUT cannot move an item to another project; use PUT /items/{item_id}/location.",
            )
        if body.get("itemType", old["itemType"]) != old["itemType"]:
            raise ApiError(400, f"itemType of item {item_id} cannot be changed.")
        fields = v.clean_fields(store, old["itemType"], body.get("fields"))
        new = _updated(store, old, fields)
        if "childItemType" in body:
            new["childItemType"] = _child_type(store, body)
        if "location" in body:
            _move(store, new, v.parent_of(store, body, old["project"]))
        _swap(store, old, new, "Fields updated")


def patch_item(store: Store, item_id: int, body: object) -> None:
    """``PATCH /items/{id}``: add/replace/remove operations on ``/fields/<name>``."""
    operations = v.patch_operations(body)
    with store.writing():
        old = editable(store, item_id)
        fields = {
            k: val for k, val in old["fields"].items() if k not in ("documentKey", "globalId")
        }
        for operation in operations:
            name = v.pointer_name(operation["path"])
            if operation["op"] == "remove":
                if fields.pop(name, None) is None and name not in _field_names(store, old):
                    raise ApiError(400, f"Cannot remove unknown field {name!r}.")
            else:
                fields[name] = operation["value"]
        cleaned = v.clean_fields(store, old["itemType"], fields)
        _swap(store, old, _updated(store, old, cleaned), "Fields patched")


def update_fields(
    store: Store,
    item_id: int,
    changes: JsonDict,
    *,
    user: int | None = None,
    change: str = "Fields updated",
    comment: str = "",
) -> None:
    """Merge ``changes`` into an item's fields as ``user`` (a new version and activity).

    For workflow transitions and the sandbox's "a colleague edited it" control; a
    lock held by someone other than ``user`` is refused as for any edit.
    """
    with store.writing():
        old = store.ds.items.get(item_id)
        if old is None:
            raise not_found("item", item_id)
        holder = old["lock"].get("lockedBy")
        if old["lock"].get("locked") and holder != (user or store.ds.current_user_id):
            raise ApiError(409, f"Item {item_id} is locked by user {holder}.")
        fields = {k: v for k, v in old["fields"].items() if k not in ("documentKey", "globalId")}
        cleaned = v.clean_fields(store, old["itemType"], {**fields, **changes})
        _swap(store, old, _updated(store, old, cleaned, user), change, comment)


def _field_names(store: Store, item: JsonDict) -> set[str]:
    return {spec["name"] for spec in store.ds.itemtypes[item["itemType"]]["fields"]}


def _updated(store: Store, old: JsonDict, fields: JsonDict, user: int | None = None) -> JsonDict:
    now = store.now()
    keep = {k: old["fields"][k] for k in ("documentKey", "globalId") if k in old["fields"]}
    keep.update({k: old["fields"][k] for k in _read_only(store, old) if k in old["fields"]})
    new = {
        **old,
        "modifiedDate": now,
        "lastActivityDate": now,
        "modifiedBy": user or store.ds.current_user_id,
        "fields": {**keep, **fields},
    }
    new["location"] = dict(old["location"])
    new["type"] = new.pop("type")  # last, also when a quirk had left out a key re-added here
    return new


def _read_only(store: Store, item: JsonDict) -> list[str]:
    specs = store.ds.itemtypes[item["itemType"]]["fields"]
    return [spec["name"] for spec in specs if spec["readOnly"]]


def _swap(store: Store, old: JsonDict, new: JsonDict, change: str, comment: str = "") -> None:
    store.ds.items[new["id"]] = new
    store.history.record(new, change, new["modifiedBy"], new["modifiedDate"], comment)
    store.activity(new, "UPDATE", "Updated", when=new["modifiedDate"])


def _move(store: Store, item: JsonDict, parent: tuple[str, int]) -> None:
    """Re-parent ``item`` (a fresh dict) within its project."""
    current = parent_key(item)
    if current == parent:
        return
    if parent[0] == "item" and parent[1] in store.subtree(item["id"]):
        raise ApiError(400, f"Item {item['id']} cannot be moved under its own descendant.")
    store.children[current].remove(item["id"])
    item["location"] = store.new_location(item["project"], parent)
    store.children.setdefault(parent, []).append(item["id"])
