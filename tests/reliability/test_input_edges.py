"""Bad input that used to escape as a raw traceback, framing headers, cookies, the '+' sign.

Each case runs through the real IPython shell (``short_errors=True``): the
outcome must be one ``UsageError`` line (or a correct request), and a trap
server counts what reached the wire.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import unquote

import pytest
from IPython.core.error import UsageError

import jama_magic
from jama_magic.errors import JamaUsageError

from ._oracles import assert_clean_message
from ._servers import RecordingServer
from ._shell import shell

AREA = "Bad input (fuzz)"
pytestmark = pytest.mark.usefixtures("fast_backoff")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A recording server, connection 'e' to it as the default (password from the env)."""
    with RecordingServer() as rec:
        monkeypatch.setenv("JAMA_E_PASSWORD", "pw-edges-1")
        shell().run_line_magic(
            "jama", f"connect e --url {rec.url} --username u --default --no-check"
        )
        yield rec


def busy_port() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock, sock.getsockname()[1]


LONG = "a" * 70_000
LINES = {
    "-p maxResults=² --all": ("GET /items -p maxResults=² --all", None),
    "-p startAt=٣ --limit 5": ("GET /items -p startAt=٣ --limit 5", None),
    "URL over 64 KiB": (f"GET /items?x={LONG}", None),
    "URL over 64 KiB, --dry-run": (f"GET /items?x={LONG} --dry-run", None),
    "query value over 64 KiB": (f"GET /items -p x={LONG}", None),
    "path over 64 KiB": (f"GET /{LONG}", None),
    "cell of 100,000 '['": ("POST /items", "[" * 100_000),
    "cell of 100,000 '{\"a\":'": ("POST /items", '{"a":' * 100_000),
    '-H "Content-Length: 0"': ('GET /items -H "Content-Length: 0"', None),
    '-H "Transfer-Encoding: chunked"': ('POST /items -H "Transfer-Encoding: chunked"', "{}"),
    '-H "Connection: close, Host"': ('GET /items -H "Connection: close, Host"', None),
    '-H "TE: trailers"': ('GET /items -H "TE: trailers"', None),
    '-H "Upgrade: h2c"': ('GET /items -H "Upgrade: h2c"', None),
    "-c '' (empty nickname)": ("GET /items -c ''", None),
}


@pytest.mark.parametrize("case", list(LINES))
def test_bad_line_is_one_usage_error(server: RecordingServer, ledger: Any, case: str) -> None:
    """Each line is refused with one UsageError line; nothing reaches the server."""
    line, cell = LINES[case]
    ip = shell()
    before = len(server.seen)
    with pytest.raises(UsageError) as info:
        # the magic itself, without IPython's {var} expansion of the line first (which takes
        # ~40 s on a 70 KB line, in IPython, before the magic runs)
        if cell is None:
            ip.find_line_magic("jama")(line)
        else:
            ip.find_cell_magic("jama")(line, cell)
    sent = len(server.seen) - before
    shown = str(info.value)
    ledger.record(f"magic: {case}", cases=1, outcome=f"user sees: {shown[:160]}", loss=sent)
    assert "\n" not in shown and len(shown) < 1000 and sent == 0


FRAMING = ["Transfer-Encoding", "Content-Length", "Connection", "Keep-Alive", "TE", "Trailer"]


@pytest.mark.parametrize("name", FRAMING)
def test_framing_headers_refused_in_python(server: RecordingServer, name: str) -> None:
    """headers={"Transfer-Encoding": ...} in Python is a JamaUsageError, like Host."""
    with pytest.raises(JamaUsageError) as info:
        jama_magic.request("POST", "/items", headers={name.lower(): "chunked"}, body={})
    assert name.lower() in assert_clean_message(info.value).lower() and server.seen == []


def test_sandbox_on_a_busy_port_is_one_line(ledger: Any) -> None:
    """%jama sandbox --port <busy> is one UsageError line, not an OSError."""
    sock, port = busy_port()
    try:
        with pytest.raises(UsageError) as info:
            shell().run_line_magic("jama", f"sandbox --port {port} --items 30")
    finally:
        sock.close()
    ledger.record("%jama sandbox --port <busy>", cases=1, outcome=f"user sees: {info.value}")
    assert str(port) in str(info.value) and "\n" not in str(info.value)


def test_sandbox_with_a_bad_dataset_size_is_one_line() -> None:
    """%jama sandbox --items 10 (below the sandbox's minimum) is one UsageError line."""
    with pytest.raises(UsageError, match="items"):
        shell().run_line_magic("jama", "sandbox --items 10")


@pytest.mark.parametrize("url", ["http://☃.example", "http://xn--zz.example", "http://a..b"])
def test_invalid_idna_host_is_one_line(
    ledger: Any, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A base URL whose host is not a valid (IDNA) name is refused when connecting."""
    monkeypatch.setenv("JAMA_IDNA_PASSWORD", "pw-idna")
    with pytest.raises(UsageError, match="host") as info:
        shell().run_line_magic("jama", f"connect idna --url {url} --username u")
    ledger.record(f"connect --url {url}", cases=1, outcome=f"user sees: {info.value}")
    assert "\n" not in str(info.value)


def test_password_from_a_non_utf8_environment(
    server: RecordingServer, ledger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JAMA_<NICK>_PASSWORD that is not valid UTF-8 is a clean error naming the variable."""
    monkeypatch.setenv("JAMA_NU_PASSWORD", "pw-\udcff-latin1")  # os.environ's surrogateescape
    before = len(server.seen)
    with pytest.raises(UsageError) as info:
        shell().run_line_magic("jama", f"connect nu --url {server.url} --username u --no-check")
        shell().run_line_magic("jama", "GET /items -c nu")
    shown = str(info.value)
    ledger.record("password env var with a non-UTF-8 byte", cases=1, outcome=f"user sees: {shown}")
    assert "JAMA_NU_PASSWORD" in shown and "latin1" not in shown
    assert len(server.seen) == before


def test_username_with_client_id_is_refused() -> None:
    """--username together with --client-id is an error, not a silently ignored username."""
    with pytest.raises(UsageError, match="username"):
        shell().run_line_magic(
            "jama", "connect both --url http://h.example --username u --client-id c"
        )


@pytest.mark.parametrize(
    "line",
    [
        "GET /activities -p lastActivityDate=2024-01-01T00:00:00.000+0000",
        "GET /activities?lastActivityDate=2024-01-01T00:00:00.000+0000",
        "GET /activities?lastActivityDate=2024-01-01T00:00:00.000%2B0000",
    ],
)
def test_plus_in_a_query_value_reaches_jama_as_2b(
    server: RecordingServer, ledger: Any, line: str
) -> None:
    """A '+' typed in a query value is sent as %2B (a raw '+' would become a space: 400)."""
    shell().run_line_magic("jama", line)
    raw = server.seen[-1].path.split("?", 1)[1]
    ledger.record(f"magic: {line.split(' ', 1)[1]}", cases=1, outcome=f"sent query: {raw}")
    assert raw == "lastActivityDate=" + "2024-01-01T00%3A00%3A00.000%2B0000"
    assert unquote(raw.split("=")[1]) == "2024-01-01T00:00:00.000+0000"


def test_cookie_does_not_follow_a_cross_origin_redirect(ledger: Any) -> None:
    """A session cookie set by the connection's host never reaches another origin."""
    with RecordingServer() as other:
        location = f"{other.url}/rest/latest/projects"
        headers = {"Location": location, "Set-Cookie": "JSESSIONID=s3cr3t-session; Path=/"}
        with RecordingServer(status=302, headers=headers) as origin:
            jama_magic.connect(
                "ck", url=origin.url, username="u", password="pw-cookie", check=False
            )
            jama_magic.request("GET", "/projects")
            jama_magic.request("GET", "/projects")
        cookies = [s.headers.get("Cookie", "") for s in other.seen]
    leaked = [c for c in cookies if "s3cr3t-session" in c]
    ledger.record(
        "Set-Cookie + 302 to another port (another origin), twice",
        cases=len(other.seen),
        outcome=f"other origin got {len(other.seen)} request(s), with the cookie: {len(leaked)}",
        loss=len(leaked),
    )
    assert other.seen and leaked == []
