"""Query-string parsing with Jama's rules: ``startAt``/``maxResults`` paging
(default 20, at most 50), repeatable ``include``, repeatable int filters.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from jama_magic.sandbox.wire import parse_query_datetime

DEFAULT_PAGE = 20
MAX_PAGE = 50


@dataclass(frozen=True)
class Paging:
    """Offset paging window."""

    start: int
    limit: int


class QueryError(ValueError):
    """A malformed query parameter (answered with 400)."""


def _as_int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise QueryError(f"Parameter {name} must be an integer, got {text!r}.") from None


def paging(request: Request, *, clamp: bool = True) -> Paging:
    """The ``startAt``/``maxResults`` window; above 50 is clamped (or 400 without clamp)."""
    params = request.query_params
    start = _as_int("startAt", params.get("startAt", "0"))
    limit = _as_int("maxResults", params.get("maxResults", str(DEFAULT_PAGE)))
    if start < 0:
        raise QueryError("Parameter startAt must be 0 or more.")
    if limit < 1:
        raise QueryError("Parameter maxResults must be 1 or more.")
    if limit > MAX_PAGE:
        if not clamp:
            raise QueryError(f"Parameter maxResults must be at most {MAX_PAGE}.")
        limit = MAX_PAGE
    return Paging(start, limit)


def includes(request: Request) -> list[str]:
    """All ``include`` values, in order."""
    return request.query_params.getlist("include")


def ints(request: Request, name: str) -> list[int]:
    """All values of a repeatable integer parameter."""
    return [_as_int(name, value) for value in request.query_params.getlist(name)]


def one_int(request: Request, name: str, *, required: bool = False) -> int | None:
    """A single integer parameter (None when absent and not required)."""
    text = request.query_params.get(name)
    if text is None or text == "":
        if required:
            raise QueryError(f"Parameter {name} is required.")
        return None
    return _as_int(name, text)


def flag(request: Request, name: str) -> bool:
    """A boolean parameter (``true``/``false``)."""
    return request.query_params.get(name, "false").lower() == "true"


def datetime_value(name: str, raw: str, *, lenient: bool = False) -> str:
    """A query datetime normalised to Jama's format, or 400.

    A raw ``+`` in ``+0000`` arrives decoded as a space; Jama answers that with
    400, and so does the sandbox unless it is lenient.
    """
    parsed = parse_query_datetime(raw) if lenient or " " not in raw else None
    if parsed is None:
        raise QueryError(
            f"Parameter {name} must be a datetime like 2024-01-31T00:00:00.000+0000 "
            f"with + sent as %2B, got {raw!r}."
        )
    return parsed
