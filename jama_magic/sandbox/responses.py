"""Turning handler results into Jama-shaped HTTP responses.

Handlers raise :class:`ApiError` for anything the client did wrong; the
:func:`endpoint` wrapper turns it (and any bug) into an error envelope, so a
client never sees a stack trace page.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from jama_magic.sandbox import envelope
from jama_magic.sandbox.query import Paging, QueryError, includes, paging

if TYPE_CHECKING:
    from jama_magic.sandbox.store import Store

logger = logging.getLogger("jama_magic.sandbox")

Handler = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    """A client error answered with Jama's error envelope."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(kind: str, object_id: object) -> ApiError:
    """404 for an unknown id."""
    return ApiError(404, f"No {kind} with id {object_id} exists.")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with Jama's content type."""
    return Response(
        envelope.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """Jama's error envelope."""
    return json_response(envelope.error_body(status, message), status, headers)


def endpoint(handler: Handler) -> Handler:
    """Wrap a handler so errors become envelopes instead of tracebacks."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as error:
            return error_response(error.status, error.message)
        except QueryError as error:
            return error_response(400, str(error))
        except ClientDisconnect:  # nobody is left to read an answer; not a sandbox bug
            return error_response(400, "The client disconnected before sending the whole body.")
        except Exception:
            logger.exception("sandbox handler failed for %s %s", request.method, request.url.path)
            return error_response(500, "The sandbox hit an internal error handling this request.")

    return wrapped


def store_of(request: Request) -> Store:
    """The shared state behind this app."""
    store: Store = request.app.state.store
    return store


def link_root(request: Request) -> str:
    """``{scheme}://{host}/rest/latest/``: where link hrefs point, as in Jama."""
    return f"{request.url.scheme}://{request.url.netloc}/rest/latest/"


def object_response(request: Request, obj: dict[str, Any]) -> Response:
    """200 with one object, its ``links`` and any requested ``linked``."""
    store = store_of(request)
    links = envelope.build_links([obj], store.refs_for, link_root(request))
    linked = envelope.build_linked([obj], includes(request), store.refs_for, store.resolve)
    return json_response(envelope.single_body(obj, links, linked))


def page_response(
    request: Request,
    rows: Sequence[Any],
    to_object: Callable[[Any], dict[str, Any] | None] | None = None,
    page: Paging | None = None,
) -> Response:
    """200 with one page of ``rows`` (objects, or ids mapped through ``to_object``)."""
    store = store_of(request)
    page = page or paging(request, clamp=store.config.clamp_page_size)
    window = rows[page.start : page.start + page.limit]
    data = [to_object(row) for row in window] if to_object else list(window)
    objects = [obj for obj in data if obj is not None]
    return list_response(request, objects, start=page.start, total=len(rows))


def list_response(
    request: Request, objects: list[dict[str, Any]], *, start: int, total: int
) -> Response:
    """200 with an already sliced page."""
    store = store_of(request)
    links = envelope.build_links(objects, store.refs_for, link_root(request))
    linked = envelope.build_linked(objects, includes(request), store.refs_for, store.resolve)
    return json_response(
        envelope.page_body(objects, start=start, total=total, links=links, linked=linked)
    )


def ok_response() -> Response:
    """200 meta-only, as Jama answers PUT, PATCH and lock."""
    return json_response({"meta": envelope.meta()})


def created_response(request: Request, kind: str, new_id: int) -> Response:
    """201 meta-only with ``meta.id`` and ``meta.location``."""
    location = f"{link_root(request)}{kind}/{new_id}"
    return json_response(
        envelope.created_body(new_id, location), 201, headers={"Location": location}
    )
