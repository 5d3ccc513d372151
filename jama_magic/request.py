"""What to send: the ``JamaRequest`` value object and the relative-URL rules.

Every front door (magic, panel, Python API) builds a ``JamaRequest`` here;
``client.py`` turns it into HTTP. A ``JamaRequest`` is checked when it is made
(however it is made), so nothing downstream checks it again. Nothing in this
module does I/O.

URL rules: a relative URL starts with ``/`` and is resolved under the
connection's ``/rest/{api_version}``. Absolute URLs, ``//host``, backslashes,
empty segments, control characters and ``..`` segments (plain or
percent-encoded) that climb out of the API root are refused before anything is
sent. In a query string typed by the user a ``+`` stays a plus (Jama's
``+0000`` timestamps), unlike HTML form encoding.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, unquote

from .errors import BodyError, InvalidURLError, JamaUsageError
from .pairs import Pairs, normalize_headers, normalize_query

__all__ = [
    "METHODS",
    "NO_BODY",
    "JamaRequest",
    "check_relative_url",
    "encode_body",
    "normalize_headers",
    "normalize_query",
    "split_url",
]

METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_URL_LENGTH = 32 * 1024  # servers refuse far shorter ones (Tomcat: 8 KiB of headers)
_PAGING_KEYS = ("startAt", "maxResults")


class _NoBody:
    """Marks "no body" (``None`` is the JSON body ``null``)."""

    _instance: _NoBody | None = None

    def __new__(cls) -> _NoBody:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_BODY"

    def __bool__(self) -> bool:
        return False


NO_BODY: Final = _NoBody()


@dataclass(frozen=True, kw_only=True)
class JamaRequest:
    """One request as the user described it (relative URL, no credentials).

    Checked and normalised on construction: the method upper-cased, a query
    string in ``url`` moved to ``query``, query and header values as text. A
    mistake raises a ``JamaUsageError`` naming what is wrong.
    """

    method: str = "GET"
    url: str
    query: Pairs = ()
    headers: Pairs = ()
    body: Any = NO_BODY
    all_pages: bool = False
    limit: int | None = None
    timeout: float | None = None

    def __post_init__(self) -> None:
        method = check_method(self.method)
        path, url_query = split_url(check_relative_url(self.url))
        if self.body is not NO_BODY and method == "GET":
            raise BodyError("a GET request takes no body: remove it or use POST/PUT/PATCH")
        if method in WRITE_METHODS and (self.all_pages or self.limit is not None):
            raise JamaUsageError(
                f"--all/--limit (all_pages/limit) page through GET results; a {method} is sent "
                "once: remove them"
            )
        query = url_query + normalize_query(self.query)
        _check_length(path, query)
        if self.all_pages or self.limit is not None:
            _check_paging(query)
        encode_body(self.body)  # refuse an unencodable body now, not in the I/O loop
        normalised = {
            "method": method,
            "url": path,
            "query": query,
            "headers": normalize_headers(self.headers),
            "all_pages": bool(self.all_pages),
            "limit": _positive_int("limit", self.limit),
            "timeout": _positive_float("timeout", self.timeout),
        }
        for name, value in normalised.items():
            object.__setattr__(self, name, value)  # frozen: set once, here

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        *,
        query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        headers: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        body: Any = NO_BODY,
        all_pages: bool = False,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> JamaRequest:
        """A checked request from looser input (dicts as well as pairs, any-case method)."""
        given: dict[str, Any] = {  # __post_init__ checks and normalises every one of them
            "query": query or (),
            "headers": headers or (),
            "body": body,
            "all_pages": all_pages,
            "limit": limit,
            "timeout": timeout,
        }
        return cls(method=method, url=url, **given)

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    def with_query(self, **params: Any) -> JamaRequest:
        """A copy whose ``params`` replace any earlier values of those keys."""
        kept = tuple((k, v) for k, v in self.query if k not in params)
        changed = copy.copy(self)  # the rest was checked when self was made
        object.__setattr__(changed, "query", kept + normalize_query(params))
        return changed

    def query_value(self, key: str) -> str | None:
        """The last value given for ``key``."""
        values = [v for k, v in self.query if k == key]
        return values[-1] if values else None


def check_method(method: str) -> str:
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise JamaUsageError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    return method.upper()


def check_relative_url(url: str, api_version: str = "latest") -> str:
    """``url`` if it is a safe relative URL, else ``InvalidURLError``."""
    if not isinstance(url, str) or not url:
        raise InvalidURLError("give a relative URL such as /projects")
    if re.search(r"[\x00-\x20\x7f]", url):
        raise InvalidURLError(f"the URL {url!r} contains spaces or control characters: encode them")
    if not url.startswith("/") or url.startswith("//"):
        raise InvalidURLError(
            f"refused {url!r}: give a relative URL starting with a single '/', e.g. /items/42 "
            "(credentials go only to the connection's own host)"
        )
    if "\\" in url or "%5c" in url.lower():
        raise InvalidURLError(f"refused {url!r}: backslashes are not allowed in the URL")
    if "#" in url:
        raise InvalidURLError(f"refused {url!r}: a URL fragment (#...) means nothing to Jama")
    path = url.split("?", 1)[0]
    _check_path(url, path, api_version)
    return url


def _check_path(url: str, path: str, api_version: str) -> None:
    decoded = _fully_unquote(path)
    if re.match(r"/rest/(latest|v1|labs)(/|$)", decoded):
        rest = decoded.split("/", 3)[3] if decoded.count("/") >= 3 else ""
        raise InvalidURLError(
            f"refused {url!r}: URLs are relative to /rest/{api_version}; write /{rest}"
        )
    # Tomcat (Jama's server) drops ";params" before resolving dots: "..;" is ".."
    segments = [seg.split(";", 1)[0] for seg in decoded.split("/")[1:]]
    if "" in segments[:-1]:
        raise InvalidURLError(f"refused {url!r}: empty path segment ('//'); Jama answers 404")
    depth = 0
    for seg in segments:
        depth += -1 if seg == ".." else 0 if seg in (".", "") else 1
        if depth < 0:
            raise InvalidURLError(f"refused {url!r}: '..' climbs out of the API root")
    if ".." in segments or "." in segments:
        raise InvalidURLError(f"refused {url!r}: remove '.' and '..' segments from the path")


def _fully_unquote(text: str) -> str:
    for _ in range(5):  # double-encoded %252e%252e too
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def split_url(url: str) -> tuple[str, Pairs]:
    """Path and query pairs of a checked relative URL; ``+`` stays ``+``."""
    path, _, raw = url.partition("?")
    pairs = []
    for part in raw.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return path, tuple(pairs)


def _check_length(path: str, query: Pairs) -> None:
    size = len(quote(path)) + sum(len(quote(k)) + len(quote(v)) + 2 for k, v in query)
    if size > MAX_URL_LENGTH:
        raise InvalidURLError(
            f"the URL with its query is {size // 1024} KiB long, over the {MAX_URL_LENGTH // 1024}"
            " KiB servers accept: ask in smaller parts (fewer ids or a shorter filter per request)"
        )


def _check_paging(query: Pairs) -> None:
    """Paging reads startAt/maxResults as numbers: they must be plain digits."""
    for key, value in query:
        if key in _PAGING_KEYS and not (value.isascii() and value.isdigit()):
            raise JamaUsageError(f"{key} must be a whole number >= 0 for paging, not {value!r}")


def encode_body(body: Any) -> bytes | None:
    """The bytes to send for ``body`` (JSON-encoded unless already bytes)."""
    if body is NO_BODY:
        return None
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    try:
        return json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise BodyError(f"the body cannot be sent as JSON: {exc}") from exc
    except RecursionError:
        raise BodyError("the body is nested too deeply to send as JSON") from None


def _positive_int(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise JamaUsageError(f"{name} must be a whole number >= 1, not {value!r}")
    return value


def _positive_float(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise JamaUsageError(f"{name} must be a number of seconds > 0, not {value!r}")
    return float(value)
