"""The sandbox's data controls over HTTP, for a sandbox in another process (not
Jama endpoints; the gateway serves them at ``/rest/sandbox/...`` only, with the
sandbox's credentials):

- ``POST /rest/sandbox/baselines {"project", "name", "description"?}``: take a
  baseline now; 201 with ``meta.id``.
- ``POST /rest/sandbox/items/{id}/edits {"fields", "user"?, "comment"?}``: edit
  as another user (default 52); 200.
- ``PUT /rest/sandbox/items/{id}/lock {"user": id | null}``: lock as another
  user, or unlock; 200.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import data_controls as dc
from jama_magic.sandbox import item_writes, social_writes
from jama_magic.sandbox import validation as v
from jama_magic.sandbox.responses import ApiError, created_response, endpoint, ok_response, store_of
from jama_magic.sandbox.routes.writes import body_of

PREFIX = "/__sandbox"


@endpoint
async def post_baseline(request: Request) -> Response:
    """Take a baseline of a project now."""
    body = v.require_object(await body_of(request))
    project, name = v.require_int(body, "project"), body.get("name")
    if not isinstance(name, str):
        raise ApiError(400, "name is required and must be a string.")
    try:
        new_id = dc.take_baseline(
            store_of(request), project, name, str(body.get("description", ""))
        )
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return created_response(request, "baselines", new_id)


@endpoint
async def post_edit(request: Request) -> Response:
    """Edit an item's fields as another user."""
    body = v.require_object(await body_of(request))
    fields = v.require_object(body.get("fields"), "fields member")
    user = body.get("user", dc.COLLEAGUE)
    if user not in store_of(request).ds.users:
        raise ApiError(400, f"user {user!r} is not a user id.")
    item_writes.update_fields(
        store_of(request),
        request.path_params["id"],
        fields,
        user=user,
        comment=str(body.get("comment", "")),
    )
    return ok_response()


@endpoint
async def put_lock(request: Request) -> Response:
    """Lock an item as another user (``{"user": null}`` unlocks it)."""
    body = v.require_object(await body_of(request))
    user = body.get("user")
    if user is not None and user not in store_of(request).ds.users:
        raise ApiError(400, f"user {user!r} is not a user id.")
    social_writes.lock_as(store_of(request), request.path_params["id"], user)
    return ok_response()


ROUTES = [
    Route(f"{PREFIX}/baselines", post_baseline, methods=["POST"]),
    Route(f"{PREFIX}/items/{{id:int}}/edits", post_edit, methods=["POST"]),
    Route(f"{PREFIX}/items/{{id:int}}/lock", put_lock, methods=["PUT"]),
]
