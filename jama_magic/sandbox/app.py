"""Assembles the ASGI application: the Starlette API routes, behind the guard of the
restricted project (403s) and the gateway."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from jama_magic.sandbox import routes_items, routes_meta
from jama_magic.sandbox.auth import Authenticator
from jama_magic.sandbox.gateway import Controls, Gateway
from jama_magic.sandbox.responses import error_response
from jama_magic.sandbox.restricted import RestrictedGuard
from jama_magic.sandbox.store import Store


def _routes() -> list[BaseRoute]:
    # Imported here so each module stays a plain list of routes.
    from jama_magic.sandbox import (
        routes_admin,
        routes_relationships,
        routes_search,
        routes_testing,
        routes_writes,
    )

    return [
        *routes_meta.ROUTES,
        *routes_items.ROUTES,
        *routes_writes.ROUTES,
        *routes_relationships.ROUTES,
        *routes_admin.ROUTES,
        *routes_testing.ROUTES,
        *routes_search.ROUTES,
    ]


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        message = f"Method {request.method} is not supported on {request.url.path}."
    elif status == 404:
        message = f"No resource at {request.url.path}."
    else:
        message = str(getattr(exc, "detail", "")) or "Request failed."
    return error_response(status, message)


def build_app(store: Store, auth: Authenticator, controls: Controls) -> Gateway:
    """The sandbox's ASGI app."""
    api = Starlette(
        routes=_routes(),
        exception_handlers={HTTPException: _http_error},
        middleware=[Middleware(RestrictedGuard)],
    )
    api.state.store = store
    return Gateway(api, auth=auth, controls=controls)
