"""A project and an item the sandbox user may not see, so clients can test 403s.

Project :data:`RESTRICTED_PROJECT_ID` (25, "Restricted") and item
:data:`RESTRICTED_ITEM_ID` (9,999,001, beyond any generated id) answer
``403 Forbidden`` in Jama's error envelope for any method on
``/projects/25[/...]``, ``/items/9999001[/...]`` and
``/abstractitems/9999001``, and for any request with ``project=25`` in the
query (``/items?project=25``, ``/abstractitems?project=25``, ...).

Like Jama, ``GET /projects`` lists only projects the user can see, so the
restricted project is not in the dataset and changes no list, count or id.
The check runs after authentication: without valid credentials it is still 401.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from jama_magic.sandbox.responses import error_response

RESTRICTED_PROJECT_ID = 25
RESTRICTED_ITEM_ID = 9_999_001

_PROJECT_PATH = re.compile(rf"^/projects/{RESTRICTED_PROJECT_ID}(/|$)")
_ITEM_PATH = re.compile(rf"^/(items|abstractitems)/{RESTRICTED_ITEM_ID}(/|$)")
PROJECT_MESSAGE = (
    f"User does not have permission to view this project (project {RESTRICTED_PROJECT_ID} "
    '"Restricted"); ask a project administrator for access.'
)
ITEM_MESSAGE = (
    f"User does not have permission to view item {RESTRICTED_ITEM_ID}: it is in a project "
    "the user cannot access; ask a project administrator for access."
)


def forbidden_message(path: str, query: str) -> str | None:
    """The 403 message for a request to ``path?query``, or None when it is allowed."""
    if _ITEM_PATH.match(path):
        return ITEM_MESSAGE
    projects = parse_qs(query).get("project", [])
    if _PROJECT_PATH.match(path) or str(RESTRICTED_PROJECT_ID) in projects:
        return PROJECT_MESSAGE
    return None


class RestrictedGuard:
    """ASGI middleware answering 403 for the restricted project and item."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = None
        if scope["type"] == "http":
            query = scope.get("query_string", b"").decode("latin-1")
            message = forbidden_message(scope["path"], query)
        if message is None:
            await self.app(scope, receive, send)
            return
        await error_response(403, message)(scope, receive, send)
