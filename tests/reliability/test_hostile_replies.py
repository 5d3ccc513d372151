"""What a broken or hostile server says becomes one clear line, never a raw exception.

A scripted loopback server (``_hostile.HostileServer``) answers with odd
``Retry-After`` values, malformed envelopes (``totalResults: null``, ``1e400``,
``linked`` as a list, a list ``id``), 100k-deep JSON, odd row shapes under
``--df``, terminal escape sequences, and the error bodies real gateways send.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import jama_magic
from jama_magic.display import one_line
from jama_magic.errors import JamaError, JamaHTTPError, JamaProtocolError

from ._hostile import HostileServer, Reply, json_reply
from ._oracles import assert_clean_message
from ._servers import Seen
from ._shell import shell

AREA = "Hostile servers"
pytestmark = pytest.mark.usefixtures("fast_backoff")


def page(total: Any = 2, data: Any = None, **extra: Any) -> str:
    info = {"startIndex": 0, "resultCount": 2, "totalResults": total}
    body = {"meta": {"status": "OK", "pageInfo": info}, "data": data or [{"id": 1}, {"id": 2}]}
    return json.dumps({**body, **extra})


def serve(text: str) -> Any:
    return lambda seen, n: json_reply(text)


ENVELOPES = {
    "totalResults: null": page(total=None),
    "totalResults: 1e400": page().replace('"totalResults": 2', '"totalResults": 1e400'),
    "totalResults: a string": page(total="many"),
    "pageInfo as a list": json.dumps({"meta": {"pageInfo": [{"totalResults": 2}]}, "data": []}),
    "meta as a string": json.dumps({"meta": "ok", "data": [{"id": 1}]}),
    "linked as a list": page(linked=[{"id": 1}]),
    "linked kind as a list": page(linked={"users": [1, 2]}),
    "id as a list": page(data=[{"id": [1]}, {"id": [1]}]),
    "id as an object": page(data=[{"id": {"x": 1}}, {"id": 2}]),
    "100k-deep JSON": "[" * 100_000 + "]" * 100_000,
    "links as a list": page(links=["x"]),
}


@pytest.mark.parametrize("case", list(ENVELOPES))
@pytest.mark.parametrize("paging", [False, True], ids=["one", "all"])
def test_malformed_envelope_is_one_protocol_error(ledger: Any, case: str, paging: bool) -> None:
    """A reply whose envelope Jama would never send is a one-line JamaProtocolError."""
    with HostileServer(serve(ENVELOPES[case])) as server:
        jama_magic.connect("h", url=server.url, username="u", password="p", check=False)
        with pytest.raises(JamaError) as info:
            resp = jama_magic.request("GET", "/items", all_pages=paging)
            resp.to_dataframe(resolve=True)
            str(resp), resp.summary()
    shown = assert_clean_message(info.value)
    ledger.record(
        f"reply with {case} ({'--all' if paging else 'one page'})",
        cases=1,
        outcome=f"user sees: {shown[:160]}",
    )
    assert isinstance(info.value, JamaProtocolError), shown


ROWS = {
    "itemType as a list": [{"id": 1, "fields": {"name": "a"}, "itemType": [33]}],
    "itemType as an object": [{"id": 1, "fields": {}, "itemType": {"id": 33}}],
    "huge integers": [{"id": 1, "n": 2**70}, {"id": 2, "n": 1}],
    "huge field integers": [{"id": 1, "fields": {"n": 2**70}, "itemType": 33}],
    "mixed scalars and objects": [1, "a", None, [1], {"id": 3}],
    "fields as a list": [{"id": 1, "fields": [1, 2]}, {"id": 2, "fields": {"x": 1}}],
}


@pytest.mark.parametrize("case", list(ROWS))
def test_odd_rows_under_df_never_escape(ledger: Any, case: str) -> None:
    """--df of odd row shapes gives a table or one JamaError line, never a raw exception."""
    ip = shell()
    with HostileServer(serve(page(data=ROWS[case]))) as server:
        jama_magic.connect(
            "d", url=server.url, username="u", password="p", default=True, check=False
        )
        result = ip.run_cell("_df = %jama GET /items --df", store_history=False)
    error = result.error_in_exec
    outcome = "table" if error is None else f"{type(error).__name__}: {error}"
    ledger.record(f"--df of rows with {case}", cases=1, outcome=outcome[:160])
    assert error is None or type(error).__name__ == "UsageError", outcome


RETRY_AFTER = [
    "Wed, 21 Oct 2015 07:28:00 -0000",
    "Wed, 21 Oct 2015 07:28:00",
    "²",
    "1e400",
    "-5",
    "nan",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "99999999999999999999999",
]


@pytest.mark.parametrize("value", RETRY_AFTER)
def test_odd_retry_after_is_never_a_raw_exception(ledger: Any, value: str) -> None:
    """A 429 with any Retry-After is retried or one clear error; nothing raw escapes."""

    def script(seen: Seen, n: int) -> Reply:
        if n == 0:
            return json_reply("{}", 429, headers={"Retry-After": value})
        return json_reply(page())

    with HostileServer(script) as server:
        jama_magic.connect("r", url=server.url, username="u", password="p", check=False)
        try:
            outcome = f"{jama_magic.request('GET', '/items').status_code}"
        except JamaError as exc:
            outcome = assert_clean_message(exc)
    ledger.record(f"429 with Retry-After: {value}", cases=1, outcome=outcome[:160])


def test_huge_retry_after_fails_at_once(ledger: Any) -> None:
    """A Retry-After over the maximum wait (11 days) is a clear error now, not a long sleep."""
    days = str(11 * 24 * 3600)
    jama_magic.settings.retries = 1  # bounds the run of the unfixed code (one 30 s wait)
    for status in (429, 503):
        reply = json_reply("{}", status, headers={"Retry-After": days})
        with HostileServer(lambda s, n, r=reply: r) as server:
            jama_magic.connect(
                "big", url=server.url, username="u", password="p", default=True, check=False
            )
            with pytest.raises(JamaHTTPError) as info:
                jama_magic.request("GET", "/items")
            sent = len(server.seen)
        shown = one_line(info.value)
        ledger.record(
            f"{status} with Retry-After: 11 days",
            cases=1,
            outcome=f"{sent} request(s); user sees: {shown[:200]}",
            loss=sent - 1,
        )
        assert sent == 1 and "Retry-After" in shown and "\n" not in shown


ESCAPES = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[1A\rOK\x08\x9b31m\u202e"


@pytest.mark.parametrize("where", ["meta.message", "text body", "spring"])
def test_terminal_escapes_from_the_server_are_stripped(ledger: Any, where: str) -> None:
    """ANSI/OSC sequences and control characters a server sends never reach the terminal."""
    text = f"bad {ESCAPES} thing"
    reply = {
        "meta.message": json_reply(json.dumps({"meta": {"status": "Bad", "message": text}}), 400),
        "text body": Reply(status=400, body=text.encode(), content_type="text/plain"),
        "spring": json_reply(json.dumps({"status": 400, "error": "Bad", "message": text}), 400),
    }[where]
    ip = shell()
    with HostileServer(lambda s, n: reply) as server:
        jama_magic.connect(
            "esc", url=server.url, username="u", password="p", default=True, check=False
        )
        with pytest.raises(JamaHTTPError) as info:
            jama_magic.request("GET", "/items")
        resp = info.value.response
        shown = [one_line(info.value), repr(resp), resp.message or "", resp.reason]
        result = ip.run_cell("%jama GET /items", store_history=False)
    shown.append(str(result.error_in_exec))
    bad = [t for t in shown if any(ch in t for ch in "\x1b\x07\x08\r\x9b\u202e")]
    ledger.record(
        f"escape sequences (OSC 52, CSI 2J, CR, BS, C1, RLO) in the {where}",
        cases=len(shown),
        outcome=f"user sees: {one_line(info.value)}; texts with control characters: {len(bad)}",
        loss=len(bad),
    )
    assert bad == []


def test_terminal_escapes_in_whoami_are_stripped(ledger: Any) -> None:
    """%jama whoami shows the user's names from the server: without control characters."""
    user = {"username": f"al{ESCAPES}ice", "firstName": f"A{ESCAPES}", "lastName": "Smith\x1b[2J"}
    reply = json_reply(json.dumps({"meta": {"status": "OK"}, "data": user}))
    with HostileServer(lambda s, n: reply) as server:
        jama_magic.connect(
            "who", url=server.url, username="u", password="p", default=True, check=False
        )
        user_info = shell().run_line_magic("jama", "whoami")
    printed = user_info.summary()  # what IPython shows for the returned user
    bad = [ch for ch in printed if ch in "\x1b\x07\x08\r\x9b\u202e"]
    ledger.record(
        "escape sequences in the user names %jama whoami prints",
        cases=1,
        outcome=f"printed: {printed!r}; control characters: {len(bad)}",
        loss=len(bad),
    )
    assert bad == [] and "ice" in printed


GATEWAY = {
    "nginx HTML page": (
        Reply(
            status=502,
            body=b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
            b"Gateway</h1></center><hr><center>nginx</center></body></html>",
            content_type="text/html",
        ),
        "502 Bad Gateway",
    ),
    "a proxy's HTML page": (
        Reply(
            status=403,
            body=b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'>\n<title>\n  Access "
            b"Denied &amp; Logged \x1b[31m- Corporate Proxy</title></head><body>...</body></html>",
            content_type="text/html",
        ),
        '"Access Denied & Logged - Corporate Proxy"',
    ),
    "HTML with a long title": (
        Reply(
            status=503,
            body=b"<!DOCTYPE html><title>Maintenance " + b"x" * 5000 + b"</title>",
            content_type="text/html; charset=utf-8",
        ),
        "Maintenance",
    ),
    "Spring error JSON": (
        json_reply(
            json.dumps(
                {
                    "timestamp": "2024-01-01T00:00:00.000+0000",
                    "status": 500,
                    "error": "Internal Server Error",
                    "message": "Lock wait timeout exceeded",
                    "path": "/rest/latest/items",
                }
            ),
            500,
        ),
        "Lock wait timeout exceeded",
    ),
    "plain text": (
        Reply(
            status=503,
            body=b"upstream connect error\nreset reason: overflow",
            content_type="text/plain",
        ),
        "upstream connect error reset reason: overflow",
    ),
    "empty body": (Reply(status=504, body=b"", content_type=None), "504 Gateway Timeout"),
}


@pytest.mark.parametrize("case", list(GATEWAY))
def test_gateway_error_bodies_are_quoted(ledger: Any, case: str) -> None:
    """An error page is quoted (its title, or the message), on one bounded line."""
    reply, expected = GATEWAY[case]
    with HostileServer(lambda s, n: reply) as server:
        jama_magic.connect(
            "gw", url=server.url, username="u", password="p", default=True, check=False
        )
        with pytest.raises(JamaHTTPError) as info:
            jama_magic.request("POST", "/items", body={})
    shown = assert_clean_message(info.value)
    ledger.record(f"error body: {case}", cases=1, outcome=f"user sees: {shown}")
    assert expected in shown and len(shown) < 600 and "<" not in shown


MIB = 2**20


def big_body(mib: int, sent: list[int]) -> Any:
    """``mib`` MiB of a JSON list, counting the chunks handed to the socket."""
    yield b"["
    for _ in range(mib):
        sent.append(1)
        yield b"1," * (MIB // 2)
    yield b"1]"


@pytest.mark.parametrize("declared", [True, False], ids=["Content-Length", "no length"])
def test_json_reply_over_the_limit_is_refused_before_parsing(ledger: Any, declared: bool) -> None:
    """A JSON reply over max_body_mb is one clear error, and the client stops reading it."""
    jama_magic.settings.max_body_mb = 2
    sent: list[int] = []
    reply = Reply(body=big_body(256, sent), length=256 * MIB + 3 if declared else None)
    with HostileServer(lambda s, n: reply) as server:
        jama_magic.connect("big", url=server.url, username="u", password="p", check=False)
        with pytest.raises(JamaProtocolError) as info:
            jama_magic.request("GET", "/items")
        requests = len(server.seen)
    shown = assert_clean_message(info.value)
    ledger.record(
        f"256 MiB JSON reply, max_body_mb = 2 ({'declared' if declared else 'undeclared'} size)",
        cases=1,
        outcome=f"{len(sent)} MiB handed to the socket before the client stopped reading; "
        f"{requests} request(s); user sees: {shown}",
        loss=requests - 1,
    )
    assert "max_body_mb" in shown and requests == 1 and len(sent) < 64


def test_binary_reply_over_the_limit_is_streamed_to_a_file(ledger: Any) -> None:
    """A binary reply (an attachment) over max_body_mb is written to a file, byte for byte."""
    jama_magic.settings.max_body_mb = 1
    chunk = bytes(range(256)) * 4096  # 1 MiB
    reply = Reply(body=[chunk] * 5, length=5 * MIB, content_type="application/octet-stream")
    with HostileServer(lambda s, n: reply) as server:
        jama_magic.connect("bin", url=server.url, username="u", password="p", check=False)
        resp = jama_magic.request("GET", "/attachments/1/file")
    path = resp.body
    try:
        assert not isinstance(path, bytes | str), "the body was held in memory"
        data = path.read_bytes()
    finally:
        path.unlink()
    ledger.record(
        "5 MiB binary reply, max_body_mb = 1",
        cases=1,
        outcome=f"body saved to a file of {len(data) // MIB} MiB, identical: {data == chunk * 5}; "
        f"warning: {resp.warnings[0][:60]}…",
        loss=0 if data == chunk * 5 else 1,
    )
    assert data == chunk * 5 and resp.size == 5 * MIB


def test_small_binary_reply_stays_bytes() -> None:
    """A binary reply under max_body_mb is ``bytes``, as before."""
    reply = Reply(body=b"\x89PNG\r\n" + bytes(1000), content_type="image/png")
    with HostileServer(lambda s, n: reply) as server:
        jama_magic.connect("png", url=server.url, username="u", password="p", check=False)
        resp = jama_magic.request("GET", "/attachments/1/file")
    assert resp.body == b"\x89PNG\r\n" + bytes(1000) and not resp.warnings
