"""Write endpoints for items: POST/PUT/PATCH/DELETE, location, duplicate, and
restoring a deleted item from its activity."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import item_ops, item_writes
from jama_magic.sandbox.responses import (
    created_response,
    endpoint,
    ok_response,
    store_of,
)
from jama_magic.sandbox.validation import parse_json


async def body_of(request: Request) -> Any:
    """The parsed JSON body (400 when malformed)."""
    return parse_json(await request.body())


def deleted_response(request: Request) -> Response:
    """200 meta-only or 204, as configured (``delete_status``)."""
    if store_of(request).config.delete_status == 204:
        return Response(status_code=204)
    return ok_response()


@endpoint
async def post_item(request: Request) -> Response:
    """``POST /items``: 201 with ``meta.id`` and ``meta.location``."""
    manual = request.query_params.get("setGlobalIdManually", "false").lower() == "true"
    new_id = item_writes.create_item(store_of(request), await body_of(request), global_id=manual)
    return created_response(request, "items", new_id)


@endpoint
async def put_item(request: Request) -> Response:
    """``PUT /items/{id}``: full replace."""
    item_writes.replace_item(store_of(request), request.path_params["id"], await body_of(request))
    return ok_response()


@endpoint
async def patch_item(request: Request) -> Response:
    """``PATCH /items/{id}``: JSON-patch operations on fields."""
    item_writes.patch_item(store_of(request), request.path_params["id"], await body_of(request))
    return ok_response()


@endpoint
async def delete_item(request: Request) -> Response:
    """``DELETE /items/{id}``: soft delete of the item and its children."""
    item_ops.delete_item(store_of(request), request.path_params["id"])
    return deleted_response(request)


@endpoint
async def put_location(request: Request) -> Response:
    """``PUT /items/{id}/location``: moves synchronously (Jama queues the work)."""
    item_ops.move(store_of(request), request.path_params["id"], await body_of(request))
    return ok_response()


@endpoint
async def duplicate(request: Request) -> Response:
    """``POST /items/{id}/duplicate``: a copy under the same parent."""
    store = store_of(request)
    original = item_writes.editable(store, request.path_params["id"])
    body = {
        "project": original["project"],
        "itemType": original["itemType"],
        "childItemType": original.get("childItemType", 0),
        "location": {"parent": original["location"]["parent"]},
        "fields": original["fields"],
    }
    return created_response(request, "items", item_writes.create_item(store, body))


@endpoint
async def restore(request: Request) -> Response:
    """``POST /activities/{id}/restore``."""
    item_ops.restore(store_of(request), request.path_params["id"])
    return ok_response()


ROUTES = [
    Route("/items", post_item, methods=["POST"]),
    Route("/items/{id:int}", put_item, methods=["PUT"]),
    Route("/items/{id:int}", patch_item, methods=["PATCH"]),
    Route("/items/{id:int}", delete_item, methods=["DELETE"]),
    Route("/items/{id:int}/location", put_location, methods=["PUT"]),
    Route("/items/{id:int}/duplicate", duplicate, methods=["POST"]),
    Route("/activities/{id:int}/restore", restore, methods=["POST"]),
]
