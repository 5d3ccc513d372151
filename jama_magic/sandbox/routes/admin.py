"""Writes to tags, users, releases and pick list options."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import validation as v
from jama_magic.sandbox.responses import (
    ApiError,
    created_response,
    endpoint,
    not_found,
    ok_response,
    store_of,
)
from jama_magic.sandbox.routes.writes import body_of, deleted_response
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict

_USER_KEYS = (
    "username",
    "firstName",
    "lastName",
    "email",
    "phone",
    "title",
    "location",
    "licenseType",
)


def _name(body: JsonDict) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "name is required and must be a non-empty string.")
    return name


def _tag_fields(store: Store, body: Any, exclude: int | None = None) -> JsonDict:
    body = v.require_object(body)
    name, project = _name(body), v.require_int(body, "project")
    if project not in store.ds.projects:
        raise ApiError(400, f"Project {project} does not exist.")
    for tag in store.ds.tags.values():
        if tag["project"] == project and tag["name"] == name and tag["id"] != exclude:
            raise ApiError(400, f"A tag named {name!r} already exists in project {project}.")
    return {"name": name, "project": project}


@endpoint
async def post_tag(request: Request) -> Response:
    """``POST /tags {"name", "project"}``."""
    store = store_of(request)
    body = await body_of(request)
    with store.writing():
        fields = _tag_fields(store, body)
        tag_id = max(store.ds.tags, default=0) + 1
        store.ds.tags[tag_id] = {"id": tag_id, **fields, "type": "tags"}
    return created_response(request, "tags", tag_id)


@endpoint
async def put_tag(request: Request) -> Response:
    """``PUT /tags/{id}``."""
    store = store_of(request)
    tag_id = request.path_params["id"]
    body = await body_of(request)
    with store.writing():
        if tag_id not in store.ds.tags:
            raise not_found("tag", tag_id)
        store.ds.tags[tag_id] = {"id": tag_id, **_tag_fields(store, body, tag_id), "type": "tags"}
    return ok_response()


@endpoint
async def delete_tag(request: Request) -> Response:
    """``DELETE /tags/{id}`` (also removes it from items)."""
    store = store_of(request)
    tag_id = request.path_params["id"]
    with store.writing():
        if store.ds.tags.pop(tag_id, None) is None:
            raise not_found("tag", tag_id)
        for item_id in store.tag_items.pop(tag_id, []):
            store.ds.item_tags[item_id].remove(tag_id)
    return deleted_response(request)


def _user_fields(body: Any) -> JsonDict:
    body = v.require_object(body)
    for key in ("username", "firstName", "lastName", "email"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise ApiError(400, f"{key} is required and must be a non-empty string.")
    return {key: str(body.get(key, "")) for key in _USER_KEYS} | {
        "licenseType": str(body.get("licenseType") or "NAMED")
    }


@endpoint
async def post_user(request: Request) -> Response:
    """``POST /users``."""
    store = store_of(request)
    fields = _user_fields(await body_of(request))
    with store.writing():
        if any(u["username"] == fields["username"] for u in store.ds.users.values()):
            raise ApiError(400, f"A user named {fields['username']!r} already exists.")
        user_id = max(store.ds.users, default=0) + 1
        store.ds.users[user_id] = {"id": user_id, **fields, "active": True, "type": "users"}
    return created_response(request, "users", user_id)


@endpoint
async def put_user(request: Request) -> Response:
    """``PUT /users/{id}``."""
    store = store_of(request)
    user_id = request.path_params["id"]
    fields = _user_fields(await body_of(request))
    with store.writing():
        old = store.ds.users.get(user_id)
        if old is None:
            raise not_found("user", user_id)
        store.ds.users[user_id] = {**old, **fields}
    return ok_response()


@endpoint
async def put_user_active(request: Request) -> Response:
    """``PUT /users/{id}/active {"active": bool}``."""
    store = store_of(request)
    body = v.require_object(await body_of(request))
    if not isinstance(body.get("active"), bool):
        raise ApiError(400, 'The body must be {"active": true} or {"active": false}.')
    with store.writing():
        old = store.ds.users.get(request.path_params["id"])
        if old is None:
            raise not_found("user", request.path_params["id"])
        store.ds.users[old["id"]] = {**old, "active": body["active"]}
    return ok_response()


@endpoint
async def post_option(request: Request) -> Response:
    """``POST /picklists/{id}/options {"name", ...}``."""
    store = store_of(request)
    list_id = request.path_params["id"]
    body = v.require_object(await body_of(request))
    name = _name(body)
    with store.writing():
        if list_id not in store.ds.picklists:
            raise not_found("pick list", list_id)
        option_id = max(store.ds.picklistoptions, default=0) + 1
        ids = store.ds.picklist_option_ids[list_id]
        store.ds.picklistoptions[option_id] = {
            "id": option_id,
            "name": name,
            "description": str(body.get("description", "")),
            "value": str(body.get("value", name.upper())),
            "active": True,
            "color": str(body.get("color", "C0C0C0")),
            "default": False,
            "sortOrder": len(ids),
            "pickList": list_id,
            "type": "picklistoptions",
        }
        ids.append(option_id)
    return created_response(request, "picklistoptions", option_id)


@endpoint
async def post_release(request: Request) -> Response:
    """``POST /releases {"name", "project", ...}``."""
    store = store_of(request)
    body = v.require_object(await body_of(request))
    name, project = _name(body), v.require_int(body, "project")
    with store.writing():
        if project not in store.ds.projects:
            raise ApiError(400, f"Project {project} does not exist.")
        release_id = max(store.ds.releases, default=0) + 1
        store.ds.releases[release_id] = {
            "id": release_id,
            "name": name,
            "description": str(body.get("description", "")),
            "project": project,
            "releaseDate": body.get("releaseDate"),
            "active": True,
            "archived": False,
            "itemCount": 0,
            "type": "releases",
        }
    return created_response(request, "releases", release_id)


ROUTES = [
    Route("/tags", post_tag, methods=["POST"]),
    Route("/tags/{id:int}", put_tag, methods=["PUT"]),
    Route("/tags/{id:int}", delete_tag, methods=["DELETE"]),
    Route("/users", post_user, methods=["POST"]),
    Route("/users/{id:int}", put_user, methods=["PUT"]),
    Route("/users/{id:int}/active", put_user_active, methods=["PUT"]),
    Route("/picklists/{id:int}/options", post_option, methods=["POST"]),
    Route("/releases", post_release, methods=["POST"]),
]
