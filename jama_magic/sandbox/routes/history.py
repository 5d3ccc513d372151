"""Baselines and activities: what a project looked like at a time, and what
changed since.

``GET /activities`` takes ``date`` (one value: on or after; two: a range,
both ends included), ``eventType``, ``objectType``, ``itemType`` (all
repeatable) and ``deleteEvents=true`` (only DELETE events).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import query
from jama_magic.sandbox.responses import (
    endpoint,
    not_found,
    object_response,
    page_response,
    store_of,
)
from jama_magic.sandbox.routes.subresources import related_ids, strict_datetime, with_extra
from jama_magic.sandbox.store import Store
from jama_magic.sandbox.wire import JsonDict


def _project_param(request: Request, store: Store) -> int:
    project = query.one_int(request, "project", required=True) or 0
    if project not in store.ds.projects:
        raise not_found("project", project)
    return project


def _baseline(request: Request) -> JsonDict:
    found: JsonDict | None = store_of(request).ds.baselines.get(request.path_params["id"])
    if found is None:
        raise not_found("baseline", request.path_params["id"])
    return found


@endpoint
async def baselines(request: Request) -> Response:
    """``GET /baselines?project=``, oldest first."""
    store = store_of(request)
    project = _project_param(request, store)
    rows = [b for b in store.ds.baselines.values() if b["project"] == project]
    return page_response(request, sorted(rows, key=lambda b: (b["createdDate"], b["id"])))


@endpoint
async def baseline(request: Request) -> Response:
    """``GET /baselines/{id}``."""
    return object_response(request, _baseline(request))


def versioned(store: Store, baseline: JsonDict, item_id: int, number: int) -> JsonDict:
    """A baseline item: the item at ``number`` plus version, currentVersion and location."""
    snap = store.history.snapshot(item_id, number) or {}
    return with_extra(
        snap,
        version=number,
        currentVersion=store.history.current_version(item_id),
        baseline=baseline["id"],
        baselineLocation={
            "parent": snap["location"]["parent"],
            "sequence": snap["location"]["sequence"],
        },
    )


@endpoint
async def versioned_items(request: Request) -> Response:
    """``GET /baselines/{id}/versioneditems``: the items as they were when it was taken."""
    store, found = store_of(request), _baseline(request)
    with store.lock:
        members = store.history.members(found)
    return page_response(request, members, lambda m: versioned(store, found, *m))


def _member(request: Request) -> tuple[JsonDict, int, int]:
    store, found = store_of(request), _baseline(request)
    item_id = request.path_params["itemId"]
    with store.lock:
        for member_id, number in store.history.members(found):
            if member_id == item_id:
                return found, item_id, number
    raise not_found(f"item in baseline {found['id']}", item_id)


@endpoint
async def versioned_item(request: Request) -> Response:
    """``GET /baselines/{id}/versioneditems/{itemId}``."""
    found, item_id, number = _member(request)
    return object_response(request, versioned(store_of(request), found, item_id, number))


@endpoint
async def versioned_relationships(request: Request) -> Response:
    """``…/versioneditems/{itemId}/versionedrelationships``: the item's relationships
    as they were when the baseline was taken (one call per item, as in Jama)."""
    store = store_of(request)
    found, item_id, _ = _member(request)
    live = [store.ds.relationships[r] for r in related_ids(store, item_id)]
    return page_response(
        request, store.history.relationships_at(live, item_id, found["createdDate"])
    )


def _event_matches(request: Request, store: Store) -> list[JsonDict]:
    project = _project_param(request, store)
    params = request.query_params
    events = set(params.getlist("eventType"))
    if query.flag(request, "deleteEvents"):
        events = {"DELETE"}
    objects = set(params.getlist("objectType"))
    types = set(query.ints(request, "itemType"))
    dates = [strict_datetime(request, "date", raw) for raw in params.getlist("date")[:2]]
    low = dates[0] if dates else ""
    high = dates[1] if len(dates) > 1 else "~"
    return [
        event
        for event_id, event in store.ds.activities.items()
        if store.ds.activity_project.get(event_id) == project
        and (not events or event["eventType"] in events)
        and (not objects or event["objectType"] in objects)
        and low <= event["date"] <= high
        and (not types or _item_type(store, event) in types)
    ]


def _item_type(store: Store, event: JsonDict) -> int | None:
    if event["objectType"] == "RELATIONSHIP":
        return None
    found = store.abstract_item(event["item"]) or store.history.origin.get(event["item"])
    return None if found is None else found.get("itemType")


@endpoint
async def activities(request: Request) -> Response:
    """``GET /activities?project=`` with the filters in the module docstring."""
    return page_response(request, _event_matches(request, store_of(request)))


@endpoint
async def activity(request: Request) -> Response:
    """``GET /activities/{id}``."""
    found = store_of(request).ds.activities.get(request.path_params["id"])
    if found is None:
        raise not_found("activity", request.path_params["id"])
    return object_response(request, found)


@endpoint
async def affected_items(request: Request) -> Response:
    """``GET /activities/{id}/affecteditems``: the live items the event concerned."""
    store = store_of(request)
    event_id = request.path_params["id"]
    event = store.ds.activities.get(event_id)
    if event is None:
        raise not_found("activity", event_id)
    ids = store.activity_ends.get(event_id) or (event["item"],)
    if event["objectType"] == "RELATIONSHIP" and event_id not in store.activity_ends:
        ids = ()
    return page_response(request, [i for i in ids if store.abstract_item(i)], store.abstract_item)


ROUTES = [
    Route("/baselines", baselines, methods=["GET"]),
    Route("/baselines/{id:int}", baseline, methods=["GET"]),
    Route("/baselines/{id:int}/versioneditems", versioned_items, methods=["GET"]),
    Route("/baselines/{id:int}/versioneditems/{itemId:int}", versioned_item, methods=["GET"]),
    Route(
        "/baselines/{id:int}/versioneditems/{itemId:int}/versionedrelationships",
        versioned_relationships,
        methods=["GET"],
    ),
    Route("/activities", activities, methods=["GET"]),
    Route("/activities/{id:int}", activity, methods=["GET"]),
    Route("/activities/{id:int}/affecteditems", affected_items, methods=["GET"]),
]
