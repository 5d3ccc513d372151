"""Tests of the %jama / %%jama magics in a real IPython shell against the sandbox over loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from IPython.core.completer import provisionalcompleter
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing import globalipapp
from IPython.utils.capture import capture_output

import jama_magic as jm
from jama_magic import api, registry, settings
from jama_magic.errors import NotFoundError
from jama_magic.response import JamaResponse, RequestView
from jama_magic.sandbox import RESTRICTED_PROJECT_ID, Sandbox

ITEM = {
    "project": 20,
    "itemType": 33,
    "childItemType": 0,
    "location": {"parent": {"project": 20}},
}


@dataclass
class Ran:
    """What one cell did: its output, its value and its error."""

    out: str
    err: str
    result: Any
    error: BaseException | None

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    # another test module may have started the global test shell already
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    assert shell is not None
    shell.run_line_magic("load_ext", "jama_magic")
    return shell


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=1) as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test: its own config file, default settings, no connections left behind."""
    monkeypatch.setenv("JAMA_MAGIC_CONFIG", str(tmp_path / "connections.toml"))
    settings.reset()
    yield
    settings.reset()
    for name in registry.names():
        registry.remove(name)


@pytest.fixture
def conn(sb: Sandbox) -> str:
    jm.connect("sb", url=sb.url, username=sb.username, password=sb.password, default=True)
    return "sb"


def run(ip: InteractiveShell, code: str) -> Ran:
    with capture_output() as cap:
        res = ip.run_cell(code)
    return Ran(cap.stdout, cap.stderr, res.result, res.error_in_exec)


def fails(ip: InteractiveShell, code: str) -> str:
    """Run ``code``, check it failed with one UsageError line and no traceback; the line."""
    ran = run(ip, code)
    assert type(ran.error) is UsageError, ran.text
    assert "Traceback" not in ran.text
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert len(lines) == 1, ran.text
    assert lines[0].startswith("UsageError: ")
    return lines[0].removeprefix("UsageError: ")


def tab(ip: InteractiveShell, line: str) -> list[str]:
    """What Tab offers at the end of ``line`` in the real shell."""
    with provisionalcompleter():
        return [c.text for c in ip.Completer.completions(line, len(line))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- requests -----------------------------------------------------------------


def test_get_returns_response_and_keeps_last(ip: InteractiveShell, conn: str) -> None:
    """`%jama GET /projects` returns the JamaResponse and stores it as _jama."""
    ran = run(ip, "%jama GET /projects")
    assert isinstance(ran.result, JamaResponse)
    assert ran.result.status_code == 200
    assert ip.user_ns["_jama"] is ran.result
    assert "200 OK" in ran.out  # displayed as the cell's value


def test_method_defaults_to_get_and_assignment(ip: InteractiveShell, conn: str) -> None:
    """Without a method it is a GET; `r = %jama ...` binds the response."""
    run(ip, "r = %jama /users/current")
    assert ip.user_ns["r"].method == "GET"
    assert ip.user_ns["r"].data["username"] == "sandbox"


def test_line_expansion_is_kept(ip: InteractiveShell, conn: str) -> None:
    """IPython's {expr} and $var expansion works in the line."""
    ip.user_ns.update(item_id=1001, proj=20)
    assert run(ip, "%jama GET /items/{item_id}").result.data["id"] == 1001
    assert "project=20" in run(ip, "%jama GET /items -p project=$proj --limit 1").result.url


def test_option_connection(ip: InteractiveShell, conn: str, sb: Sandbox) -> None:
    """-c/--connection picks another connection than the default."""
    jm.connect("other", url=sb.url, username=sb.username, password=sb.password)
    assert run(ip, "%jama GET /projects -c other").result.request.nickname == "other"
    assert run(ip, "%jama GET /projects --connection sb").result.request.nickname == "sb"


def test_option_param_repeated(ip: InteractiveShell, conn: str) -> None:
    """-p is repeatable and a repeated key is sent repeatedly."""
    r = run(ip, "%jama GET /items/1001 -p include=data.createdBy -p include=data.itemType").result
    assert "include=data.createdBy&include=data.itemType" in r.url
    assert r.linked  # the sandbox honoured both includes


def test_option_query_dict(ip: InteractiveShell, conn: str) -> None:
    """-q takes query parameters from a dict in the namespace."""
    ip.user_ns["qd"] = {"project": 21, "maxResults": 3}
    r = run(ip, "%jama GET /items -q qd").result
    assert len(r.data) == 3
    assert {item["project"] for item in r.data} == {21}


def test_option_headers(ip: InteractiveShell, conn: str) -> None:
    """-H (repeatable) and --headers add request headers."""
    ip.user_ns["hd"] = {"X-From-Dict": "yes"}
    r = run(ip, "%jama GET /projects -H 'X-One: 1' --header 'X-Two: 2' --headers hd").result
    sent = dict(r.request.headers)
    assert (sent["x-one"], sent["x-two"], sent["x-from-dict"]) == ("1", "2", "yes")


def test_cell_body_post_and_out(ip: InteractiveShell, conn: str) -> None:
    """%%jama POST sends the cell's JSON with placeholders; -o stores the response."""
    ip.user_ns["title"] = "Made by the magic"
    body = (
        '{"project": 20, "itemType": 33, "childItemType": 0,\n'
        ' "location": {"parent": {"project": 20}}, "fields": {"name": {{ title }}}}'
    )
    ran = run(ip, f"%%jama POST /items -o created\n{body}")
    created = ip.user_ns["created"]
    assert created is ran.result and created.status_code == 201
    got = run(ip, f"%jama GET /items/{created.created_id}").result
    assert got.data["fields"]["name"] == "Made by the magic"


def test_option_body_expression(ip: InteractiveShell, conn: str) -> None:
    """-b sends a Python object from the namespace as the body."""
    ip.user_ns["payload"] = {**ITEM, "fields": {"name": "From -b"}}
    r = run(ip, "%jama POST /items --body payload").result
    assert r.status_code == 201
    assert run(ip, f"%jama GET /items/{r.created_id}").result.data["fields"]["name"] == "From -b"


def test_option_all_and_limit(ip: InteractiveShell, conn: str) -> None:
    """--all follows paging; --limit stops after N items."""
    settings.page_size = 20
    r = run(ip, "%jama GET /items -p project=21 --all").result
    assert r.pages == 1 or len(r.data) == r.page_info.total_results
    ids = [i["id"] for i in r.data]
    assert len(ids) == len(set(ids)) == r.page_info.total_results
    big = run(ip, "%jama GET /items -p project=20 --all --limit 45").result
    assert len(big.data) == 45 and big.pages == 3
    assert len(run(ip, "%jama GET /items -p project=20 --limit 7").result.data) == 7


def test_option_df(ip: InteractiveShell, conn: str) -> None:
    """--df returns and shows the DataFrame view; the response is still kept as _jama."""
    ran = run(ip, "%jama GET /items -p project=21 --df")
    assert isinstance(ran.result, pd.DataFrame)
    assert len(ran.result) == len(ip.user_ns["_jama"].data)
    assert "documentKey" in ran.out


def test_option_df_on_a_single_object(ip: InteractiveShell, conn: str) -> None:
    """--df on a single object gives a one-row frame."""
    df = run(ip, "%jama GET /users/current --df").result
    assert len(df) == 1 and df["username"].iloc[0] == "sandbox"


def test_option_timeout(ip: InteractiveShell, conn: str, sb: Sandbox) -> None:
    """--timeout S gives a one-line timeout error naming the host."""
    settings.retries = 0
    sb.schedule_faults(["slow:2"], path_prefix="/projects")
    line = fails(ip, "%jama GET /projects --timeout 0.2")
    sb.clear_faults()
    host = sb.url.split("//")[1]
    assert f"{host} did not answer GET /projects within 0.2 s" in line
    assert "Hint: raise the timeout" in line


def test_option_dry_run(ip: InteractiveShell, conn: str, sb: Sandbox) -> None:
    """--dry-run shows the request, masked, and curl; nothing is sent."""
    ip.user_ns["title"] = "Dry"
    before = sb.stats.requests
    ran = run(ip, '%%jama POST /items --dry-run\n{"fields": {"name": {{ title }}}}')
    assert sb.stats.requests == before
    view = ran.result
    assert isinstance(view, RequestView)
    assert view.body == {"fields": {"name": "Dry"}}
    assert f"POST {sb.url}/rest/latest/items" in ran.out
    assert "Basic ********" in ran.out
    assert "curl" in ran.out and "$JAMA_SB_PASSWORD" in ran.out
    assert sb.password not in ran.out + repr(view)


def test_dry_run_needs_no_server(ip: InteractiveShell) -> None:
    """--dry-run works against a host that is not there."""
    jm.connect(
        "gone", url=f"http://127.0.0.1:{free_port()}", username="u", password="p", check=False
    )
    assert isinstance(run(ip, "%jama DELETE /items/5 --dry-run").result, RequestView)


def test_option_no_raise(ip: InteractiveShell, conn: str) -> None:
    """--no-raise returns a 404 response instead of raising."""
    r = run(ip, "%jama GET /items/987654321 --no-raise").result
    assert r.status_code == 404 and ip.user_ns["_jama"] is r


def test_option_yes_and_confirm_writes(ip: InteractiveShell, sb: Sandbox) -> None:
    """On a --confirm-writes connection a DELETE needs --yes (no prompt answer means no)."""
    jm.connect(
        "careful",
        url=sb.url,
        username=sb.username,
        password=sb.password,
        confirm_writes=True,
        default=True,
    )
    ip.user_ns["payload"] = {**ITEM, "fields": {"name": "to delete"}}
    new = run(ip, "%jama POST /items -b payload --yes").result
    line = fails(ip, f"%jama DELETE /items/{new.created_id}")
    assert "needs confirmation: add --yes" in line
    assert run(ip, f"%jama DELETE /items/{new.created_id} --yes").result.ok


def test_http_error_keeps_response_as_last(ip: InteractiveShell, conn: str) -> None:
    """After an HTTP error _jama holds the error response."""
    fails(ip, "%jama GET /items/987654321")
    assert ip.user_ns["_jama"].status_code == 404


# --- placeholders of every JSON type, through the magic -------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text", "text"),
        (7, 7),
        (2.5, 2.5),
        (True, True),
        (False, False),
        (None, None),
        ([1, "a", None], [1, "a", None]),
        ({"k": {"n": [1, 2]}}, {"k": {"n": [1, 2]}}),
        ((1, 2), [1, 2]),
    ],
)
def test_placeholder_types(ip: InteractiveShell, conn: str, value: Any, expected: Any) -> None:
    """A placeholder becomes the JSON value of any JSON-able type, nested too."""
    ip.user_ns["v"] = value
    r = run(ip, '%%jama PUT /items/1 --dry-run\n{"v": {{ v }}, "s": "<{{ v }}>"}').result
    assert r.body["v"] == expected
    assert isinstance(r.body["s"], str)


# --- errors: one line, no traceback ------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("%jama conect x", "unknown subcommand or method 'conect'; did you mean connect?"),
        (
            "%jama GET /items --lmit 3",
            "unknown option '--lmit' for %jama [METHOD] URL; did you mean --limit?",
        ),
        ("%jama HEAD /items", "unsupported method HEAD: use one of GET, POST, PUT, PATCH, DELETE"),
        ("%jama GET https://evil.example/x", "refused 'https://evil.example/x'"),
        ("%jama GET /../x", "'..' climbs out of the API root"),
        ("%jama GET /x -c nobody", "unknown connection 'nobody'; known: sb"),
        ('%%jama POST /items\n{"a": 1,\n "b" 2}', "at line 2, column 6: Expecting ':' delimiter"),
        (
            '%%jama POST /items\n{"a": {{ undefined_thing }}}',
            "undefined name 'undefined_thing' in placeholder {{ undefined_thing }} "
            "at line 1, column 7",
        ),
        ('%%jama POST /items\n{"a": {{ x {{ y }} }}}', "nested placeholders are not supported"),
        ("%jama GET /x -q nothing_here", "undefined name 'nothing_here' in -q nothing_here"),
        ("%jama connect x --password p", "--password is not an option"),
        ("%%jama connections\n{}", "%%jama connections takes no cell body"),
    ],
)
def test_usage_errors(ip: InteractiveShell, conn: str, code: str, message: str) -> None:
    """Every usage mistake is one line, no traceback, with a suggestion where there is one."""
    assert message in fails(ip, code)


def test_http_404_line(ip: InteractiveShell, conn: str) -> None:
    """404: status, reason, Jama's meta.message, the request and a hint."""
    line = fails(ip, "%jama GET /items/987654321")
    assert line.startswith("404 Not Found: No item with id 987654321")
    assert "(GET /items/987654321)" in line and "Hint: check the id and the path" in line


def test_http_403_line(ip: InteractiveShell, conn: str) -> None:
    """403 (the sandbox's restricted project): Jama's message and the permission hint."""
    line = fails(ip, f"%jama GET /projects/{RESTRICTED_PROJECT_ID}")
    assert line.startswith("403 Forbidden: User does not have permission")
    assert "Hint: the user lacks the permission" in line


def test_http_401_line(ip: InteractiveShell, sb: Sandbox) -> None:
    """401 (wrong password) gives a hint and never shows the password."""
    jm.connect("bad", url=sb.url, username=sb.username, password="Wr0ngPassw0rd", check=False)
    line = fails(ip, "%jama GET /projects -c bad")
    assert line.startswith("401 Unauthorized")
    assert "Hint: check the username and password" in line
    assert "Wr0ngPassw0rd" not in line


def test_http_429_line(ip: InteractiveShell, conn: str, sb: Sandbox) -> None:
    """429 after the retries gives the rate-limit hint."""
    settings.retries = 0
    sb.schedule_faults(["429"], path_prefix="/projects")
    line = fails(ip, "%jama GET /projects")
    assert line.startswith("429 Too Many Requests") and "Hint: Jama allows about 10" in line


def test_network_error_names_host(ip: InteractiveShell) -> None:
    """A refused connection is one line naming the host."""
    port = free_port()
    jm.connect("down", url=f"http://127.0.0.1:{port}", username="u", password="p", check=False)
    settings.retries = 0
    line = fails(ip, "%jama GET /projects -c down")
    assert f"cannot connect to 127.0.0.1:{port}" in line and "Hint:" in line


def test_read_only_refuses_writes(ip: InteractiveShell, sb: Sandbox) -> None:
    """A read-only connection refuses a POST before sending, in one line."""
    jm.connect("ro", url=sb.url, username=sb.username, password=sb.password, read_only=True)
    assert "read-only" in fails(ip, "%jama POST /items -c ro -b None")


def test_short_errors_false_lets_the_exception_through(ip: InteractiveShell, conn: str) -> None:
    """With short_errors False the original exception and its traceback are shown."""
    run(ip, "%config JamaMagic.short_errors = False")
    ran = run(ip, "%jama GET /items/987654321")
    assert isinstance(ran.error, NotFoundError)
    assert "Traceback" in ran.text or "NotFoundError" in ran.text


# --- subcommands ----------------------------------------------------------------


def test_connect_url_prints_and_registers(
    ip: InteractiveShell, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """connect --url --username takes the password from the environment and never prints it."""
    monkeypatch.setenv("JAMA_LOCAL_PASSWORD", sb.password)
    ran = run(ip, f"%jama connect local --url {sb.url} --username {sb.username} --default")
    assert ran.error is None
    assert f"connected 'local' (default): {sb.url}/rest/latest as sandbox (basic)" in ran.out
    assert registry.default_name == "local"
    assert sb.password not in ran.text
    assert run(ip, "%jama GET /projects").result.ok


def test_connect_all_options(
    ip: InteractiveShell, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every connect option reaches the Connection; --save writes no secret."""
    monkeypatch.setenv("JAMA_FULL_PASSWORD", "S3cretValue")
    monkeypatch.setenv("JAMA_NOV_PASSWORD", "S3cretValue")
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    ran = run(
        ip,
        "%jama connect full --subdomain acme --username al --api-version v1 "
        f"--ca-bundle {ca} --timeout 9 --rate-limit 3 --read-only --confirm-writes "
        "--save --default --no-check",
    )
    assert ran.error is None, ran.text
    c = registry.get("full")
    assert (c.base_url, c.api_version, c.verify, c.timeout, c.rate_limit) == (
        "https://acme.jamacloud.com",
        "v1",
        str(ca),
        9.0,
        3.0,
    )
    assert c.read_only and c.confirm_writes and registry.default_name == "full"
    saved = (tmp_path / "connections.toml").read_text()
    assert "acme" in saved and "S3cretValue" not in saved and "S3cretValue" not in ran.text
    run(ip, "%jama connect nov --subdomain acme --username al --no-verify --no-check")
    assert registry.get("nov").verify is False


def test_connect_oauth_client_id(
    ip: InteractiveShell, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--client-id connects with OAuth; the client secret comes from the environment."""
    monkeypatch.setenv("JAMA_OA_CLIENT_SECRET", sb.client_secret)
    ran = run(ip, f"%jama connect oa --url {sb.url} --client-id {sb.client_id}")
    assert "(oauth)" in ran.out and sb.client_secret not in ran.text
    assert run(ip, "%jama whoami -c oa").out.strip().endswith(": sandbox (Sandbox User) on oa")


def test_connect_without_password_is_one_line(ip: InteractiveShell, sb: Sandbox) -> None:
    """No password anywhere (and no terminal to ask) names the environment variable."""
    assert "JAMA_NOPW_PASSWORD" in fails(ip, f"%jama connect nopw --url {sb.url} --username u")


def test_connections_table(ip: InteractiveShell, conn: str) -> None:
    """`%jama connections` returns a table of connections without secrets."""
    ran = run(ip, "%jama connections")
    assert list(ran.result.index) == ["sb"]
    assert list(ran.result.columns) == ["base URL", "user", "auth", "read-only", "default"]
    assert "sandbox" in ran.out


def test_connections_empty(ip: InteractiveShell) -> None:
    """With no connection it says how to make one."""
    assert "no connections: %jama connect" in run(ip, "%jama connections").out


def test_request_after_the_last_disconnect(ip: InteractiveShell, conn: str) -> None:
    """With the last connection gone, a request says to connect one (no "yet")."""
    run(ip, f"%jama disconnect {conn}")
    line = fails(ip, "%jama GET /projects")
    assert line.startswith("no connection to use: run `%jama connect NICK --url URL")
    assert "yet" not in line


def test_use_and_unknown(ip: InteractiveShell, conn: str, sb: Sandbox) -> None:
    """`use` changes the default; an unknown name lists the known ones."""
    jm.connect("two", url=sb.url, username=sb.username, password=sb.password)
    assert "default connection: 'two'" in run(ip, "%jama use two").out
    assert registry.default_name == "two"
    assert fails(ip, "%jama use nope") == "unknown connection 'nope'; known: sb, two"


def test_disconnect_and_forget(
    ip: InteractiveShell, sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`disconnect` removes a connection; --forget also removes it from the saved file."""
    monkeypatch.setenv("JAMA_KEEP_PASSWORD", "pw")
    run(ip, f"%jama connect keep --url {sb.url} --username u --save --no-check")
    assert "keep" in (tmp_path / "connections.toml").read_text()
    assert "disconnected 'keep' and forgot it" in run(ip, "%jama disconnect keep --forget").out
    assert "keep" not in registry.names()
    assert "keep" not in (tmp_path / "connections.toml").read_text()
    assert "unknown connection 'keep'" in fails(ip, "%jama disconnect keep")


def test_whoami(ip: InteractiveShell, conn: str) -> None:
    """`whoami` shows user (full name) on connection and returns Jama's user dict."""
    ran = run(ip, "%jama whoami")
    assert ran.out.strip().endswith(": sandbox (Sandbox User) on sb")  # after the Out[n] prompt
    assert ran.result["username"] == "sandbox" and ran.result["firstName"] == "Sandbox"
    assert run(ip, "%jama whoami -c sb").out.strip().endswith(": sandbox (Sandbox User) on sb")


def test_sandbox_subcommand_twice(ip: InteractiveShell) -> None:
    """`%jama sandbox` starts, registers and selects `sandbox`; a second call reuses it."""
    try:
        port = free_port()
        first = run(
            ip, f"%jama sandbox --port {port} --latency 0 --rate-limit 50 --items 40 --seed 3"
        )
        assert f"Jama sandbox running at http://127.0.0.1:{port}" in first.out
        assert registry.default_name == "sandbox"
        second = run(ip, "%jama sandbox")
        assert f"already running at http://127.0.0.1:{port}" in second.out
        assert "restarting" not in second.out
        running = api.running_sandbox()
        password = running.password if running else "?"
        assert password not in first.text + second.text
        assert run(ip, "%jama GET /projects").result.ok
    finally:
        jm.stop_sandbox()


def test_sandbox_options_restart_it(ip: InteractiveShell) -> None:
    """Options on a running sandbox restart it with them, after saying so."""
    try:
        run(ip, "%jama sandbox --items 40")
        old = api.running_sandbox()
        ran = run(ip, "%jama sandbox --items 60 --latency 0")
        new = api.running_sandbox()
        assert ran.error is None, ran.text
        assert "restarting the sandbox with --latency 0 --items 60 (a fresh dataset)" in ran.out
        assert old is not None and new is not None and new is not old
        assert not old.running and new.running
        assert f"Jama sandbox running at {new.url}" in ran.out
        assert registry.get("sandbox").base_url == new.url
        assert run(ip, "%jama GET /projects").result.ok
    finally:
        jm.stop_sandbox()


def test_sandbox_stop(ip: InteractiveShell) -> None:
    """`%jama sandbox --stop` stops the server and removes its connection; again, says so."""
    try:
        run(ip, "%jama sandbox")
        running = api.running_sandbox()
        assert running is not None
        ran = run(ip, "%jama sandbox --stop")
        assert f"stopped the sandbox at {running.url} and removed connection 'sandbox'" in ran.out
        assert not running.running and api.running_sandbox() is None
        assert "sandbox" not in registry.names()
        assert run(ip, "%jama sandbox --stop").out.strip() == "no sandbox is running"
    finally:
        jm.stop_sandbox()


def test_sandbox_stop_takes_no_options(ip: InteractiveShell) -> None:
    """`--stop` with another option is one line, and stops nothing."""
    assert "--stop takes no other option (got --port 5)" in fails(
        ip, "%jama sandbox --stop --port 5"
    )


def test_disconnect_sandbox_says_the_server_still_runs(ip: InteractiveShell) -> None:
    """Disconnecting `sandbox` keeps the server and says how to stop it."""
    try:
        run(ip, "%jama sandbox")
        out = run(ip, "%jama disconnect sandbox").out
        assert "the sandbox server still runs: %jama sandbox --stop stops it" in out
        assert api.running_sandbox() is not None
    finally:
        jm.stop_sandbox()


def test_help_sandbox_tells_how_to_stop_and_restart(ip: InteractiveShell) -> None:
    """`%jama help sandbox` documents --stop and the restart on new options."""
    out = " ".join(run(ip, "%jama help sandbox").out.split())
    assert "--stop stop the running sandbox" in out
    assert "with options it restarts it with them (a fresh dataset" in out


def test_help_on_placeholder_values_matches_what_they_send(ip: InteractiveShell, conn: str) -> None:
    """The help's placeholder conversions are what a dry run sends; a set is an error."""
    help_text = " ".join(run(ip, "%jama help").out.split())
    assert "a Timestamp or datetime to Jama's 2024-05-01T12:00:00.000+0000" in help_text
    assert "a date (or a datetime at midnight) to 2024-05-01, NaN, NaT and pd.NA to null" in (
        help_text
    )
    assert "(a set, an object) are an error naming the placeholder" in help_text
    ip.user_ns.update(
        ts=pd.Timestamp("2024-05-01 12:00", tz="UTC"),
        day=pd.Timestamp("2024-05-01").date(),
        nan=float("nan"),
        nat=pd.NaT,
        na=pd.NA,
        tags={"a"},
    )
    cell = '{"t": {{ ts }}, "d": {{ day }}, "n": {{ nan }}, "x": {{ nat }}, "a": {{ na }}}'
    view = run(ip, f"%%jama POST /items --dry-run\n{cell}").result
    assert view.body == {"t": "2024-05-01T12:00:00.000+0000", "d": "2024-05-01"} | dict.fromkeys(
        "nxa"
    )
    assert "{{ tags }}" in fails(ip, '%%jama POST /items --dry-run\n{"tags": {{ tags }}}')


def test_panel_subcommand(ip: InteractiveShell, conn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`%jama panel` returns the panel from jama_magic.panel() (in Jupyter)."""
    monkeypatch.setattr("jama_magic.magics.commands.in_notebook", lambda: True)
    assert run(ip, "%jama panel").result is not None


def test_panel_missing_is_one_line(ip: InteractiveShell, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the panel cannot be imported, one line says so."""

    def broken(**_: Any) -> Any:
        raise ImportError("No module named 'ipywidgets'")

    monkeypatch.setattr("jama_magic.magics.commands.in_notebook", lambda: True)
    monkeypatch.setattr(jm, "panel", broken)
    assert fails(ip, "%jama panel") == "the panel is not available: No module named 'ipywidgets'"


def test_help_and_question_mark(ip: InteractiveShell) -> None:
    """`%jama help`, `%jama`, `%jama help TOPIC` and `%jama?` print usable help with examples."""
    for code in ("%jama help", "%jama"):
        out = run(ip, code).out
        assert "%jama GET /projects" in out and "{{ title }}" in out and "%jama sandbox" in out
    assert "--rate-limit RPS" in run(ip, "%jama help connect").out
    assert "--dry-run" in run(ip, "%jama help GET").out
    assert "%jama connect prod" in run(ip, "%jama?").out


# --- output variables, settings, completion, secrets ---------------------------------


def test_settings_both_directions(ip: InteractiveShell, caplog: pytest.LogCaptureFixture) -> None:
    """%config JamaMagic.* and jm.settings are one state, validated both ways."""
    magic = ip.magics_manager.registry["JamaMagic"]
    run(ip, "%config JamaMagic.page_size = 10")
    assert jm.settings.page_size == 10 and magic.page_size == 10
    jm.settings.max_concurrency = 2
    assert magic.max_concurrency == 2
    assert "Current: 2" in run(ip, "%config JamaMagic").out
    assert "page_size must be an integer from 1 to 50, not 99" in fails(
        ip, "%config JamaMagic.page_size = 99"
    )
    assert jm.settings.page_size == 10
    run(ip, "%config JamaMagic.rate_limit = 0")
    assert jm.settings.rate_limit is None and magic.rate_limit is None
    with pytest.raises(Exception, match="timeout must be seconds > 0"):
        magic.timeout = -1
    with pytest.raises(Exception, match="display_rows must be"):
        jm.settings.display_rows = -5


def test_settings_are_read_on_each_use(ip: InteractiveShell, conn: str) -> None:
    """A page_size set in Python is used by the next --all request."""
    jm.settings.page_size = 5
    assert run(ip, "%jama GET /items -p project=20 --all --limit 12").result.pages == 3


def test_completion_in_the_shell(ip: InteractiveShell, conn: str) -> None:
    """Tab in %jama lines completes URLs, options, methods and nicknames in the real shell."""
    assert tab(ip, "%jama GET /items/4/ch") == ["/items/4/children"]
    assert tab(ip, "%jama GET /items --li") == ["--limit"]
    assert tab(ip, "%jama use s") == ["sb"]
    assert tab(ip, "r = %jama GET /projects -c ") == ["sb"]
    assert tab(ip, "%%jama PO") == ["POST"]
    assert tab(ip, "%jama dis") == ["disconnect"]


def test_unload_and_reload(ip: InteractiveShell) -> None:
    """Unloading removes the magic and its completer; loading again restores them."""
    ip.run_line_magic("unload_ext", "jama_magic")
    try:
        assert "jama" not in ip.magics_manager.magics["line"]
        assert "/items/4/children" not in tab(ip, "%jama GET /items/4/ch")
    finally:
        ip.run_line_magic("load_ext", "jama_magic")
    assert "jama" in ip.magics_manager.magics["cell"]


def test_invalid_config_does_not_break_loading(ip: InteractiveShell) -> None:
    """A bad JamaMagic value left in the shell config is dropped with a warning on load."""
    ip.config.JamaMagic.page_size = 0
    with capture_output() as cap:
        ip.run_line_magic("reload_ext", "jama_magic")
    assert "ignoring config JamaMagic.page_size" in cap.stdout
    assert "jama" in ip.magics_manager.magics["line"] and jm.settings.page_size == 50


def test_nothing_shows_the_password(ip: InteractiveShell, conn: str, sb: Sandbox) -> None:
    """No output, return value, repr or HTML of any magic contains the password."""
    ip.user_ns["payload"] = {**ITEM, "fields": {"name": "secret check"}}
    codes = [
        "%jama GET /projects",
        "%jama GET /items -p project=21 --all",
        "%jama whoami",
        "%jama connections",
        "%jama GET /projects --dry-run",
        "%jama POST /items -b payload",
        "%jama GET /items/987654321 --no-raise",
        "%jama GET /items/987654321",
        "%config JamaMagic",
        "%jama GET /items -p project=21 --df",
        "%jama help",
    ]
    for code in codes:
        ran = run(ip, code)
        shown = [ran.text, repr(ran.result), repr(ip.user_ns.get("_jama"))]
        for obj in (ran.result, ip.user_ns.get("_jama")):
            if hasattr(obj, "_repr_html_"):
                shown.append(obj._repr_html_())
            if hasattr(obj, "to_curl"):
                shown.append(obj.to_curl())
        assert not any(sb.password in s for s in shown), code


def test_df_on_an_error_response_says_so(ip: InteractiveShell, conn: str) -> None:
    """--df --no-raise on a 404 names the status and Jama's message, not 'no body'."""
    line = fails(ip, "%jama GET /items/987654321 --df --no-raise")
    assert line.startswith("404 Not Found: an error response has no table")
    assert "No item with id 987654321" in line


def test_bad_sandbox_port_is_one_line(ip: InteractiveShell) -> None:
    """%jama sandbox --port 99999 is a usage error, not a traceback from bind()."""
    assert "expected a port 0-65535" in fails(ip, "%jama sandbox --port 99999")


def test_oauth_dry_run_names_the_client_secret_variable(ip: InteractiveShell, sb: Sandbox) -> None:
    """The dry run of an OAuth connection points to JAMA_<NICK>_CLIENT_SECRET."""
    jm.connect("oa", url=sb.url, client_id=sb.client_id, client_secret=sb.client_secret)
    ran = run(ip, "%jama GET /projects -c oa --dry-run")
    shown = ran.out + str(ran.result)
    from jama_magic.magics.support import dry_run_text

    text = dry_run_text(ran.result)
    assert "$JAMA_OA_CLIENT_SECRET" in text and "JAMA_OA_PASSWORD" not in text
    assert sb.client_secret not in shown + text


def test_bare_help_is_not_indented(ip: InteractiveShell) -> None:
    """%jama help prints the help flush left, like %jama?."""
    out = run(ip, "%jama help").out
    assert out.startswith("Send requests to Jama Connect")
    assert "\n%jama GET /projects" not in out and "\n    %jama GET /projects" in out


def test_unquoted_body_literal_gets_a_quoting_hint(ip: InteractiveShell, conn: str) -> None:
    """-b with a literal whose quotes the line lost says to quote the expression."""
    line = fails(ip, '%jama PATCH /items/1003 -b [{"op":"replace"}]')
    assert "undefined name 'op'" in line and "-b '<python>'" in line
