"""How a response and an error look: HTML and text forms, and errors as one line with a hint.

Pure string building (pandas only for the table preview); no IPython here.
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from . import theme
from .errors import (
    ForbiddenError,
    JamaConnectError,
    JamaError,
    JamaTimeoutError,
    JamaTLSError,
    NotFoundError,
    RateLimitedError,
    UnauthorizedError,
)
from .secrets import env_var_name
from .state import session

if TYPE_CHECKING:
    import pandas as pd

    from .response import JamaResponse

__all__ = [
    "body_text",
    "dataframe_view",
    "hint_for",
    "one_line",
    "render_html",
    "render_text",
    "summary_line",
]


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def summary_line(resp: JamaResponse) -> str:
    """``200 OK · GET /projects · 0.12 s · 3.4 kB · 5 of 5 items · 1 page``."""
    parts = [
        f"{resp.status_code} {resp.reason}",
        f"{resp.method} {resp.relative_url}",
        f"{resp.elapsed:.2f} s",
        _size(resp.size),
    ]
    if resp.item_count is not None:
        info = resp.page_info
        total = (
            f" of {info.total_results}" if info and info.total_results != resp.item_count else ""
        )
        parts.append(f"{resp.item_count}{total} items")
        parts.append(f"{resp.pages} page{'s' if resp.pages != 1 else ''}")
    if resp.retries:
        parts.append(f"{resp.retries} retr{'ies' if resp.retries != 1 else 'y'}")
    if resp.stats is not None and resp.pages > 1:
        parts.append(resp.stats.summary())
    if resp.created_id is not None:
        parts.append(f"created id {resp.created_id}")
    return " · ".join(parts)


def body_text(body: Any) -> str:
    """A body as text: JSON pretty-printed, text as it is, binary as its size, none as ""."""
    if body is None:
        return ""
    if isinstance(body, bytes):
        return f"<{len(body)} bytes of binary data>"
    if isinstance(body, PurePath):  # a binary body too large to hold (max_body_mb)
        return f"<binary data saved to {body}>"
    if isinstance(body, str):
        return body
    return json.dumps(body, indent=2, ensure_ascii=False)


def _pretty(body: Any, limit: int = 4000) -> str:
    text = body_text(body)
    return (
        text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"
    )


def dataframe_view(resp: JamaResponse, *, text: bool = False) -> pd.DataFrame:
    """The DataFrame view to show: ids resolved to names when possible, else plain.

    Resolving names costs lookups over the network; a failure there must not hide the table.
    """
    try:
        return resp.to_dataframe(resolve=True, text=text)
    except JamaError:
        return resp.to_dataframe(text=text)


def render_text(resp: JamaResponse) -> str:
    """Compact text form for terminals."""
    lines = [f"<JamaResponse {summary_line(resp)}>"]
    if resp.message and not resp.ok:
        lines.append(f"  message: {resp.message}")
    lines += [f"  warning: {w}" for w in resp.warnings]
    return "\n".join(lines)


def render_html(resp: JamaResponse, *, rows: int | None = None) -> str:
    """HTML summary: status line, then a table preview, pretty JSON or Jama's error
    (colours from :mod:`jama_magic.theme`, so it reads in JupyterLab's dark theme too).

    ``rows``: rows of the table preview (default: the ``display_rows`` setting).
    """
    if rows is None:
        rows = session.settings.display_rows
    color = theme.OK if resp.ok else theme.ERROR
    head = (
        f'<div class="jama-response"><div style="font-family:{theme.MONO};color:{color}">'
        f"{html.escape(summary_line(resp))}</div>"
    )
    parts = [head]
    parts += [f'<div style="color:{theme.WARN}">⚠ {html.escape(w)}</div>' for w in resp.warnings]
    if not resp.ok and resp.message:
        parts.append(f"<div><b>Jama says:</b> {html.escape(resp.message)}</div>")
    parts.append(_preview(resp, rows))
    parts.append("</div>")
    return "".join(parts)


def _preview(resp: JamaResponse, rows: int) -> str:
    """The data as a table (a list as rows, one object as its fields), else the JSON body."""
    table = _table(resp, rows) if resp.ok else None
    if table is not None:
        return table
    if resp.body is None:
        return ""
    return f"<details><summary>body</summary><pre>{html.escape(_pretty(resp.body))}</pre></details>"


def _table(resp: JamaResponse, rows: int) -> str | None:
    from .preview import list_preview, object_preview

    try:
        if isinstance(resp.data, list) and resp.data and rows:
            return list_preview(resp, rows)
        if isinstance(resp.data, dict) and resp.data and rows:
            return object_preview(resp) + _raw_body(resp)
    except Exception:  # a preview must never break the display of the response
        return None
    return None


def _raw_body(resp: JamaResponse) -> str:
    text = html.escape(_pretty(resp.body))
    return f"<details><summary>body (JSON)</summary><pre>{text}</pre></details>"


# errors as the user sees them: one line, with a hint on how to fix it
_HINTS: dict[type[BaseException], str] = {
    UnauthorizedError: "check the username and password (env JAMA_<NICKNAME>_PASSWORD), "
    "or use OAuth (--client-id) when the site uses SSO",
    ForbiddenError: "the user lacks the permission (REST needs a Named Creator licence)",
    NotFoundError: "check the id and the path; `%jama GET /` lists the endpoints",
    RateLimitedError: "Jama allows about 10 requests/s: lower JamaMagic.rate_limit or retry later",
    JamaTimeoutError: "raise the timeout with --timeout S or JamaMagic.timeout",
    JamaTLSError: "give your company's CA bundle: --ca-bundle PATH (verify=PATH in Python)",
    JamaConnectError: "check the URL/subdomain and your network (or VPN)",
}


_WRITE_TIMEOUT_HINT = (
    "if it was not applied, a slow server needs a longer --timeout S or JamaMagic.timeout"
)


def hint_for(exc: BaseException) -> str | None:
    """A short hint on how to fix ``exc``, when there is a useful one."""
    if getattr(exc, "maybe_applied", False):  # "raise the timeout" alone invites a resend
        return _WRITE_TIMEOUT_HINT if isinstance(exc, JamaTimeoutError) else None
    if isinstance(exc, UnauthorizedError) and exc.response.request.nickname:
        return _credentials_hint(exc.response.request.nickname, exc.response.request.auth_kind)
    for cls in type(exc).__mro__:
        if cls in _HINTS:
            return _HINTS[cls]
    return None


def _credentials_hint(nickname: str, auth_kind: str) -> str:
    if auth_kind == "oauth":
        var = env_var_name(nickname, "CLIENT_SECRET")
        return f"check the client id and client secret (env {var}) of connection '{nickname}'"
    return (
        f"check the username and password (env {env_var_name(nickname)}) of connection "
        f"'{nickname}', or use OAuth (--client-id) when the site uses SSO"
    )


def short_traceback(exc: BaseException) -> list[str] | None:
    """An uncaught error in IPython as its one line (class, message, hint; never a secret),
    while ``settings.short_errors`` is on and ``%xmode`` is not ``Verbose``; else None."""
    if not session.settings.short_errors:
        return None
    ipython = sys.modules.get("IPython")  # never imported here: the core does without it
    shell = ipython.get_ipython() if ipython is not None else None
    if getattr(getattr(shell, "InteractiveTB", None), "mode", "") == "Verbose":
        return None
    return [f"{type(exc).__name__}: {one_line(exc)}"]


def one_line(exc: BaseException) -> str:
    """The one line a user sees for ``exc``: what happened, then a hint."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    hint = hint_for(exc)
    return f"{text}. Hint: {hint}" if hint else text
