"""Read endpoints for projects, item types, pick lists, users, relationship
types, releases, tags and the endpoint list at the API root.

Plain collections and their members share two handler factories, ``_all`` and ``_one``;
``GET /relationshiptypes/{id}?timestamp=`` accepts ``timestamp`` and ignores it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import query
from jama_magic.sandbox.envelope import meta
from jama_magic.sandbox.responses import (
    Handler,
    endpoint,
    json_response,
    not_found,
    object_response,
    page_response,
    store_of,
)
from jama_magic.sandbox.wire import JsonDict


def _get(table: dict[int, JsonDict], kind: str, object_id: int) -> JsonDict:
    found = table.get(object_id)
    if found is None:
        raise not_found(kind, object_id)
    return found


def _all(table: str) -> Handler:
    """``GET /<table>``: every object of ``ds.<table>``, paged."""

    @endpoint
    async def every(request: Request) -> Response:
        return page_response(request, list(getattr(store_of(request).ds, table).values()))

    return every


def _one(table: str, kind: str) -> Handler:
    """``GET /<table>/{id}``: one object of ``ds.<table>``, or Jama's 404 naming ``kind``."""

    @endpoint
    async def one(request: Request) -> Response:
        rows = getattr(store_of(request).ds, table)
        return object_response(request, _get(rows, kind, request.path_params["id"]))

    return one


@endpoint
async def api_root(request: Request) -> Response:
    """``GET /rest/latest/``: the names ``n`` with a ``GET /n`` route, in ``data``."""
    return json_response({"meta": meta(), "links": {}, "data": endpoint_names(request)})


def endpoint_names(request: Request) -> list[str]:
    """Top-level collections this app serves with GET, sorted (none that would 404)."""
    names = {
        route.path.strip("/")
        for route in request.app.routes
        if isinstance(route, Route)
        and "GET" in (route.methods or ())
        and route.path.count("/") == 1
        and route.path != "/"
    }
    return sorted(names)


def with_image_url(request: Request, itemtype: JsonDict) -> JsonDict:
    """The item type with ``image`` as an absolute URL on this server, as Jama sends it."""
    return {**itemtype, "image": f"{request.url.scheme}://{request.url.netloc}{itemtype['image']}"}


@endpoint
async def itemtypes(request: Request) -> Response:
    """``GET /itemtypes``."""
    rows = list(store_of(request).ds.itemtypes.values())
    return page_response(request, rows, lambda t: with_image_url(request, t))


@endpoint
async def itemtype(request: Request) -> Response:
    """``GET /itemtypes/{id}``."""
    found = _get(store_of(request).ds.itemtypes, "item type", request.path_params["id"])
    return object_response(request, with_image_url(request, found))


@endpoint
async def project_itemtypes(request: Request) -> Response:
    """``GET /projects/{id}/itemtypes``: every type is enabled in every project."""
    store = store_of(request)
    _get(store.ds.projects, "project", request.path_params["id"])
    rows = list(store.ds.itemtypes.values())
    return page_response(request, rows, lambda t: with_image_url(request, t))


@endpoint
async def project_tags(request: Request) -> Response:
    """``GET /projects/{id}/tags``."""
    store = store_of(request)
    pid = _get(store.ds.projects, "project", request.path_params["id"])["id"]
    return page_response(request, [t for t in store.ds.tags.values() if t["project"] == pid])


@endpoint
async def picklist_options(request: Request) -> Response:
    """``GET /picklists/{id}/options`` in sort order."""
    store = store_of(request)
    list_id = _get(store.ds.picklists, "pick list", request.path_params["id"])["id"]
    ids = store.ds.picklist_option_ids[list_id]
    return page_response(request, ids, store.ds.picklistoptions.get)


def _user_matches(request: Request, user: JsonDict) -> bool:
    params = request.query_params
    if not user["active"] and not query.flag(request, "includeInactive"):
        return False
    for name in ("username", "email", "firstName", "lastName", "licenseType"):
        wanted = params.get(name)
        if wanted and wanted.lower() not in str(user[name]).lower():
            return False
    return True


@endpoint
async def users(request: Request) -> Response:
    """``GET /users`` with the username/email/name/licenseType/includeInactive filters."""
    rows = [u for u in store_of(request).ds.users.values() if _user_matches(request, u)]
    return page_response(request, rows)


@endpoint
async def current_user(request: Request) -> Response:
    """``GET /users/current``: the sandbox's own login (``links`` is ``{}``)."""
    store = store_of(request)
    return object_response(request, store.ds.users[store.ds.current_user_id])


@endpoint
async def favorite_filters(request: Request) -> Response:
    """``GET /users/current/favoritefilters``."""
    return page_response(request, list(store_of(request).ds.filters.values())[:1])


def _by_project(request: Request, rows: list[JsonDict], *, required: bool) -> list[JsonDict]:
    project = query.one_int(request, "project", required=required)
    if project is not None and project not in store_of(request).ds.projects:
        raise not_found("project", project)
    return [r for r in rows if project is None or r["project"] == project]


@endpoint
async def releases(request: Request) -> Response:
    """``GET /releases?project=``."""
    rows = list(store_of(request).ds.releases.values())
    return page_response(request, _by_project(request, rows, required=True))


@endpoint
async def tags(request: Request) -> Response:
    """``GET /tags?project=`` (project required)."""
    rows = list(store_of(request).ds.tags.values())
    return page_response(request, _by_project(request, rows, required=True))


@endpoint
async def tagged_items(request: Request) -> Response:
    """``GET /tags/{id}/items``."""
    store = store_of(request)
    tag_id = _get(store.ds.tags, "tag", request.path_params["id"])["id"]
    return page_response(request, store.tag_items.get(tag_id, []), store.ds.items.get)


ROUTES = [
    Route("/", api_root, methods=["GET"]),
    Route("/projects", _all("projects"), methods=["GET"]),
    Route("/projects/{id:int}", _one("projects", "project"), methods=["GET"]),
    Route("/projects/{id:int}/itemtypes", project_itemtypes, methods=["GET"]),
    Route("/projects/{id:int}/tags", project_tags, methods=["GET"]),
    Route("/itemtypes", itemtypes, methods=["GET"]),
    Route("/itemtypes/{id:int}", itemtype, methods=["GET"]),
    Route("/picklists", _all("picklists"), methods=["GET"]),
    Route("/picklists/{id:int}", _one("picklists", "pick list"), methods=["GET"]),
    Route("/picklists/{id:int}/options", picklist_options, methods=["GET"]),
    Route(
        "/picklistoptions/{id:int}", _one("picklistoptions", "pick list option"), methods=["GET"]
    ),
    Route("/users", users, methods=["GET"]),
    Route("/users/current", current_user, methods=["GET"]),
    Route("/users/current/favoritefilters", favorite_filters, methods=["GET"]),
    Route("/users/{id:int}", _one("users", "user"), methods=["GET"]),
    Route("/relationshiptypes", _all("relationshiptypes"), methods=["GET"]),
    Route(
        "/relationshiptypes/{id:int}",
        _one("relationshiptypes", "relationship type"),
        methods=["GET"],
    ),
    Route("/releases", releases, methods=["GET"]),
    Route("/releases/{id:int}", _one("releases", "release"), methods=["GET"]),
    Route("/tags", tags, methods=["GET"]),
    Route("/tags/{id:int}", _one("tags", "tag"), methods=["GET"]),
    Route("/tags/{id:int}/items", tagged_items, methods=["GET"]),
]
