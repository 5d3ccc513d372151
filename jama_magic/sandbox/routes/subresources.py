"""Read endpoints that items, test plans, cycles, runs and attachments share:
versions, activities, attachments, comments, URL links, lock, tags and
relationships, each under every kind the catalogue lists it for.

The kind is the path's first segment; ``/abstractitems/{id}/...`` finds the id
in any of them (all share one id space).
"""

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
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict

_NAMES = {
    "items": "item",
    "abstractitems": "abstract item",
    "testplans": "test plan",
    "testcycles": "test cycle",
    "testruns": "test run",
    "attachments": "attachment",
}
VERSIONED = ("items", "abstractitems", "testplans", "testcycles", "testruns", "attachments")
SOCIAL = ("items", "testplans", "testruns")  # activities, attachments, links, tags, relations
COMMENTED = ("items", "testplans", "testruns", "attachments")
LOCKABLE = ("items", "testplans", "testruns", "attachments")


def kind_of(request: Request) -> str:
    """The path's first segment (``items``, ``testplans``, ...)."""
    return request.url.path.strip("/").split("/")[0]


def target(request: Request) -> JsonDict:
    """The object the path names, or Jama's 404."""
    kind, object_id = kind_of(request), request.path_params["id"]
    found = store_of(request).lookup(kind, object_id)
    if found is None:
        raise not_found(_NAMES.get(kind, kind), object_id)
    return found


def with_extra(obj: JsonDict, **extra: object) -> JsonDict:
    """``obj`` plus ``extra`` keys, ``type`` kept last as Jama does."""
    result = {k: v for k, v in obj.items() if k != "type"}
    result.update(extra)
    result["type"] = obj["type"]
    return result


# -- versions --------------------------------------------------------------------------


@endpoint
async def versions(request: Request) -> Response:
    """``GET /{kind}/{id}/versions``: every version, oldest first."""
    return page_response(request, store_of(request).history.versions(target(request)["id"]))


def _version(store: Store, obj_id: int, number: int) -> JsonDict:
    for record in store.history.versions(obj_id):
        if record["versionNumber"] == number:
            return record
    raise not_found(f"version of item {obj_id}", number)


@endpoint
async def version(request: Request) -> Response:
    """``GET /{kind}/{id}/versions/{versionNum}``."""
    store, obj = store_of(request), target(request)
    return object_response(request, _version(store, obj["id"], request.path_params["versionNum"]))


@endpoint
async def versioned_item(request: Request) -> Response:
    """``…/versions/{n}/versioneditem``: the object exactly as it was at version n."""
    store, obj = store_of(request), target(request)
    number = request.path_params["versionNum"]
    _version(store, obj["id"], number)
    snapshot = store.history.snapshot(obj["id"], number)
    if snapshot is None:
        raise not_found(f"version of item {obj['id']}", number)
    current = store.history.current_version(obj["id"])
    return object_response(request, with_extra(snapshot, version=number, currentVersion=current))


@endpoint
async def versioned_relationships(request: Request) -> Response:
    """``GET /abstractitems/{id}/versionedrelationships?timestamp=``: as they were then."""
    store, obj = store_of(request), target(request)
    raw = request.query_params.get("timestamp")
    if not raw:
        raise ApiError(400, "Parameter timestamp is required, e.g. 2024-01-31T00:00:00.000+0000.")
    when = strict_datetime(request, "timestamp", raw)
    live = [store.ds.relationships[r] for r in related_ids(store, obj["id"])]
    return page_response(request, store.history.relationships_at(live, obj["id"], when))


def strict_datetime(request: Request, name: str, raw: str) -> str:
    """A query datetime in Jama's format (400 for a raw ``+`` unless lenient)."""
    return query.datetime_value(name, raw, lenient=store_of(request).config.lenient)


def related_ids(store: Store, obj_id: int) -> list[int]:
    """Ids of the live relationships starting or ending at ``obj_id``."""
    ids = set(store.rels_from.get(obj_id, [])) | set(store.rels_to.get(obj_id, []))
    return sorted(i for i in ids if i in store.ds.relationships)


# -- activities, attachments, comments, links, lock, tags --------------------------------


@endpoint
async def activities(request: Request) -> Response:
    """``GET /{kind}/{id}/activities``: events of the object and of its relationships."""
    store, obj_id = store_of(request), target(request)["id"]
    rows = [
        event
        for event_id, event in store.ds.activities.items()
        if (event["item"] == obj_id and event["objectType"] != "RELATIONSHIP")
        or obj_id in store.activity_ends.get(event_id, ())
    ]
    return page_response(request, rows)


@endpoint
async def attachments(request: Request) -> Response:
    """``GET /{kind}/{id}/attachments``."""
    store, obj_id = store_of(request), target(request)["id"]
    return page_response(
        request, store.ds.item_attachments.get(obj_id, []), store.ds.attachments.get
    )


@endpoint
async def comments(request: Request) -> Response:
    """``GET /{kind}/{id}/comments[?rootCommentsOnly=true]``, oldest first."""
    store, obj_id = store_of(request), target(request)["id"]
    roots = query.flag(request, "rootCommentsOnly")
    rows = [
        c
        for c in store.ds.comments.values()
        if c["location"].get("item") == obj_id and not (roots and "inReplyTo" in c)
    ]
    return page_response(request, rows)


@endpoint
async def links(request: Request) -> Response:
    """``GET /{kind}/{id}/links``: the object's URL links."""
    store, obj_id = store_of(request), target(request)["id"]
    return page_response(request, store.ds.item_links.get(obj_id, []), store.ds.links.get)


@endpoint
async def link(request: Request) -> Response:
    """``GET /{kind}/{id}/links/{linkId}``."""
    store, obj_id = store_of(request), target(request)["id"]
    link_id = request.path_params["linkId"]
    if link_id not in store.ds.item_links.get(obj_id, []):
        raise not_found(f"link on item {obj_id}", link_id)
    return object_response(request, store.ds.links[link_id])


@endpoint
async def lock(request: Request) -> Response:
    """``GET /{kind}/{id}/lock``."""
    return object_response(request, target(request).get("lock", {"locked": False}))


@endpoint
async def tags(request: Request) -> Response:
    """``GET /{kind}/{id}/tags``."""
    store, obj_id = store_of(request), target(request)["id"]
    return page_response(request, store.ds.item_tags.get(obj_id, []), store.ds.tags.get)


@endpoint
async def tag(request: Request) -> Response:
    """``GET /{kind}/{id}/tags/{tagId}``."""
    store, obj_id = store_of(request), target(request)["id"]
    tag_id = request.path_params["tagId"]
    if tag_id not in store.ds.item_tags.get(obj_id, []):
        raise not_found("tag on this item", tag_id)
    return object_response(request, store.ds.tags[tag_id])


# -- relationships -------------------------------------------------------------------------


def _rels(store: Store, index: dict[int, list[int]], obj_id: int) -> list[JsonDict]:
    return [
        store.ds.relationships[rid]
        for rid in index.get(obj_id, [])
        if rid in store.ds.relationships
    ]


@endpoint
async def upstream_relationships(request: Request) -> Response:
    """``GET /{kind}/{id}/upstreamrelationships``: relationships ending here."""
    store = store_of(request)
    return page_response(request, _rels(store, store.rels_to, target(request)["id"]))


@endpoint
async def downstream_relationships(request: Request) -> Response:
    """``GET /{kind}/{id}/downstreamrelationships``: relationships starting here."""
    store = store_of(request)
    return page_response(request, _rels(store, store.rels_from, target(request)["id"]))


@endpoint
async def upstream_related(request: Request) -> Response:
    """``GET /{kind}/{id}/upstreamrelated``: the objects upstream of this one."""
    store = store_of(request)
    rels = _rels(store, store.rels_to, target(request)["id"])
    return page_response(request, [r["fromItem"] for r in rels], store.abstract_item)


@endpoint
async def downstream_related(request: Request) -> Response:
    """``GET /{kind}/{id}/downstreamrelated``: the objects downstream of this one."""
    store = store_of(request)
    rels = _rels(store, store.rels_from, target(request)["id"])
    return page_response(request, [r["toItem"] for r in rels], store.abstract_item)


def _routes() -> list[Route]:
    one = "/{kind}/{{id:int}}"
    table: list[tuple[tuple[str, ...], str, object]] = [
        (VERSIONED, "/versions", versions),
        (VERSIONED, "/versions/{versionNum:int}", version),
        (VERSIONED, "/versions/{versionNum:int}/versioneditem", versioned_item),
        (("abstractitems",), "/versionedrelationships", versioned_relationships),
        (SOCIAL, "/activities", activities),
        (SOCIAL, "/attachments", attachments),
        (COMMENTED, "/comments", comments),
        (SOCIAL, "/links", links),
        (SOCIAL, "/links/{linkId:int}", link),
        (LOCKABLE, "/lock", lock),
        (SOCIAL, "/tags", tags),
        (SOCIAL, "/tags/{tagId:int}", tag),
        (SOCIAL, "/upstreamrelationships", upstream_relationships),
        (SOCIAL, "/downstreamrelationships", downstream_relationships),
        (SOCIAL, "/upstreamrelated", upstream_related),
        (SOCIAL, "/downstreamrelated", downstream_related),
    ]
    return [
        Route(one.format(kind=kind) + suffix, handler, methods=["GET"])  # type: ignore[arg-type]
        for kinds, suffix, handler in table
        for kind in kinds
    ]


ROUTES = _routes()
