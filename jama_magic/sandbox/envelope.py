"""Jama's response envelope: ``meta`` (reason phrase, timestamp, pageInfo),
``links`` keyed by data path with ``/rest/latest/`` href templates, ``linked``
filled from ``include=``, and the meta-only bodies of writes and errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from jama_magic.sandbox.wire import JsonDict, now_timestamp

# Reference paths per object type (besides item fields, which come from item types).
_COMMON = (
    ("createdBy", "users"),
    ("modifiedBy", "users"),
    ("project", "projects"),
    ("itemType", "itemtypes"),
)
STATIC_REFS: dict[str, tuple[tuple[str, str], ...]] = {
    "items": (
        *_COMMON,
        ("childItemType", "itemtypes"),
        ("location.parent.item", "items"),
        ("location.parent.project", "projects"),
        ("lock.lockedBy", "users"),
    ),
    "projects": (
        ("createdBy", "users"),
        ("modifiedBy", "users"),
        ("fields.projectManager", "users"),
        ("fields.statusId", "picklistoptions"),
        ("fields.user1", "users"),
        ("fields.projectGroup", "picklistoptions"),
    ),
    "itemtypes": (("fields.pickList", "picklists"), ("fields.itemType", "itemtypes")),
    "picklistoptions": (("pickList", "picklists"),),
    "relationships": (
        ("fromItem", "items"),
        ("toItem", "items"),
        ("relationshipType", "relationshiptypes"),
    ),
    "tags": (("project", "projects"),),
    "releases": (("project", "projects"),),
    "testplans": _COMMON,
    "testcycles": (*_COMMON, ("fields.testPlan", "testplans")),
    "testruns": (
        *_COMMON,
        ("fields.testCase", "items"),
        ("fields.testCycle", "testcycles"),
        ("fields.assignedTo", "users"),
        ("lock.lockedBy", "users"),
    ),
    "testgroups": (("assignedTo", "users"),),
    "baselines": (("createdBy", "users"), ("project", "projects"), ("origin.project", "projects")),
    "activities": (("user", "users"), ("item", "abstractitems")),
    "filters": (("author", "users"), ("specifiedProject", "projects")),
    "attachments": (*_COMMON, ("lock.lockedBy", "users")),
    "versions": (("item", "abstractitems"), ("createdBy", "users")),
}

RefsFor = Callable[[JsonDict], Iterable[tuple[str, str]]]
Resolver = Callable[[str, int], "JsonDict | None"]


def values_at(obj: Any, path: str) -> list[Any]:
    """Values found at a dotted path, walking into lists; empty/None values dropped."""
    current: list[Any] = [obj]
    for part in path.split("."):
        following: list[Any] = []
        for value in current:
            if isinstance(value, list):
                following.extend(v.get(part) for v in value if isinstance(v, dict))
            elif isinstance(value, dict):
                following.append(value.get(part))
        current = [v for v in following if v is not None]
    flat: list[Any] = []
    for value in current:
        flat.extend(value if isinstance(value, list) else [value])
    return [v for v in flat if v not in ("", None)]


def build_links(objects: Iterable[JsonDict], refs_for: RefsFor, root: str) -> JsonDict:
    """``links`` for these data objects: one entry per reference path that holds a value."""
    links: JsonDict = {}
    for obj in objects:
        for path, kind in refs_for(obj):
            key = f"data.{path}"
            if key not in links and values_at(obj, path):
                links[key] = {"type": kind, "href": f"{root}{kind}/{{{key}}}"}
    return links


def build_linked(
    objects: list[JsonDict], includes: list[str], refs_for: RefsFor, resolve: Resolver
) -> JsonDict:
    """``linked`` for ``include=data.x`` values: referenced objects keyed by type and id."""
    linked: JsonDict = {}
    for include in includes:
        path = include.removeprefix("data.")
        for obj in objects:
            kind = dict(refs_for(obj)).get(path)
            if kind is None:
                continue
            for ref in values_at(obj, path):
                target = resolve(kind, ref) if isinstance(ref, int) else None
                if target is not None:
                    bucket = linked.setdefault(target.get("type", kind), {})
                    bucket[str(ref)] = target
    return linked


def phrase(status: int) -> str:
    """The HTTP reason phrase Jama puts in ``meta.status``."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def meta(status: int = 200, **extra: Any) -> JsonDict:
    """A ``meta`` block."""
    return {"status": phrase(status), "timestamp": now_timestamp(), **extra}


def single_body(data: Any, links: JsonDict, linked: JsonDict | None = None) -> JsonDict:
    """Envelope for one object."""
    body: JsonDict = {"meta": meta(), "links": links}
    if linked:
        body["linked"] = linked
    body["data"] = data
    return body


def page_body(
    data: list[Any], *, start: int, total: int, links: JsonDict, linked: JsonDict | None = None
) -> JsonDict:
    """Envelope for a list page, with ``pageInfo``."""
    page_info = {"startIndex": start, "resultCount": len(data), "totalResults": total}
    body: JsonDict = {"meta": meta(pageInfo=page_info), "links": links}
    if linked:
        body["linked"] = linked
    body["data"] = data
    return body


def created_body(new_id: int, location: str) -> JsonDict:
    """201 body: meta only, with the new id and its location."""
    return {"meta": meta(201, location=location, id=new_id)}


def error_body(status: int, message: str) -> JsonDict:
    """An error envelope: meta with the reason phrase and a message, no data."""
    return {"meta": meta(status, message=message)}


def dumps(body: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
