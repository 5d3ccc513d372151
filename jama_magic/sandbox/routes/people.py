"""User groups, comments and relationship rule sets."""

from __future__ import annotations

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
    not_found,
    object_response,
    ok_response,
    page_response,
    store_of,
)
from jama_magic.sandbox.routes.writes import body_of, deleted_response
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict


def _group(store: Store, group_id: int) -> JsonDict:
    found: JsonDict | None = store.ds.usergroups.get(group_id)
    if found is None:
        raise not_found("user group", group_id)
    return found


def _group_fields(store: Store, body: Any) -> JsonDict:
    body = v.require_object(body)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "name is required and must be a non-empty string.")
    fields: JsonDict = {"name": name, "description": str(body.get("description", ""))}
    project = body.get("project")
    if project is not None:
        if project not in store.ds.projects:
            raise ApiError(400, f"Project {project!r} does not exist.")
        fields["project"] = project
    return fields


@endpoint
async def usergroups(request: Request) -> Response:
    """``GET /usergroups[?project=]``: groups of the instance, or of one project."""
    store = store_of(request)
    project = query.one_int(request, "project")
    rows = [g for g in store.ds.usergroups.values() if project in (None, g.get("project"))]
    return page_response(request, rows)


@endpoint
async def usergroup(request: Request) -> Response:
    """``GET /usergroups/{id}``."""
    return object_response(request, _group(store_of(request), request.path_params["id"]))


@endpoint
async def post_usergroup(request: Request) -> Response:
    """``POST /usergroups {"name", "description"?, "project"?}``."""
    store = store_of(request)
    body = await body_of(request)
    with store.writing():
        fields = _group_fields(store, body)
        if any(g["name"] == fields["name"] for g in store.ds.usergroups.values()):
            raise ApiError(400, f"A user group named {fields['name']!r} already exists.")
        group_id = max(store.ds.usergroups, default=600) + 1
        store.ds.usergroups[group_id] = {"id": group_id, **fields, "type": "usergroups"}
        store.ds.usergroup_users[group_id] = []
    return created_response(request, "usergroups", group_id)


@endpoint
async def put_usergroup(request: Request) -> Response:
    """``PUT /usergroups/{id}``."""
    store = store_of(request)
    body = await body_of(request)
    with store.writing():
        group_id = _group(store, request.path_params["id"])["id"]
        fields = _group_fields(store, body)
        store.ds.usergroups[group_id] = {"id": group_id, **fields, "type": "usergroups"}
    return ok_response()


@endpoint
async def delete_usergroup(request: Request) -> Response:
    """``DELETE /usergroups/{id}``."""
    store = store_of(request)
    with store.writing():
        group_id = _group(store, request.path_params["id"])["id"]
        del store.ds.usergroups[group_id]
        store.ds.usergroup_users.pop(group_id, None)
    return deleted_response(request)


@endpoint
async def group_users(request: Request) -> Response:
    """``GET /usergroups/{id}/users``."""
    store = store_of(request)
    group_id = _group(store, request.path_params["id"])["id"]
    return page_response(request, store.ds.usergroup_users.get(group_id, []), store.ds.users.get)


@endpoint
async def post_group_user(request: Request) -> Response:
    """``POST /usergroups/{id}/users {"user": id}``."""
    store = store_of(request)
    user_id = v.require_int(v.require_object(await body_of(request)), "user")
    with store.writing():
        group_id = _group(store, request.path_params["id"])["id"]
        if user_id not in store.ds.users:
            raise ApiError(400, f"User {user_id} does not exist.")
        members = store.ds.usergroup_users.setdefault(group_id, [])
        if user_id in members:
            raise ApiError(400, f"User {user_id} already exists in group {group_id}.")
        members.append(user_id)
    return created_response(request, f"usergroups/{group_id}/users", user_id)


@endpoint
async def delete_group_user(request: Request) -> Response:
    """``DELETE /usergroups/{id}/users/{userId}``."""
    store = store_of(request)
    with store.writing():
        group_id = _group(store, request.path_params["id"])["id"]
        members = store.ds.usergroup_users.get(group_id, [])
        if request.path_params["userId"] not in members:
            raise not_found(f"user in group {group_id}", request.path_params["userId"])
        members.remove(request.path_params["userId"])
    return deleted_response(request)


@endpoint
async def comments(request: Request) -> Response:
    """``GET /comments[?rootCommentsOnly=true]``: every comment, oldest first."""
    roots = query.flag(request, "rootCommentsOnly")
    rows = store_of(request).ds.comments.values()
    return page_response(request, [c for c in rows if not (roots and "inReplyTo" in c)])


def _comment(store: Store, comment_id: int) -> JsonDict:
    found: JsonDict | None = store.ds.comments.get(comment_id)
    if found is None:
        raise not_found("comment", comment_id)
    return found


@endpoint
async def comment(request: Request) -> Response:
    """``GET /comments/{id}``."""
    return object_response(request, _comment(store_of(request), request.path_params["id"]))


@endpoint
async def replies(request: Request) -> Response:
    """``GET /comments/{id}/replies``."""
    store = store_of(request)
    root = _comment(store, request.path_params["id"])["id"]
    rows = [c for c in store.ds.comments.values() if c.get("inReplyTo") == root]
    return page_response(request, rows)


def _ruleset(request: Request) -> JsonDict:
    found: JsonDict | None = store_of(request).ds.relationshiprulesets.get(
        request.path_params["id"]
    )
    if found is None:
        raise not_found("relationship rule set", request.path_params["id"])
    return found


@endpoint
async def rulesets(request: Request) -> Response:
    """``GET /relationshiprulesets`` (called by Jama's client; not in the 2022 Swagger)."""
    return page_response(request, list(store_of(request).ds.relationshiprulesets.values()))


@endpoint
async def ruleset(request: Request) -> Response:
    """``GET /relationshiprulesets/{id}``."""
    return object_response(request, _ruleset(request))


@endpoint
async def ruleset_projects(request: Request) -> Response:
    """``GET /relationshiprulesets/{id}/projects``: the projects using the rule set."""
    store = store_of(request)
    ids = store.ds.ruleset_projects.get(_ruleset(request)["id"], [])
    return page_response(request, ids, store.ds.projects.get)


ROUTES = [
    Route("/usergroups", usergroups, methods=["GET"]),
    Route("/usergroups", post_usergroup, methods=["POST"]),
    Route("/usergroups/{id:int}", usergroup, methods=["GET"]),
    Route("/usergroups/{id:int}", put_usergroup, methods=["PUT"]),
    Route("/usergroups/{id:int}", delete_usergroup, methods=["DELETE"]),
    Route("/usergroups/{id:int}/users", group_users, methods=["GET"]),
    Route("/usergroups/{id:int}/users", post_group_user, methods=["POST"]),
    Route("/usergroups/{id:int}/users/{userId:int}", delete_group_user, methods=["DELETE"]),
    Route("/comments", comments, methods=["GET"]),
    Route("/comments/{id:int}", comment, methods=["GET"]),
    Route("/comments/{id:int}/replies", replies, methods=["GET"]),
    Route("/relationshiprulesets", rulesets, methods=["GET"]),
    Route("/relationshiprulesets/{id:int}", ruleset, methods=["GET"]),
    Route("/relationshiprulesets/{id:int}/projects", ruleset_projects, methods=["GET"]),
]
