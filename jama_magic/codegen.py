"""The same request as a curl command or a Python script.

The secret never appears: it is referenced as the environment variable the
connection reads (``$JAMA_PROD_PASSWORD``), so the exported code can be pasted
into a ticket or a notebook safely.

A paged request (``--all``, ``--limit``) stays paged: ``to_python`` writes
``jm.request(..., all_pages=True)`` (or, with ``style="httpx"``, the paging
loop itself), and the curl command says it fetches the first page only.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from .errors import JamaUsageError
from .secrets import env_var_name

if TYPE_CHECKING:
    from .response import Paging, RequestView

__all__ = ["paging_note", "to_curl", "to_python"]

STYLES = ("jama_magic", "httpx")
KEYSET_PATHS = ("/relationships",)  # as in paging.fetch: these page by lastId
MAX_PAGE = 50
_ACCEPT = ("accept", "application/json")


def _body_text(view: RequestView) -> str | None:
    """The body as sent, as text (None: no body)."""
    if view.body_bytes is None:
        return None
    return view.body_bytes.decode("utf-8", errors="replace")


_TRANSPORT_HEADERS = frozenset(
    {"authorization", "host", "content-length", "accept-encoding", "connection", "user-agent"}
)


def _plain_headers(view: RequestView) -> list[tuple[str, str]]:
    """The headers worth exporting (not auth, host, length or transport ones)."""
    return [(k, v) for k, v in view.headers if k.lower() not in _TRANSPORT_HEADERS]


def paging_note(view: RequestView) -> str | None:
    """``--all: pages of 50 by startAt/maxResults until totalResults`` (None: one request)."""
    paging = view.paging
    if paging is None:
        return None
    how = "lastId/maxResults" if _keyset(view) else "startAt/maxResults"
    what = "--all" if paging.all_pages else f"--limit {paging.limit}"
    until = "totalResults" if paging.limit is None else f"{paging.limit} items or totalResults"
    return f"{what}: pages of {_page_size(view, paging)} by {how} until {until}"


def _keyset(view: RequestView) -> bool:
    return _path(view).rstrip("/") in KEYSET_PATHS


def _path(view: RequestView) -> str:
    return view.relative_url.split("?", 1)[0]


def _query(view: RequestView) -> list[tuple[str, str]]:
    import httpx

    return list(httpx.URL(view.url).params.multi_items())


def _page_size(view: RequestView, paging: Paging) -> int:
    given = dict(_query(view)).get("maxResults", "")
    return max(1, min(int(given) if given.isdigit() else paging.page_size, MAX_PAGE))


def to_curl(view: RequestView) -> str:
    """A curl command; credentials come from environment variables."""
    note = paging_note(view)
    lines = [f"# the first page only ({note}); r.to_python() reproduces the paging"] if note else []
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


def to_python(view: RequestView, *, style: str | None = None) -> str:
    """A standalone script; credentials come from environment variables.

    ``style``: ``"jama_magic"`` (``jm.connect`` and ``jm.request``) or ``"httpx"``
    (plain httpx, with the paging loop when the request was paged). By default
    a paged request uses jama_magic and a single request plain httpx.
    """
    style = style or ("jama_magic" if view.paging else "httpx")
    if style not in STYLES:
        raise JamaUsageError(f"style must be 'jama_magic' or 'httpx', not {style!r}")
    if style == "jama_magic":
        return _jama_magic_script(view)
    if view.paging is not None:
        return _httpx_paging_script(view, view.paging)
    return _httpx_script(view)


def _httpx_script(view: RequestView) -> str:
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
    """Lines that set ``auth`` (Basic) or a Bearer token, and ``headers``, from the env."""
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


def _jama_magic_script(view: RequestView) -> str:
    """``jm.connect`` and ``jm.request`` (paging included), the secret from the environment."""
    kind = "CLIENT_SECRET" if view.auth_kind == "oauth" else "PASSWORD"
    lines = [
        "import jama_magic as jm",
        "",
        f"# the {kind.lower().replace('_', ' ')} comes from ${env_var_name(view.nickname, kind)}"
        " (or the keyring, or a prompt)",
        "jm.connect(",
        f"    {view.nickname!r},",
        f"    url={view.base_url!r},",
        *[f"    {key}={value!r}," for key, value in _connect_options(view)],
        ")",
        "response = jm.request(",
        f"    {view.method!r},",
        f"    {_path(view)!r},",
        *[f"    {key}={value!r}," for key, value in _request_options(view)],
        ")",
        "print(response.summary())",
    ]
    return "\n".join(lines)


def _connect_options(view: RequestView) -> list[tuple[str, object]]:
    who = (
        ("client_id", view.client_id) if view.auth_kind == "oauth" else ("username", view.username)
    )
    options: list[tuple[str, object]] = [who]
    version = view.url[len(view.base_url) :].split("/")[2]  # .../rest/<version>/...
    if version != "latest":
        options.append(("api_version", version))
    if view.verify is not True:
        options.append(("verify", view.verify))
    return options


def _request_options(view: RequestView) -> list[tuple[str, object]]:
    options: list[tuple[str, object]] = []
    if _query(view):
        options.append(("query", _query(view)))
    # the Accept header every request carries is left to jm.request
    headers = {k: v for k, v in _plain_headers(view) if (k.lower(), v) != _ACCEPT}
    if headers:
        options.append(("headers", headers))
    if view.body is not None:
        options.append(("body", view.body))
    if view.paging is not None and view.paging.all_pages:
        options.append(("all_pages", True))
    if view.paging is not None and view.paging.limit is not None:
        options.append(("limit", view.paging.limit))
    return options


def _httpx_paging_script(view: RequestView, paging: Paging) -> str:
    """Plain httpx with the paging loop: ``startAt`` offsets, or ``lastId`` for relationships."""
    keyset = _keyset(view)
    query = [(k, v) for k, v in _query(view) if k not in ("startAt", "maxResults", "lastId")]
    given = dict(_query(view))
    start = int(given["startAt"]) if given.get("startAt", "").isdigit() else 0
    position = "('lastId', last_id)" if keyset else "('startAt', start + len(items))"
    call = ["    'GET',", "    url,", f"    params=[*params, {position}, ('maxResults', size)],"]
    call += ["    headers=headers,", *(["    auth=auth,"] if view.auth_kind != "oauth" else [])]
    call += [f"    verify={view.verify!r},", "    timeout=30,"]
    return "\n".join(
        [
            "import os",
            "",
            "import httpx",
            "",
            *_python_auth(view, dict(_plain_headers(view))),
            f"url = {view.url.split('?', 1)[0]!r}",
            f"params = {query!r}",
            f"limit = {paging.limit!r}  # None: every item",
            *(["last_id = 0"] if keyset else [f"start = {start}"]),
            "items = []",
            "while limit is None or len(items) < limit:",
            f"    size = {_page_size(view, paging)} if limit is None"
            f" else min({_page_size(view, paging)}, limit - len(items))",
            "    response = httpx.request(",
            *[f"    {line}" for line in call],
            "    )",
            "    response.raise_for_status()",
            "    page = response.json()",
            "    items += page['data']",
            f"    if not page['data'] or {'' if keyset else 'start + '}len(items)"
            " >= page['meta']['pageInfo']['totalResults']:",
            "        break",
            *(["    last_id = page['data'][-1]['id']"] if keyset else []),
            "print(len(items), 'items')",
        ]
    )
