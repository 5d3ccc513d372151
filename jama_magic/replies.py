"""From a received reply to a ``JamaResponse`` the rest can trust, or one clear error.

``build_reply`` refuses what Jama never sends, before anything reads it: a
body nested too deeply to parse, an envelope with odd ``meta.pageInfo``
counts, ``linked`` maps or row ids (``envelope_problem``); a redirect of a
write. ``too_large`` and ``wait_too_long`` word the other refusals. Errors
are one line (``UnusableReplyError``, never retried).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .errors import JamaHTTPError, RedirectedWriteError, UnusableReplyError, error_for_status
from .response import JamaResponse, RequestView
from .retry import MAX_RETRY_AFTER
from .safetext import clean_line

if TYPE_CHECKING:
    from .frames import NameSource

__all__ = ["build_reply", "envelope_problem", "too_large", "wait_too_long"]


def build_reply(
    resp: httpx.Response,
    content: bytes | Path,
    view: RequestView,
    *,
    host: str,
    elapsed: float,
    retries: int,
    names: NameSource | None,
) -> JamaResponse:
    """The ``JamaResponse`` of ``resp`` (whose body was read as ``content``), checked."""
    problem: str | None
    try:
        built = JamaResponse.from_httpx(
            resp, view, elapsed=elapsed, retries=retries, names=names, content=content
        )
    except RecursionError:
        problem = "JSON nested too deeply to read"
    else:
        problem = envelope_problem(built.body)
    if problem is not None:  # raised outside the except block: nothing rides along
        raise UnusableReplyError(
            f"{host} answered {view.method} {view.relative_url} with a reply Jama never sends "
            f"({problem}): is a proxy or another server answering at this URL?",
            method=view.method,
            url=view.url,
            host=host,
        )
    if view.method != "GET" and 300 <= built.status_code < 400:
        raise RedirectedWriteError(built)
    return built


def too_large(size: int, limit_mb: int, view: RequestView, host: str) -> UnusableReplyError:
    """The error for a JSON/text reply over the ``max_body_mb`` setting."""
    return UnusableReplyError(
        f"the reply to {view.method} {view.relative_url} is over {max(size, 1) / 2**20:.1f} MiB, "
        f"more than max_body_mb = {limit_mb} MiB: ask for less (--limit, a narrower query) or "
        "raise it (%config JamaMagic.max_body_mb = N, jm.settings.max_body_mb = N)",
        method=view.method,
        url=view.url,
        host=host,
    )


def wait_too_long(resp: JamaResponse, seconds: float) -> JamaHTTPError:
    """The error for a 429/503 whose ``Retry-After`` is longer than the client waits."""
    error = error_for_status(resp)
    error.args = (
        f"{error}; the server asks to wait {_duration(seconds)} (Retry-After) before "
        f"retrying, longer than the {MAX_RETRY_AFTER:g} s jama_magic waits: try again later",
    )
    return error


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def envelope_problem(body: Any) -> str | None:
    """What is wrong with a Jama envelope, or None when nothing is (or it is no envelope)."""
    if not isinstance(body, dict) or not ({"meta", "data", "linked"} & body.keys()):
        return None
    meta = body.get("meta", {})
    problem = _not_a("meta", meta, dict) or _not_a("links", body.get("links"), dict)
    problem = problem or _linked_problem(body.get("linked"))
    if problem is None and isinstance(meta, dict):
        problem = _page_info_problem(meta.get("pageInfo"))
    return problem or _ids_problem(body.get("data"))


def _not_a(name: str, value: Any, kind: type) -> str | None:
    if value is None or isinstance(value, kind):
        return None
    return f"{name} is {_shape(value)}, not an object"


def _linked_problem(linked: Any) -> str | None:
    problem = _not_a("linked", linked, dict)
    if problem or not linked:
        return problem
    return next(
        (
            _not_a(f"linked.{clean_line(k, 40)}", v, dict)
            for k, v in linked.items()
            if v is not None and not isinstance(v, dict)
        ),
        None,
    )


def _page_info_problem(info: Any) -> str | None:
    problem = _not_a("meta.pageInfo", info, dict)
    if problem or info is None:
        return problem
    for key in ("startIndex", "resultCount", "totalResults"):
        value = info.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
            return f"meta.pageInfo.{key} is {_shape(value)}, not a count"
    return None


def _ids_problem(data: Any) -> str | None:
    rows = data if isinstance(data, list) else [data]
    for row in rows:
        key = row.get("id") if isinstance(row, dict) else None
        if key is not None and not isinstance(key, int | str):
            return f"an id is {_shape(key)}, not a number"
    return None


def _shape(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list | dict):
        return f"a JSON {'list' if isinstance(value, list) else 'object'}"
    return f"{type(value).__name__} {clean_line(repr(value), 40)}"
