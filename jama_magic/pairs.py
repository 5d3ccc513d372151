"""Query and header pairs of a request: normalised to text and checked.

Used by ``request.JamaRequest`` on construction. Headers that carry
credentials (``Authorization``, ``Cookie``...) or frame the message on the
wire (``Transfer-Encoding``, ``Content-Length``, ``Connection``...) are
refused: the connection and httpx set those.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import JamaUsageError

__all__ = ["Pairs", "normalize_headers", "normalize_query"]

Pairs = tuple[tuple[str, str], ...]
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_FORBIDDEN_HEADERS = {"authorization", "host", "cookie", "proxy-authorization"}
# headers that frame the message or the connection: set by httpx only, or a request could be
# smuggled (Transfer-Encoding beside Content-Length) or its connection changed
_FRAMING_HEADERS = {
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "proxy-connection",
}


def normalize_query(query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None) -> Pairs:
    """Query pairs; a list value repeats its key (Jama's ``include``)."""
    items = _items("query", query)
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        pairs.extend((key, _query_text(key, v)) for v in values if v is not None)
    return tuple(pairs)


def _items(what: str, obj: Any) -> list[tuple[str, Any]]:
    if obj is None:
        return []
    if isinstance(obj, Mapping):
        items = list(obj.items())
    elif isinstance(obj, Sequence) and not isinstance(obj, str | bytes):
        if not all(isinstance(p, tuple | list) and len(p) == 2 for p in obj):
            raise JamaUsageError(f"{what} must be a dict or a list of (key, value) pairs")
        items = [(p[0], p[1]) for p in obj]
    else:
        raise JamaUsageError(f"{what} must be a dict, not {type(obj).__name__}")
    for key, _ in items:
        if not isinstance(key, str) or not key:
            raise JamaUsageError(f"{what} keys must be non-empty strings, not {key!r}")
    return items


def _query_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise JamaUsageError(
        f"query parameter {key!r} must be a string, number or bool (or a list of them), "
        f"not {type(value).__name__}"
    )


def normalize_headers(headers: Mapping[str, Any] | Sequence[tuple[str, Any]] | None) -> Pairs:
    """Header pairs, checked: no credentials, no line breaks."""
    pairs = []
    for name, value in _items("headers", headers):
        name = name.strip()
        if not _HEADER_NAME.fullmatch(name):
            raise JamaUsageError(f"invalid header name {name!r}")
        if name.lower() in _FORBIDDEN_HEADERS:
            raise JamaUsageError(
                f"the {name} header is set by the connection: credentials never go in a request"
            )
        if name.lower() in _FRAMING_HEADERS:
            raise JamaUsageError(
                f"the {name} header frames the request on the wire and is set by jama_magic: "
                "remove it"
            )
        text = str(value)
        if "\r" in text or "\n" in text:
            raise JamaUsageError(f"header {name!r} contains a line break")
        if not text.isascii():
            raise JamaUsageError(
                f"header {name!r} must be ASCII text: HTTP headers cannot carry {text!r}"
            )
        pairs.append((name, text.strip()))
    return tuple(pairs)
