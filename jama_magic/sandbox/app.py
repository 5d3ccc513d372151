"""Assembles the ASGI application: the Starlette API routes, behind the guard of the
restricted project (403s) and the gateway."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from jama_magic.sandbox.auth import Authenticator
from jama_magic.sandbox.gateway import Controls, Gateway
from jama_magic.sandbox.responses import error_response
from jama_magic.sandbox.restricted import RestrictedGuard
from jama_magic.sandbox.routes import ROUTES
from jama_magic.sandbox.store import Store


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
        routes=ROUTES,
        exception_handlers={HTTPException: _http_error},
        middleware=[Middleware(RestrictedGuard)],
    )
    api.state.store = store
    return Gateway(api, auth=auth, controls=controls)
