"""Error bodies that are not Jama's envelope, as proxies, load balancers and
Spring Boot answer them (fault kinds ``html:N``, ``empty:N``, ``text:N`` and
``spring:N``; see :mod:`.faults`)."""

from __future__ import annotations

import json

from starlette.responses import Response

from jama_magic.sandbox.envelope import phrase
from jama_magic.sandbox.wire import now_timestamp


def html_page(status: int) -> Response:
    """An nginx-style error page whose ``<title>`` is "N Reason"."""
    title = f"{status} {phrase(status)}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return Response(page, status_code=status, media_type="text/html")


def empty(status: int) -> Response:
    """No body at all."""
    return Response(b"", status_code=status)


def plain_text(status: int) -> Response:
    """One line of plain text."""
    text = f"{status} {phrase(status)}: the upstream server could not handle the request.\n"
    return Response(text, status_code=status, media_type="text/plain")


def spring_json(status: int, path: str) -> Response:
    """Spring Boot's default error JSON (no ``meta``)."""
    body = {
        "timestamp": now_timestamp(),
        "status": status,
        "error": phrase(status),
        "message": f"Request to {path} failed upstream ({phrase(status).lower()}).",
        "path": path,
    }
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def shaped(name: str, status: int, path: str) -> Response:
    """The response for fault kind ``name:status``."""
    if name == "html":
        return html_page(status)
    if name == "empty":
        return empty(status)
    if name == "text":
        return plain_text(status)
    return spring_json(status, path)
