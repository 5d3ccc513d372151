"""Checks write bodies the way Jama does: JSON objects, known projects and item
types, required ``name``, and each field's value of the right type.

Read-only fields (``documentKey``, ``globalId``, rollups, statuses) are dropped
silently, as Jama has done since 8.10.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from jama_magic.sandbox.responses import ApiError
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict


def parse_json(raw: bytes) -> Any:
    """The decoded body, or 400 with the parser's position."""
    if not raw.strip():
        raise ApiError(400, "The request body is empty; send a JSON body.")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = (
            f" (line {exc.lineno}, column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise ApiError(400, f"Malformed JSON in the request body{where}.") from None


def require_object(body: Any, what: str = "request body") -> JsonDict:
    """400 unless ``body`` is a JSON object."""
    if not isinstance(body, dict):
        raise ApiError(400, f"The {what} must be a JSON object, got {type(body).__name__}.")
    return body


def require_int(body: JsonDict, key: str, *, where: str = "") -> int:
    """An integer member, or 400."""
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(400, f"{where}{key} is required and must be an integer, got {value!r}.")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_steps(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(step, dict) for step in value)


def _checkers(store: Store, spec: JsonDict) -> tuple[str, Callable[[Any], bool]]:
    """(expected, check) for a field definition."""
    ds = store.ds
    options = set(ds.picklist_option_ids.get(spec.get("pickList", -1), []))
    field_type = spec["fieldType"]
    table: dict[str, tuple[str, Callable[[Any], bool]]] = {
        "INTEGER": ("an integer", _is_int),
        "BOOLEAN": ("true or false", lambda v: isinstance(v, bool)),
        "DATE": ("a date yyyy-MM-dd", _is_date),
        "LOOKUP": (
            f"an option id of pick list {spec.get('pickList')}",
            lambda v: _is_int(v) and v in options,
        ),
        "MULTI_LOOKUP": (
            f"a list of option ids of pick list {spec.get('pickList')}",
            lambda v: isinstance(v, list) and all(_is_int(o) and o in options for o in v),
        ),
        "USER": ("a user id", lambda v: _is_int(v) and v in ds.users),
        "RELEASE": ("a release id", lambda v: _is_int(v) and v in ds.releases),
        "DOCUMENT_TYPE_ITEM_LOOKUP": ("an item id", lambda v: _is_int(v) and v in ds.items),
        "STEPS": ("a list of step objects", _is_steps),
    }
    return table.get(field_type, ("a string", lambda v: isinstance(v, str)))


def clean_fields(store: Store, type_id: int, fields: Any, *, partial: bool = False) -> JsonDict:
    """Validated writable fields of an item of ``type_id`` (read-only ones dropped)."""
    fields = require_object(fields, "fields member")
    itemtype = store.ds.itemtypes[type_id]
    specs = {spec["name"]: spec for spec in itemtype["fields"]}
    cleaned: JsonDict = {}
    for name, value in fields.items():
        spec = specs.get(name)
        if spec is None:
            raise ApiError(
                400,
                f"Field {name!r} does not exist on item type {type_id} "
                f"({itemtype['display']}); see GET /itemtypes/{type_id}.",
            )
        if spec["readOnly"] or value is None:
            continue
        expected, check = _checkers(store, spec)
        if not check(value):
            raise ApiError(
                400, f"Field {name!r} ({spec['fieldType']}) must be {expected}, got {value!r}."
            )
        cleaned[name] = value
    if not partial:
        check_required(itemtype, cleaned)
    return cleaned


def check_required(itemtype: JsonDict, fields: JsonDict) -> None:
    """400 when a required writable field is missing or empty."""
    for spec in itemtype["fields"]:
        if spec["required"] and not spec["readOnly"] and fields.get(spec["name"]) in (None, ""):
            raise ApiError(
                400,
                f"Required field {spec['name']!r} is missing for item type "
                f"{itemtype['id']} ({itemtype['display']}).",
            )


def parent_of(store: Store, body: JsonDict, project: int) -> tuple[str, int]:
    """The ``location.parent`` of a create/update body as ``("item"|"project", id)``."""
    location = body.get("location")
    parent = location.get("parent") if isinstance(location, dict) else None
    if not isinstance(parent, dict) or not (
        _is_int(parent.get("item")) or _is_int(parent.get("project"))
    ):
        raise ApiError(
            400,
            'location.parent is required: {"parent": {"item": id}} or {"parent": {"project": id}}.',
        )
    if _is_int(parent.get("item")):
        target = store.ds.items.get(parent["item"])
        if target is None:
            raise ApiError(400, f"Parent item {parent['item']} does not exist.")
        if target["project"] != project:
            raise ApiError(
                400,
                f"Parent item {parent['item']} is in project {target['project']}, not {project}.",
            )
        return ("item", parent["item"])
    if parent["project"] != project:
        raise ApiError(
            400, f"location.parent.project {parent['project']} does not match project {project}."
        )
    return ("project", project)


def patch_operations(body: Any) -> list[JsonDict]:
    """A JSON-patch list of ``{op, path, value}`` on ``/fields/<name>``, or 400."""
    if not isinstance(body, list) or not body:
        raise ApiError(
            400,
            "PATCH takes a non-empty JSON array of operations such as "
            '[{"op": "replace", "path": "/fields/name", "value": "New"}].',
        )
    for operation in body:
        if not isinstance(operation, dict) or operation.get("op") not in (
            "add",
            "replace",
            "remove",
        ):
            raise ApiError(
                400, f"Invalid patch operation {operation!r}; op must be add, replace or remove."
            )
        path = operation.get("path")
        if not isinstance(path, str) or not path.startswith("/fields/") or path == "/fields/":
            raise ApiError(400, f"Unsupported patch path {path!r}; use /fields/<field name>.")
        if operation["op"] != "remove" and "value" not in operation:
            raise ApiError(400, f"Patch operation on {path} needs a value.")
    return body


def pointer_name(path: str) -> str:
    """The field name of ``/fields/<name>`` (JSON-pointer unescaped)."""
    return path.removeprefix("/fields/").replace("~1", "/").replace("~0", "~")
