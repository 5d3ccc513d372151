"""Read endpoints of ``/items`` and its sub-resources."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import query
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
async def lock(request: Request) -> Response:
    """``GET /items/{id}/lock``."""
    item = item_or_404(store_of(request), _item_id(request))
    return object_response(request, item["lock"])


@endpoint
async def item_tags(request: Request) -> Response:
    """``GET /items/{id}/tags``."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    return page_response(request, store.ds.item_tags.get(_item_id(request), []), store.ds.tags.get)


@endpoint
async def item_tag(request: Request) -> Response:
    """``GET /items/{id}/tags/{tagId}``."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    tag_id = request.path_params["tagId"]
    if tag_id not in store.ds.item_tags.get(_item_id(request), []):
        raise not_found("tag on this item", tag_id)
    return object_response(request, store.ds.tags[tag_id])


def _relationships(store: Store, index: dict[int, list[int]], item_id: int) -> list[JsonDict]:
    return [
        store.ds.relationships[rid]
        for rid in index.get(item_id, [])
        if rid in store.ds.relationships
    ]


@endpoint
async def upstream_relationships(request: Request) -> Response:
    """``GET /items/{id}/upstreamrelationships``: relationships ending at the item."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    return page_response(request, _relationships(store, store.rels_to, _item_id(request)))


@endpoint
async def downstream_relationships(request: Request) -> Response:
    """``GET /items/{id}/downstreamrelationships``: relationships starting at the item."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    return page_response(request, _relationships(store, store.rels_from, _item_id(request)))


@endpoint
async def upstream_related(request: Request) -> Response:
    """``GET /items/{id}/upstreamrelated``: the items upstream of this one."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    rels = _relationships(store, store.rels_to, _item_id(request))
    return page_response(request, [rel["fromItem"] for rel in rels], store.ds.items.get)


@endpoint
async def downstream_related(request: Request) -> Response:
    """``GET /items/{id}/downstreamrelated``: the items downstream of this one."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    rels = _relationships(store, store.rels_from, _item_id(request))
    return page_response(request, [rel["toItem"] for rel in rels], store.ds.items.get)


@endpoint
async def versions(request: Request) -> Response:
    """``GET /items/{id}/versions``."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    return page_response(request, store.item_versions(_item_id(request)))


def _version(store: Store, item_id: int, number: int) -> JsonDict:
    for version in store.item_versions(item_id):
        if version["versionNumber"] == number:
            return version
    raise not_found(f"version of item {item_id}", number)


@endpoint
async def version(request: Request) -> Response:
    """``GET /items/{id}/versions/{versionNum}``."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    return object_response(
        request, _version(store, _item_id(request), request.path_params["versionNum"])
    )


@endpoint
async def versioned_item(request: Request) -> Response:
    """``GET /items/{id}/versions/{versionNum}/versioneditem``: the item as of that version."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    number = request.path_params["versionNum"]
    _version(store, _item_id(request), number)
    return object_response(request, store.versioned_item(_item_id(request), number))


@endpoint
async def item_activities(request: Request) -> Response:
    """``GET /items/{id}/activities``."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    rows = [a for a in store.ds.activities.values() if a["item"] == _item_id(request)]
    return page_response(request, rows)


@endpoint
async def item_attachments(request: Request) -> Response:
    """``GET /items/{id}/attachments``."""
    store = store_of(request)
    item_or_404(store, _item_id(request))
    ids = store.ds.item_attachments.get(_item_id(request), [])
    return page_response(request, ids, store.ds.attachments.get)


@endpoint
async def empty_list(request: Request) -> Response:
    """Sub-resources the sandbox keeps empty (comments, links, synced items, transitions)."""
    item_or_404(store_of(request), _item_id(request))
    return page_response(request, [])


ROUTES = [
    Route("/items", list_items, methods=["GET"]),
    Route("/items/{id:int}", get_item, methods=["GET"]),
    Route("/items/{id:int}/children", children, methods=["GET"]),
    Route("/items/{id:int}/parent", parent, methods=["GET"]),
    Route("/items/{id:int}/location", location, methods=["GET"]),
    Route("/items/{id:int}/lock", lock, methods=["GET"]),
    Route("/items/{id:int}/tags", item_tags, methods=["GET"]),
    Route("/items/{id:int}/tags/{tagId:int}", item_tag, methods=["GET"]),
    Route("/items/{id:int}/upstreamrelationships", upstream_relationships, methods=["GET"]),
    Route("/items/{id:int}/downstreamrelationships", downstream_relationships, methods=["GET"]),
    Route("/items/{id:int}/upstreamrelated", upstream_related, methods=["GET"]),
    Route("/items/{id:int}/downstreamrelated", downstream_related, methods=["GET"]),
    Route("/items/{id:int}/versions", versions, methods=["GET"]),
    Route("/items/{id:int}/versions/{versionNum:int}", version, methods=["GET"]),
    Route(
        "/items/{id:int}/versions/{versionNum:int}/versioneditem", versioned_item, methods=["GET"]
    ),
    Route("/items/{id:int}/activities", item_activities, methods=["GET"]),
    Route("/items/{id:int}/attachments", item_attachments, methods=["GET"]),
    *[
        Route(f"/items/{{id:int}}/{name}", empty_list, methods=["GET"])
        for name in ("comments", "links", "synceditems", "workflowtransitionoptions")
    ],
]
