"""Write endpoints shared by items, test plans, runs and attachments (lock,
tags, attachments, URL links), plus comments, synced items and workflow
transitions; the state changes are in :mod:`jama_magic.sandbox.social_writes`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jama_magic.sandbox import social_writes as sw
from jama_magic.sandbox.responses import created_response, endpoint, ok_response, store_of
from jama_magic.sandbox.routes.subresources import LOCKABLE, SOCIAL, kind_of
from jama_magic.sandbox.routes.writes import body_of, deleted_response


def _ids(request: Request) -> tuple[str, int]:
    return kind_of(request), request.path_params["id"]


@endpoint
async def put_lock(request: Request) -> Response:
    """``PUT /{kind}/{id}/lock {"locked": bool}``."""
    sw.set_lock(store_of(request), *_ids(request), await body_of(request))
    return ok_response()


@endpoint
async def post_tag(request: Request) -> Response:
    """``POST /{kind}/{id}/tags {"tag": id}``."""
    kind, obj_id = _ids(request)
    tag_id = sw.add_tag(store_of(request), kind, obj_id, await body_of(request))
    return created_response(request, f"{kind}/{obj_id}/tags", tag_id)


@endpoint
async def delete_tag(request: Request) -> Response:
    """``DELETE /{kind}/{id}/tags/{tagId}``."""
    sw.remove_tag(store_of(request), *_ids(request), request.path_params["tagId"])
    return deleted_response(request)


@endpoint
async def post_attachment(request: Request) -> Response:
    """``POST /{kind}/{id}/attachments {"attachment": id}``."""
    kind, obj_id = _ids(request)
    attachment = sw.attach(store_of(request), kind, obj_id, await body_of(request))
    return created_response(request, f"{kind}/{obj_id}/attachments", attachment)


@endpoint
async def delete_attachment(request: Request) -> Response:
    """``DELETE /{kind}/{id}/attachments/{attachmentId}``."""
    sw.detach(store_of(request), *_ids(request), request.path_params["attachmentId"])
    return deleted_response(request)


@endpoint
async def post_link(request: Request) -> Response:
    """``POST /{kind}/{id}/links {"url", "description"}``."""
    kind, obj_id = _ids(request)
    link_id = sw.add_link(store_of(request), kind, obj_id, await body_of(request))
    return created_response(request, f"{kind}/{obj_id}/links", link_id)


@endpoint
async def put_link(request: Request) -> Response:
    """``PUT /{kind}/{id}/links/{linkId}``."""
    body = await body_of(request)
    sw.put_link(store_of(request), *_ids(request), request.path_params["linkId"], body)
    return ok_response()


@endpoint
async def delete_link(request: Request) -> Response:
    """``DELETE /{kind}/{id}/links/{linkId}``."""
    sw.delete_link(store_of(request), *_ids(request), request.path_params["linkId"])
    return deleted_response(request)


@endpoint
async def post_comment(request: Request) -> Response:
    """``POST /comments``."""
    comment_id = sw.add_comment(store_of(request), await body_of(request))
    return created_response(request, "comments", comment_id)


@endpoint
async def post_synced(request: Request) -> Response:
    """``POST /items/{id}/synceditems {"item": id}``: 201 with the synced item's id."""
    item_id = sw.sync(store_of(request), request.path_params["id"], await body_of(request))
    return created_response(request, "items", item_id)


@endpoint
async def delete_synced(request: Request) -> Response:
    """``DELETE /items/{id}/synceditems/{syncedItemId}``."""
    sw.unsync(store_of(request), request.path_params["id"], request.path_params["syncedItemId"])
    return deleted_response(request)


@endpoint
async def post_transition(request: Request) -> Response:
    """``POST /items/{id}/workflowtransitions {"transitionId", "comment"}``."""
    item_id = request.path_params["id"]
    sw.transition(store_of(request), item_id, await body_of(request))
    return created_response(request, "items", item_id)


def _routes() -> list[Route]:
    table = [
        (LOCKABLE, "/lock", put_lock, "PUT"),
        (SOCIAL, "/tags", post_tag, "POST"),
        (SOCIAL, "/tags/{tagId:int}", delete_tag, "DELETE"),
        (SOCIAL, "/attachments", post_attachment, "POST"),
        (SOCIAL, "/attachments/{attachmentId:int}", delete_attachment, "DELETE"),
        (SOCIAL, "/links", post_link, "POST"),
        (SOCIAL, "/links/{linkId:int}", put_link, "PUT"),
        (SOCIAL, "/links/{linkId:int}", delete_link, "DELETE"),
    ]
    return [
        Route(f"/{kind}/{{id:int}}{suffix}", handler, methods=[method])
        for kinds, suffix, handler, method in table
        for kind in kinds
    ]


ROUTES = [
    *_routes(),
    Route("/comments", post_comment, methods=["POST"]),
    Route("/items/{id:int}/synceditems", post_synced, methods=["POST"]),
    Route("/items/{id:int}/synceditems/{syncedItemId:int}", delete_synced, methods=["DELETE"]),
    Route("/items/{id:int}/workflowtransitions", post_transition, methods=["POST"]),
]
