"""Read endpoints of ``/items`` and its sub-resources."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import query, workflow
from jama_magic.sandbox.responses import (
    ApiError,
    endpoint,
    not_found,
    object_response,
    page_response,
    store_of,
)
from jama_magic.sandbox.store import Store, parent_key
from jama_magic.sandbox.wire import JsonDict


def item_or_404(store: Store, item_id: int) -> JsonDict:
    """The live item dict, or a 404."""
    item = store.ds.items.get(item_id)
    if item is None:
        raise not_found("item", item_id)
    return item


def _item_id(request: Request) -> int:
    item_id: int = request.path_params["id"]
    return item_id


@endpoint
async def list_items(request: Request) -> Response:
    """``GET /items?project=P[&rootOnly=true]``."""
    store = store_of(request)
    project = query.one_int(request, "project", required=True)
    if project not in store.ds.projects:
        raise not_found("project", project)
    if query.flag(request, "rootOnly"):
        ids = store.children.get(("project", project), [])
    else:
        ids = store.project_items[project]
    return page_response(request, ids, store.ds.items.get)


@endpoint
async def get_item(request: Request) -> Response:
    """``GET /items/{id}``."""
    return object_response(request, item_or_404(store_of(request), _item_id(request)))


@endpoint
async def children(request: Request) -> Response:
    """``GET /items/{id}/children`` in outline order."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    ids = store.children.get(("item", _item_id(request)), [])
    return page_response(request, ids, store.ds.items.get)


@endpoint
async def parent(request: Request) -> Response:
    """``GET /items/{id}/parent``: the parent item (404 for root items)."""
    store = store_of(request)
    kind, parent_id = parent_key(item_or_404(store, _item_id(request)))
    if kind != "item":
        raise ApiError(
            404,
            f"Item {_item_id(request)} is a root item of project {parent_id}; "
            "it has no parent item.",
        )
    return object_response(request, item_or_404(store, parent_id))


@endpoint
async def location(request: Request) -> Response:
    """``GET /items/{id}/location``."""
    item = item_or_404(store_of(request), _item_id(request))
    return object_response(request, item["location"])


@endpoint
async def synced_items(request: Request) -> Response:
    """``GET /items/{id}/synceditems``: the other items sharing its global id."""
    store = store_of(request)
    item = item_or_404(store, _item_id(request))
    return page_response(request, store.synced_with(item), store.ds.items.get)


@endpoint
async def sync_status(request: Request) -> Response:
    """``GET /items/{id}/synceditems/{syncedItemId}/syncstatus``: ``{"inSync": bool}``."""
    store = store_of(request)
    item = item_or_404(store, _item_id(request))
    other_id = request.path_params["syncedItemId"]
    if other_id not in store.synced_with(item):
        raise not_found(f"item synced with item {item['id']}", other_id)
    return object_response(request, {"inSync": workflow.in_sync(item, store.ds.items[other_id])})


@endpoint
async def transition_options(request: Request) -> Response:
    """``GET /items/{id}/workflowtransitionoptions``: the transitions from its status."""
    store = store_of(request)
    item = item_or_404(store, _item_id(request))
    return page_response(request, workflow.options(store.ds, item))


ROUTES = [
    Route("/items", list_items, methods=["GET"]),
    Route("/items/{id:int}", get_item, methods=["GET"]),
    Route("/items/{id:int}/children", children, methods=["GET"]),
    Route("/items/{id:int}/parent", parent, methods=["GET"]),
    Route("/items/{id:int}/location", location, methods=["GET"]),
    Route("/items/{id:int}/synceditems", synced_items, methods=["GET"]),
    Route(
        "/items/{id:int}/synceditems/{syncedItemId:int}/syncstatus", sync_status, methods=["GET"]
    ),
    Route("/items/{id:int}/workflowtransitionoptions", transition_options, methods=["GET"]),
]
