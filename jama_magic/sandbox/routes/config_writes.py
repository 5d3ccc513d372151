"""Writes to the instance's configuration: projects, releases, pick list
options and CORS domains; and ``GET /files?url=`` for files linked by URL."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import validation as v
from jama_magic.sandbox.envelope import meta
from jama_magic.sandbox.responses import (
    ApiError,
    created_response,
    endpoint,
    json_response,
    not_found,
    ok_response,
    store_of,
)
from jama_magic.sandbox.restricted import RESTRICTED_PROJECT_ID
from jama_magic.sandbox.routes.writes import body_of
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict

_FILE_URL = re.compile(r"/attachments?/(\d+)(/|$)")


def _project_body(store: Store, body: Any, exclude: int | None = None) -> JsonDict:
    body = v.require_object(body)
    key, fields = body.get("projectKey"), body.get("fields")
    if not isinstance(key, str) or not re.fullmatch(r"[A-Z][A-Z0-9_]*", key):
        raise ApiError(400, f"projectKey must be upper-case letters and digits, got {key!r}.")
    fields = v.require_object(fields, "fields member")
    if not isinstance(fields.get("name"), str) or not fields["name"].strip():
        raise ApiError(400, "fields.name is required and must be a non-empty string.")
    for project in store.ds.projects.values():
        if project["projectKey"] == key and project["id"] != exclude:
            raise ApiError(400, f"A project with key {key!r} already exists.")
    return {"projectKey": key, "isFolder": bool(body.get("isFolder", False)), "fields": fields}


@endpoint
async def post_project(request: Request) -> Response:
    """``POST /projects {"projectKey", "fields": {"name", ...}, "isFolder"?}``."""
    store = store_of(request)
    body = await body_of(request)
    with store.writing():
        parts = _project_body(store, body)
        project_id = max(*store.ds.projects, RESTRICTED_PROJECT_ID) + 1
        when = store.now()
        store.ds.projects[project_id] = {
            "id": project_id,
            "projectKey": parts["projectKey"],
            "isFolder": parts["isFolder"],
            "createdDate": when,
            "modifiedDate": when,
            "createdBy": store.ds.current_user_id,
            "modifiedBy": store.ds.current_user_id,
            "fields": {"projectKey": parts["projectKey"], **parts["fields"]},
            "type": "projects",
        }
        store.project_items[project_id] = []
        store.project_rels[project_id] = []
    return created_response(request, "projects", project_id)


@endpoint
async def put_project(request: Request) -> Response:
    """``PUT /projects/{id}``: full replace of key and fields."""
    store = store_of(request)
    body = await body_of(request)
    with store.writing():
        old = store.ds.projects.get(request.path_params["id"])
        if old is None:
            raise not_found("project", request.path_params["id"])
        parts = _project_body(store, body, exclude=old["id"])
        store.ds.projects[old["id"]] = {
            **old,
            "projectKey": parts["projectKey"],
            "isFolder": parts["isFolder"],
            "modifiedDate": store.now(),
            "modifiedBy": store.ds.current_user_id,
            "fields": {"projectKey": parts["projectKey"], **parts["fields"]},
        }
    return ok_response()


@endpoint
async def put_release(request: Request) -> Response:
    """``PUT /releases/{id} {"name", "description"?, "releaseDate"?}``."""
    store = store_of(request)
    body = v.require_object(await body_of(request))
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise ApiError(400, "name is required and must be a non-empty string.")
    with store.writing():
        old = store.ds.releases.get(request.path_params["id"])
        if old is None:
            raise not_found("release", request.path_params["id"])
        store.ds.releases[old["id"]] = {
            **old,
            "name": body["name"],
            "description": str(body.get("description", "")),
            "releaseDate": body.get("releaseDate", old.get("releaseDate")),
        }
    return ok_response()


@endpoint
async def put_option(request: Request) -> Response:
    """``PUT /picklistoptions/{id} {"name", "description"?, "value"?, "color"?, ...}``."""
    store = store_of(request)
    body = v.require_object(await body_of(request))
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise ApiError(400, "name is required and must be a non-empty string.")
    with store.writing():
        old = store.ds.picklistoptions.get(request.path_params["id"])
        if old is None:
            raise not_found("pick list option", request.path_params["id"])
        new = {**old, "name": body["name"]}
        for key in ("description", "value", "color", "active", "default", "sortOrder"):
            if key in body:
                new[key] = body[key]
        store.ds.picklistoptions[old["id"]] = new
    return ok_response()


@endpoint
async def corsdomains(request: Request) -> Response:
    """``GET /system/settings/corsdomains``."""
    domains = list(store_of(request).ds.cors_domains)
    return json_response({"meta": meta(), "links": {}, "data": {"domains": domains}})


@endpoint
async def post_corsdomains(request: Request) -> Response:
    """``POST /system/settings/corsdomains {"domains": [...]}``: replaces the list."""
    body = v.require_object(await body_of(request))
    domains = body.get("domains")
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        raise ApiError(400, 'The body must be {"domains": ["https://...", ...]}.')
    store = store_of(request)
    with store.writing():
        store.ds.cors_domains[:] = domains
    return json_response({"meta": meta(201)}, 201)


@endpoint
async def files(request: Request) -> Response:
    """``GET /files?url=``: the bytes of an attachment named by its Jama URL."""
    url = request.query_params.get("url")
    if not url:
        raise ApiError(400, "Parameter url is required: the Jama URL of a file.")
    found = _FILE_URL.search(url)
    store = store_of(request)
    attachment = store.ds.attachments.get(int(found.group(1))) if found else None
    if attachment is None:
        raise ApiError(404, f"No file at {url}.")
    return Response(
        store.ds.attachment_files.get(attachment["id"], b""),
        media_type=attachment.get("mimeType") or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{attachment["fileName"]}"'},
    )


ROUTES = [
    Route("/projects", post_project, methods=["POST"]),
    Route("/projects/{id:int}", put_project, methods=["PUT"]),
    Route("/releases/{id:int}", put_release, methods=["PUT"]),
    Route("/picklistoptions/{id:int}", put_option, methods=["PUT"]),
    Route("/system/settings/corsdomains", corsdomains, methods=["GET"]),
    Route("/system/settings/corsdomains", post_corsdomains, methods=["POST"]),
    Route("/files", files, methods=["GET"]),
]
