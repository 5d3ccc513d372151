"""No traceback frame holds a credential in a plain local (``%xmode Verbose``, ``%tb``).

A failure raised on the I/O thread carries the frames it passed through; a
verbose traceback prints their local variables. Each scenario makes the
client fail in a different place (a dropped connection after a retry, an odd
OAuth token reply, a refused token), then walks every frame of the exception
and of its causes and checks the text of every local for the credentials.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import pytest

import jama_magic
from jama_magic.errors import JamaError

from ._hostile import DROP, HostileServer, Reply, json_reply
from ._oracles import basic_value
from ._servers import Seen
from ._shell import shell

AREA = "Secrets"
USER, PASSWORD = "alice", "frame-pw-7Yx!q"
CLIENT, SECRET, TOKEN = "cid-frames", "frame-secret-4Kd", "frame-token-9Pp2"
SECRETS = [PASSWORD, basic_value(USER, PASSWORD), SECRET, basic_value(CLIENT, SECRET), TOKEN]

pytestmark = pytest.mark.usefixtures("fast_backoff")


def chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from or during."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [current.__cause__, current.__context__]


def frames(tb: TracebackType | None) -> Iterator[Any]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def locals_with_secrets(exc: BaseException) -> list[str]:
    """``function: name`` of every traceback local whose text shows a credential."""
    hits = []
    for error in chain(exc):
        for frame in frames(error.__traceback__):
            for name, value in frame.f_locals.items():
                texts = [repr(value)] + ([value] if isinstance(value, str) else [])
                if any(s in t for s in SECRETS for t in texts):
                    hits.append(f"{frame.f_code.co_name}: {name}")
    return hits


def unavailable_then_dropped(seen: Seen, n: int) -> Reply | None:
    return json_reply('{"meta": {"status": "Error"}}', 503) if n == 0 else DROP


def token_then(api: Any, token_body: str) -> Any:
    def script(seen: Seen, n: int) -> Reply | None:
        if seen.path.endswith("/rest/oauth/token"):
            return json_reply(token_body)
        return api(seen, n)

    return script


GOOD_TOKEN = json.dumps({"access_token": TOKEN, "expires_in": 3600})
SCENARIOS = {
    "basic: 503 then dropped connections": ("basic", unavailable_then_dropped),
    "oauth: dropped connections": ("oauth", token_then(lambda s, n: DROP, GOOD_TOKEN)),
    "oauth: 503 then dropped": ("oauth", token_then(unavailable_then_dropped, GOOD_TOKEN)),
    "oauth: token reply with expires_in 'soon'": (
        "oauth",
        token_then(lambda s, n: DROP, json.dumps({"access_token": TOKEN, "expires_in": "soon"})),
    ),
    "oauth: token reply as a list": (
        "oauth",
        token_then(lambda s, n: DROP, json.dumps(["access_token", TOKEN])),
    ),
    "oauth: token reply with a numeric token": (
        "oauth",
        token_then(lambda s, n: DROP, json.dumps({"access_token": 12345, "note": TOKEN})),
    ),
}


def connect(kind: str, url: str, nickname: str = "f") -> None:
    if kind == "basic":
        jama_magic.connect(
            nickname, url=url, username=USER, password=PASSWORD, default=True, check=False
        )
    else:
        jama_magic.connect(
            nickname, url=url, client_id=CLIENT, client_secret=SECRET, default=True, check=False
        )


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_no_credential_in_traceback_frames(ledger: Any, scenario: str) -> None:
    """Every local of every frame of the failure (and its causes) is free of credentials."""
    kind, script = SCENARIOS[scenario]
    with HostileServer(script) as server:
        connect(kind, server.url)
        with pytest.raises(JamaError) as info:
            jama_magic.request("GET", "/projects")
    hits = locals_with_secrets(info.value)
    count = sum(1 for e in chain(info.value) for _ in frames(e.__traceback__))
    ledger.record(
        f"traceback frame locals after a failure, {scenario}",
        cases=count,
        outcome=f"{count} frames searched; credentials in: {', '.join(hits) or 'none'}",
        loss=len(hits),
    )
    assert hits == []


@pytest.mark.parametrize("kind", ["basic", "oauth"])
def test_verbose_traceback_in_ipython_shows_no_credential(
    ledger: Any, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """%xmode Verbose with short_errors=False prints the locals: none is a credential."""
    name = "basic: 503 then dropped connections" if kind == "basic" else "oauth: 503 then dropped"
    script = SCENARIOS[name][1]
    ip = shell()
    out = io.StringIO()
    with HostileServer(script) as server:
        connect(kind, server.url, nickname=f"v{kind}")
        ip.run_line_magic("config", "JamaMagic.short_errors = False")
        ip.run_line_magic("xmode", "Verbose")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                result = ip.run_cell("%jama GET /projects", store_history=False)
        finally:
            ip.run_line_magic("xmode", "Context")
            ip.run_line_magic("config", "JamaMagic.short_errors = True")
    text = out.getvalue()
    hits = [s for s in SECRETS if s in text]
    ledger.record(
        f"%xmode Verbose traceback of a failed request ({kind})",
        cases=1,
        outcome=f"{len(text) // 1024} KiB of traceback; credentials in it: {len(hits)}",
        loss=len(hits),
    )
    assert result.error_in_exec is not None and "JamaProtocolError" in text
    assert hits == []
