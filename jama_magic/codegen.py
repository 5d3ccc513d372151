"""The same request as a curl command or a Python script.

The secret never appears: it is referenced as the environment variable the
connection reads (``$JAMA_PROD_PASSWORD``), so the exported code can be pasted
into a ticket or a notebook safely.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from .secrets import env_var_name

if TYPE_CHECKING:
    from .response import RequestView

__all__ = ["to_curl", "to_python"]


def _body_text(view: RequestView) -> str | None:
    if view.body_bytes is None:
        return None
    return view.body_bytes.decode("utf-8", errors="replace")


_TRANSPORT_HEADERS = frozenset(
    {"authorization", "host", "content-length", "accept-encoding", "connection", "user-agent"}
)


def _plain_headers(view: RequestView) -> list[tuple[str, str]]:
    return [(k, v) for k, v in view.headers if k.lower() not in _TRANSPORT_HEADERS]


def to_curl(view: RequestView) -> str:
    """A curl command; credentials come from environment variables."""
    lines: list[str] = []
    if view.auth_kind == "oauth":
        lines += _curl_token(view)
        auth = ['-H "Authorization: Bearer $JAMA_TOKEN"']
    else:
        var = env_var_name(view.nickname)
        auth = [f'-u "{_dq(view.username or "")}:${var}"']
    parts = ["curl", "-sS", "-X", view.method, shlex.quote(view.url), *auth]
    parts += ["-H " + shlex.quote(f"{k}: {v}") for k, v in _plain_headers(view)]
    body = _body_text(view)
    if body is not None:
        parts += ["--data-binary", shlex.quote(body)]
    parts += _tls_flags(view)
    lines.append(" \\\n  ".join(_join_pairs(parts)))
    return "\n".join(lines)


def _tls_flags(view: RequestView) -> list[str]:
    if view.verify is False:
        return ["--insecure"]
    if isinstance(view.verify, str):
        return ["--cacert", shlex.quote(view.verify)]
    return []


def _curl_token(view: RequestView) -> list[str]:
    var = env_var_name(view.nickname, "CLIENT_SECRET")
    token_url = f"{view.base_url}/rest/oauth/token"
    return [
        "JAMA_TOKEN=$(curl -sS -X POST "
        + shlex.quote(token_url)
        + f' -u "{_dq(view.client_id or "")}:${var}"'
        + " -d grant_type=client_credentials"
        + "".join(" " + flag for flag in _tls_flags(view))
        + " | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
    ]


def _dq(text: str) -> str:
    """Escape for a double-quoted shell word (where $VAR must still expand)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")


def _join_pairs(parts: list[str]) -> list[str]:
    """Keep curl's flag/value pairs on one line each."""
    out: list[str] = [" ".join(parts[:5])]
    rest = parts[5:]
    i = 0
    while i < len(rest):
        if rest[i] in ("--data-binary", "--cacert") and i + 1 < len(rest):
            out.append(f"{rest[i]} {rest[i + 1]}")
            i += 2
        else:
            out.append(rest[i])
            i += 1
    return out


def to_python(view: RequestView) -> str:
    """A standalone httpx script; credentials come from environment variables."""
    body = _body_text(view)
    headers = dict(_plain_headers(view))
    call = [f"    {view.method!r},", f"    {view.url!r},", "    headers=headers,"]
    if view.auth_kind != "oauth":
        call.append("    auth=auth,")
    if body is not None:
        call.append(f"    content={body!r}.encode(),")
    call.append(f"    verify={view.verify!r},")
    return "\n".join(
        [
            "import os",
            "",
            "import httpx",
            "",
            *_python_auth(view, headers),
            "response = httpx.request(",
            *call,
            "    timeout=30,",
            ")",
            "print(response.status_code, response.reason_phrase)",
            "print(response.text)",
        ]
    )


def _python_auth(view: RequestView, headers: dict[str, str]) -> list[str]:
    if view.auth_kind == "oauth":
        var = env_var_name(view.nickname, "CLIENT_SECRET")
        return [
            "token = httpx.post(",
            f"    {view.base_url + '/rest/oauth/token'!r},",
            f"    auth=({view.client_id!r}, os.environ[{var!r}]),",
            "    data={'grant_type': 'client_credentials'},",
            f"    verify={view.verify!r},",
            "    timeout=30,",
            ").json()['access_token']",
            f"headers = {{'Authorization': f'Bearer {{token}}', **{headers!r}}}",
        ]
    var = env_var_name(view.nickname)
    return [
        f"auth = ({view.username or ''!r}, os.environ[{var!r}])",
        f"headers = {headers!r}",
    ]
