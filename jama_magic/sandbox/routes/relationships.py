"""Relationships: ``lastId`` keyset paging per project, single-object reads
and writes, and clearing the suspect flag."""

from __future__ import annotations

import bisect
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import query
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.responses import (
    ApiError,
    created_response,
    endpoint,
    list_response,
    not_found,
    object_response,
    ok_response,
    page_response,
    store_of,
)
from jama_magic.sandbox.routes.writes import body_of, deleted_response
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict

LAST_ID_MESSAGE = "The lastId parameter is now required to call GET /relationships API endpoint."


def _relationship(store: Store, rel_id: int) -> JsonDict:
    rel = store.ds.relationships.get(rel_id)
    if rel is None:
        raise not_found("relationship", rel_id)
    return rel


@endpoint
async def list_relationships(request: Request) -> Response:
    """``GET /relationships?project=P[&lastId=N]``: keyset paging by ascending id."""
    store = store_of(request)
    project = query.one_int(request, "project", required=True)
    if project not in store.ds.projects:
        raise not_found("project", project)
    last_id = query.one_int(request, "lastId")
    ids = store.project_rels[project]
    if last_id is None:
        if store.config.require_last_id:
            raise ApiError(400, LAST_ID_MESSAGE)
        return page_response(request, ids, store.ds.relationships.get)
    page = query.paging(request, clamp=store.config.clamp_page_size)
    first = bisect.bisect_right(ids, last_id)
    after = ids[first : first + page.limit]
    rows = [store.ds.relationships[rid] for rid in after]
    return list_response(request, rows, start=page.start, total=len(ids))


@endpoint
async def get_relationship(request: Request) -> Response:
    """``GET /relationships/{id}``."""
    return object_response(request, _relationship(store_of(request), request.path_params["id"]))


def _checked(store: Store, body: Any, *, exclude: int | None = None) -> JsonDict:
    body = v.require_object(body)
    source, target = v.require_int(body, "fromItem"), v.require_int(body, "toItem")
    rel_type = body.get("relationshipType") or _default_type(store)
    for end in (source, target):
        item = store.ds.items.get(end)
        if item is None:
            raise ApiError(400, f"Item {end} does not exist.")
        if store.ds.itemtypes[item["itemType"]].get("category") == "SET":
            raise ApiError(400, f"Item {end} is a set; sets cannot have relationships.")
    if rel_type not in store.ds.relationshiptypes:
        raise ApiError(400, f"Relationship type {rel_type!r} does not exist.")
    for rid in store.rels_from.get(source, []):
        rel = store.ds.relationships.get(rid)
        if (
            rid != exclude
            and rel
            and rel["toItem"] == target
            and rel["relationshipType"] == rel_type
        ):
            raise ApiError(400, f"A relationship from {source} to {target} already exists.")
    return {"fromItem": source, "toItem": target, "relationshipType": rel_type}


def _default_type(store: Store) -> int:
    return next(int(t["id"]) for t in store.ds.relationshiptypes.values() if t["isDefault"])


@endpoint
async def post_relationship(request: Request) -> Response:
    """``POST /relationships {"fromItem", "toItem", "relationshipType"?}``."""
    store = store_of(request)
    body = await body_of(request)
    with store.writing():
        fields = _checked(store, body)
        rel_id = store.next_relationship_id()
        rel = {"id": rel_id, **fields, "suspect": False, "type": "relationships"}
        store.ds.relationships[rel_id] = rel
        store.index_relationship(rel)
        store.history.relationship_created(rel_id, _recorded(store, rel, "CREATE", "Created"))
    return created_response(request, "relationships", rel_id)


def _recorded(store: Store, rel: JsonDict, event: str, action: str) -> str:
    """Log a relationship write as an activity and touch both items; returns its stamp."""
    when = store.now()
    ends = (rel["fromItem"], rel["toItem"])
    store.activity(rel, event, action, when=when, object_type="RELATIONSHIP", ends=ends)
    store.touch(ends, when)
    return when


@endpoint
async def put_relationship(request: Request) -> Response:
    """``PUT /relationships/{id}``: full replace."""
    store = store_of(request)
    body = await body_of(request)
    with store.writing():
        old = _relationship(store, request.path_params["id"])
        fields = _checked(store, body, exclude=old["id"])
        store.unindex_relationship(old)
        new = {**old, **fields}
        store.ds.relationships[new["id"]] = new
        store.index_relationship(new)
        store.touch((old["fromItem"], old["toItem"]), _recorded(store, new, "UPDATE", "Updated"))
    return ok_response()


@endpoint
async def delete_relationship(request: Request) -> Response:
    """``DELETE /relationships/{id}``."""
    store = store_of(request)
    with store.writing():
        rel = _relationship(store, request.path_params["id"])
        store.unindex_relationship(rel)
        store.history.relationship_deleted(rel, _recorded(store, rel, "DELETE", "Deleted"))
    return deleted_response(request)


@endpoint
async def clear_suspect(request: Request) -> Response:
    """``DELETE /relationships/{id}/suspect``."""
    store = store_of(request)
    with store.writing():
        rel = _relationship(store, request.path_params["id"])
        store.ds.relationships[rel["id"]] = {**rel, "suspect": False}
    return deleted_response(request)


ROUTES = [
    Route("/relationships", list_relationships, methods=["GET"]),
    Route("/relationships", post_relationship, methods=["POST"]),
    Route("/relationships/{id:int}", get_relationship, methods=["GET"]),
    Route("/relationships/{id:int}", put_relationship, methods=["PUT"]),
    Route("/relationships/{id:int}", delete_relationship, methods=["DELETE"]),
    Route("/relationships/{id:int}/suspect", clear_suspect, methods=["DELETE"]),
]
