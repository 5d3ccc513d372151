"""``JamaResponse``: what every front door returns, with Jama's envelope parsed.

Jama wraps bodies as ``{"meta", "links", "linked"?, "data"}``; this module
reads that envelope once (``meta``, ``data``, ``page_info``, ``created_id``,
``message``...). Pure: no I/O besides what was already received; the names for
``to_dataframe(resolve=True)`` come from the ``names`` source the client gave
the response when it built it. Text from the server (reason, message) is
shown only as a clean line (``safetext``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .errors import JamaError, JamaProtocolError, error_for_status
from .safetext import clean_line, html_title

if TYPE_CHECKING:
    import pandas as pd

    from .frames import NameSource
    from .stats import FetchStats

__all__ = ["JamaResponse", "PageInfo", "Paging", "RequestView", "parse_body"]


@dataclass(frozen=True, kw_only=True)
class Paging:
    """How a request is paged (``--all``, ``--limit``), for the dry run and exported code."""

    all_pages: bool
    limit: int | None
    page_size: int


@dataclass(frozen=True, kw_only=True)
class RequestView:
    """What was sent, with the secret masked (for display, errors and code export)."""

    method: str
    url: str
    relative_url: str
    headers: tuple[tuple[str, str], ...]
    body: Any
    body_bytes: bytes | None = field(default=None, repr=False)
    nickname: str = ""
    auth_kind: str = "basic"
    username: str | None = None
    client_id: str | None = None
    base_url: str = ""
    verify: bool | str = True
    paging: Paging | None = None  # None: one request

    def to_curl(self) -> str:
        from .codegen import to_curl

        return to_curl(self)

    def to_python(self, *, style: str | None = None) -> str:
        """A script sending this request; see ``jama_magic.codegen.to_python`` for ``style``."""
        from .codegen import to_python

        return to_python(self, style=style)


@dataclass(frozen=True)
class PageInfo:
    """Jama's ``meta.pageInfo``."""

    start_index: int
    result_count: int
    total_results: int


def parse_body(content: bytes, content_type: str) -> Any:
    """JSON as Python, text as ``str``, anything else as ``bytes``, empty as ``None``."""
    if not content:
        return None
    kind = content_type.split(";")[0].strip().lower()
    looks_json = kind.endswith("json") or content.lstrip()[:1] in (b"{", b"[")
    if looks_json:
        try:
            return json.loads(content)
        except ValueError:
            pass
    if kind.startswith("text/") or kind.endswith(("json", "xml", "html")) or not kind:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            return content
    return content


class JamaResponse:
    """A Jama response: HTTP facts, the parsed body and its envelope."""

    def __init__(
        self,
        *,
        status_code: int,
        headers: httpx.Headers,
        body: Any,
        request: RequestView,
        elapsed: float,
        size: int,
        reason: str = "",
        pages: int = 1,
        retries: int = 0,
        warnings: list[str] | None = None,
        names: NameSource | None = None,
    ) -> None:
        self.status_code = status_code
        self.reason = clean_line(reason, 80) or _phrase(status_code)
        self.headers = headers
        self.body = body
        self.request = request
        self.elapsed = elapsed
        self.size = size
        self.pages = pages
        self.retries = retries
        self.warnings = warnings or []
        self.names = names  # where resolve=True finds names (the connection's lookups)
        self.stats: FetchStats | None = None  # requests, 429s, rate, latency (set by the client)

    @classmethod
    def from_httpx(
        cls,
        resp: httpx.Response,
        request: RequestView,
        *,
        elapsed: float,
        retries: int = 0,
        names: NameSource | None = None,
        content: bytes | Path | None = None,
    ) -> JamaResponse:
        """From an httpx response; ``content``: its body when it was read as a stream (a
        binary body too large to hold is a file: ``body`` is then its ``Path``)."""
        content = resp.content if content is None else content
        body: Any
        warnings = []
        if isinstance(content, Path):
            body, size = content, content.stat().st_size
            warnings.append(f"the binary body ({size / 2**20:.1f} MiB) was saved to {content}")
        else:
            body = parse_body(content, resp.headers.get("content-type", ""))
            size = len(content)
        return cls(
            status_code=resp.status_code,
            reason=resp.reason_phrase,
            headers=resp.headers,
            body=body,
            request=request,
            elapsed=elapsed,
            size=size,
            retries=retries,
            names=names,
            warnings=warnings,
        )

    # HTTP facts
    @property
    def ok(self) -> bool:
        return self.status_code < 400

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def url(self) -> str:
        return self.request.url

    @property
    def relative_url(self) -> str:
        return self.request.relative_url

    # the envelope
    @property
    def envelope(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}

    @property
    def meta(self) -> dict[str, Any]:
        meta = self.envelope.get("meta")
        return meta if isinstance(meta, dict) else {}

    @property
    def data(self) -> Any:
        return self.envelope.get("data")

    @property
    def links(self) -> dict[str, Any]:
        return self.envelope.get("links") or {}

    @property
    def linked(self) -> dict[str, dict[str, Any]]:
        return self.envelope.get("linked") or {}

    @property
    def page_info(self) -> PageInfo | None:
        info = self.meta.get("pageInfo")
        if not isinstance(info, dict):
            return None
        return PageInfo(
            start_index=int(info.get("startIndex", 0)),
            result_count=int(info.get("resultCount", 0)),
            total_results=int(info.get("totalResults", 0)),
        )

    @property
    def created_id(self) -> int | None:
        if self.status_code != 201:
            return None
        if isinstance(self.meta.get("id"), int):
            return int(self.meta["id"])
        tail = (self.location or "").rstrip("/").rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else None

    @property
    def location(self) -> str | None:
        loc = self.meta.get("location") or self.headers.get("location")
        return str(loc) if loc else None

    @property
    def message(self) -> str | None:
        """Jama's ``meta.message`` (on errors), or what another error body says, as one line."""
        msg = self.meta.get("message") or self._framework_error()
        if msg:
            return clean_line(msg)
        if not self.ok and isinstance(self.body, str) and self.body.strip():
            return _text_summary(self.body)
        return None

    def _framework_error(self) -> Any:
        # what answers in front of or instead of Jama: Spring {"error", "message"},
        # the OAuth token endpoint {"error", "error_description"}
        if self.ok:
            return None
        body = self.envelope
        return body.get("message") or body.get("error_description") or body.get("error")

    @property
    def item_count(self) -> int | None:
        return len(self.data) if isinstance(self.data, list) else None

    # behaviour
    def raise_for_status(self) -> JamaResponse:
        """``self`` when the status is below 400, else the matching ``JamaHTTPError``."""
        if not self.ok:
            raise error_for_status(self)
        return self

    def to_dataframe(
        self, *, resolve: bool = False, text: bool = False, items: Any = None
    ) -> pd.DataFrame:
        """The DataFrame view of a list body (see ``jama_magic.frames``).

        ``resolve=True`` shows names instead of ids (relationship types by name,
        ``fromItem``/``toItem``, item fields and an item ``parent`` as document keys, a
        project ``parent`` as the project's name); ``items``: items at
        hand (dicts, or a frame with ``documentKey``) to take document keys from.
        """
        from .frames import to_dataframe

        names = self.names if resolve else None
        data = self.data if self.envelope else self.body
        try:
            frame = to_dataframe(
                data,
                linked=self.linked,
                resolve=resolve,
                text=text,
                names=names,
                links=self.links,
                items=items,
            )
        except JamaError:
            raise
        except (TypeError, ValueError, OverflowError, KeyError, AttributeError) as exc:
            # rows whose shape Jama never sends (a server in front of it, or a hostile one)
            raise JamaProtocolError(
                f"the reply to {self.method} {self.relative_url} cannot be shown as a table: "
                f"{type(exc).__name__}: {clean_line(exc, 160)}",
                method=self.method,
                url=self.request.url,
            ) from exc
        return self._with_origin(frame, data, names)

    def _with_origin(self, frame: pd.DataFrame, data: Any, names: Any) -> pd.DataFrame:
        """The frame remembers where it came from, for ``df.jama.plan()``."""
        from .frames.origin import capture_origin

        rows = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        return capture_origin(
            frame,
            rows,
            connection=self.request.nickname,
            base_url=self.request.base_url,
            read_at=self.meta.get("timestamp"),
            linked=self.linked,
            names=names,
        )

    @property
    def df(self) -> pd.DataFrame:
        return self.to_dataframe()

    def to_curl(self) -> str:
        return self.request.to_curl()

    def to_python(self, *, style: str | None = None) -> str:
        """The request as a script: ``jm.request(..., all_pages=True)`` when it was paged,
        else plain httpx; ``style="httpx"`` or ``"jama_magic"`` chooses."""
        return self.request.to_python(style=style)

    def summary(self) -> str:
        """``200 OK · 0.12 s · 3.4 kB · 50 items / 1 page``."""
        from .display import summary_line

        return summary_line(self)

    def __repr__(self) -> str:
        from .display import render_text

        return render_text(self)

    def _repr_html_(self) -> str:
        from .display import render_html

        return render_html(self)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _text_summary(text: str) -> str:
    lowered = text[:65536].lower()
    if "<html" in lowered or "<!doctype" in lowered:
        title = html_title(text)
        quoted = f', titled "{title}"' if title else ""
        return f"the server sent an HTML page instead of JSON{quoted} (a proxy or gateway?)"
    return clean_line(text, 200)
