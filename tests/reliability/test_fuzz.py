"""Bad input, fuzzed: the only outcomes are a correct request or one clean line.

Every property below feeds generated hostile input to a front door and
accepts exactly two outcomes: a request that stays on the connection's host
under its API root, or one ``JamaError`` whose message is a single line
without a secret. Anything else (another exception type, a traceback from our
code, a URL off the host, a secret in the text) fails the property.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jama_magic
from jama_magic.client import JamaClient
from jama_magic.config import load_saved
from jama_magic.connection import Connection, make_connection
from jama_magic.errors import ConfigFileError
from jama_magic.magics.parse import RequestSpec, build_request, parse_line
from jama_magic.magics.placeholders import load_json
from jama_magic.request import JamaRequest, check_relative_url

from ._ledger import Tally
from ._oracles import ERROR, OK, assert_stays_on_connection, basic_value, outcome
from ._strategies import (
    CELLS,
    CLIENT_SECRET,
    JSONISH,
    MAGIC_LINES,
    SECRET,
    TEMPLATE_PIECES,
    TOML_GARBAGE,
    TOML_TABLES,
    connection_fields,
    relative_urls,
    request_parts,
)

AREA = "Bad input (fuzz)"
SECRETS = (SECRET, CLIENT_SECRET, basic_value("alice", SECRET))


def fuzz(n: int) -> settings:
    """Hypothesis settings for one property: ``n`` examples, no deadline, no example database."""
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def fuzz_connection() -> Connection:
    return make_connection(
        "fz", url="http://127.0.0.1:9/contour", username="alice", password=SECRET
    )


def check_prepared(client: JamaClient, req: JamaRequest) -> None:
    """What the client would send stays on the host, masks the secret, exports no secret."""
    view = client.prepare(req)
    assert_stays_on_connection(view.url, client.connection)
    shown = " ".join([repr(view), view.to_curl(), view.to_python(), str(view.headers)])
    assert not [s for s in SECRETS if s in shown], "secret in a prepared request or code export"


NAMESPACE: dict[str, Any] = {
    "title": 'Req "quoted" \\ {{ x }}',
    "n": 3,
    "items": [1, "a", None],
    "nested": {"a": [1, {"b": True}]},
    "none": None,
    "flag": False,
    "ratio": 0.25,
    "bad_obj": object(),
    "a_set": {1},
    "nan": math.nan,
    "when": dt.date(2024, 1, 1),
    "text_with_quotes": 'say "hi" \\ }}',
    "big": 10**30,
    "q": {"project": 20, "include": ["data.createdBy", "data.itemType"]},
    "h": {"X-Trace": "t1"},
    "b": {"name": "x"},
    "bad": object(),
    "evil_url": "http://127.0.0.1:1/",
    "evil_path": "//127.0.0.1:1/x",
    "path": "/projects",
}


def evaluate(expr: str) -> Any:
    """Evaluate like the user namespace would (no builtins, so nothing escapes the test)."""
    return eval(expr, {"__builtins__": {}}, dict(NAMESPACE))


def test_relative_urls_fuzzed(ledger: Any) -> None:
    """Generated relative URLs either build a request under the API root or fail cleanly."""
    client, tally = JamaClient(fuzz_connection()), Tally()

    @fuzz(2500)
    @given(url=relative_urls(["127.0.0.1:1", "//127.0.0.1:1"]))
    def prop(url: str) -> None:
        kind, req = outcome(lambda: JamaRequest.build("GET", url), SECRETS)
        if kind == OK:
            assert req is not None
            check_prepared(client, req)
            assert check_relative_url(url) == url
        tally.add("requests under the API root" if kind == OK else "clean errors")

    prop()
    ledger.record(
        "relative URLs (../, %2e, //host, schemes, controls)",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )


def test_request_parts_fuzzed(ledger: Any) -> None:
    """Generated method, query, headers, body, limit, timeout: a request or one clean line."""
    client, tally = JamaClient(fuzz_connection()), Tally()

    @fuzz(2000)
    @given(parts=request_parts())
    def prop(parts: dict[str, Any]) -> None:
        def build() -> JamaRequest:
            req = JamaRequest.build(parts.pop("method"), parts.pop("url"), **parts)
            check_prepared(client, req)
            return req

        kind, req = outcome(build, SECRETS)
        if req is not None:
            sent = {k.lower() for k, _ in client.prepare(req).headers}
            assert "authorization" in sent and "cookie" not in sent
        tally.add("requests" if kind == OK else "clean errors")

    prop()
    ledger.record(
        "request parts (method, query, headers, body, limit, timeout)",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )


def test_connection_fields_fuzzed(ledger: Any) -> None:
    """Generated connection fields: requests stay on the connection's host, or a clean error."""
    tally = Tally()

    @fuzz(1500)
    @given(fields=connection_fields())
    def prop(fields: dict[str, Any]) -> None:
        kind, conn = outcome(lambda: make_connection(**fields), SECRETS)
        if conn is not None:
            assert not [s for s in SECRETS if s in repr(conn)], "secret in repr(Connection)"
            check_prepared(JamaClient(conn), JamaRequest.build("GET", "/projects"))
        tally.add("connections" if kind == OK else "clean errors")

    prop()
    ledger.record(
        "connection fields (nickname, URL, subdomain, verify, numbers)",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )


def test_config_files_fuzzed(ledger: Any, tmp_path: Path) -> None:
    """Generated config files load as connections or raise one clean ConfigFileError."""
    path, tally = tmp_path / "connections.toml", Tally()

    @fuzz(1200)
    @given(
        content=st.one_of(
            TOML_TABLES.map(tomli_w.dumps),
            TOML_GARBAGE,
            st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
        ),
        raw=st.booleans(),
    )
    def prop(content: str, raw: bool) -> None:
        if raw:
            path.write_bytes(content.encode("latin-1", "replace") + b"\xff")
        else:
            path.write_text(content, encoding="utf-8")
        kind, conns = outcome(lambda: load_saved(path), SECRETS)
        if conns is not None:
            for conn in conns:
                assert conn.password is None and conn.client_secret is None
                check_prepared(JamaClient(conn), JamaRequest.build("GET", "/projects"))
        tally.add("loaded" if kind == OK else "clean errors")

    prop()
    ledger.record(
        "config files (generated TOML, garbage, bad UTF-8, secrets in file)",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )


def test_secret_in_config_file_is_refused_without_echo(tmp_path: Path) -> None:
    """A password saved in the config file is refused by key name, never echoed."""
    path = tmp_path / "c.toml"
    path.write_text(
        tomli_w.dumps(
            {"connections": {"p": {"url": "http://a", "username": "u", "password": SECRET}}}
        )
    )
    with pytest.raises(ConfigFileError, match="secrets do not belong") as info:
        load_saved(path)
    assert SECRET not in str(info.value)


def test_magic_lines_parsed_fuzzed(ledger: Any) -> None:
    """Generated %jama lines and cells parse into a safe request or one clean line."""
    client, tally = JamaClient(fuzz_connection()), Tally()

    @fuzz(2000)
    @given(line=MAGIC_LINES, cell=CELLS)
    def prop(line: str, cell: str | None) -> None:
        cell = cell or ""

        def run() -> Any:
            parsed = parse_line(line)
            if isinstance(parsed, RequestSpec):
                req = build_request(parsed, cell=cell, evaluate=evaluate)
                check_prepared(client, req)
                return req
            return parsed

        kind, value = outcome(run, SECRETS)
        what = "requests" if isinstance(value, JamaRequest) else "subcommands"
        tally.add(what if kind == OK else "clean errors")

    prop()
    ledger.record(
        "magic lines and options (parser, no shell)",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )


@st.composite
def templated(draw: st.DrawFn) -> tuple[str, dict[str, Any], Any]:
    """(cell template with placeholders, namespace, the JSON value it must produce)."""
    value = draw(JSONISH.filter(_finite))
    names: dict[str, Any] = {}

    def literal(v: Any) -> str:
        return json.dumps(v).replace("{{", "\\{{")

    def bind(v: Any) -> str:
        name = f"v{len(names)}"
        names[name] = v
        return name

    def emit(v: Any) -> tuple[str, Any]:
        choice = draw(st.integers(0, 3))
        if choice == 0:
            return "{{ " + bind(v) + " }}", v
        if choice == 1 and isinstance(v, str | int | bool):  # spliced inside a JSON string
            text = v if isinstance(v, str) else json.dumps(v)
            return '"<' + "{{" + bind(v) + '}}>"', f"<{text}>"
        if isinstance(v, list):
            parts = [emit(x) for x in v]
            return "[" + ", ".join(p[0] for p in parts) + "]", [p[1] for p in parts]
        if isinstance(v, dict):
            pairs = {k: emit(x) for k, x in v.items()}
            body = ", ".join(f"{literal(k)}: {p[0]}" for k, p in pairs.items())
            return "{" + body + "}", {k: p[1] for k, p in pairs.items()}
        return literal(v), v

    template, expected = emit(value)
    return template, names, expected


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def test_cell_placeholders_round_trip(ledger: Any) -> None:
    """Any JSON value written with {{ }} placeholders for some parts comes back exactly."""
    tally = Tally()

    @fuzz(1200)
    @given(case=templated())
    def prop(case: tuple[str, dict[str, Any], Any]) -> None:
        template, names, expected = case
        got = load_json(template, lambda e: eval(e, {"__builtins__": {}}, names))
        assert got == expected, template
        tally.add("exact round trips")

    prop()
    ledger.record(
        "cell bodies with placeholders (round trip)",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )


def test_cell_bodies_fuzzed(ledger: Any) -> None:
    """Generated cell bodies give a JSON value or one clean line naming line and column."""
    tally = Tally()

    @fuzz(1500)
    @given(
        cell=st.lists(st.sampled_from(TEMPLATE_PIECES), max_size=10).map("".join)
        | st.text(max_size=30)
    )
    def prop(cell: str) -> None:
        kind, _ = outcome(lambda: load_json(cell, evaluate), SECRETS)
        tally.add("JSON values" if kind == OK else "clean errors")

    prop()
    ledger.record(
        "cell bodies (malformed JSON, bad placeholders)",
        cases=tally.total,
        outcome=tally.summary(),
        loss=0,
    )


# -- the bugs the properties above found, pinned as plain examples -----------------------------


@pytest.mark.parametrize("field", ["timeout", "rate_limit"])
def test_number_given_as_text_is_a_clean_error(field: str) -> None:
    """connect(timeout="10") is a clean JamaError, not a TypeError from a comparison."""
    kind, _ = outcome(
        lambda: make_connection("t", url="http://127.0.0.1:9", username="u", **{field: "10"}),
        SECRETS,
    )
    assert kind == ERROR


def test_password_in_a_bad_base_url_is_not_echoed() -> None:
    """A base URL with a password and a wrong scheme is refused without repeating the password."""
    kind, _ = outcome(
        lambda: make_connection("t", url=f"ftp://alice:{SECRET}@jama.example", username="u"),
        SECRETS,
    )
    assert kind == ERROR


def test_malformed_ipv6_base_url_is_a_clean_error() -> None:
    """url="http://[::1" is a clean JamaError, not urllib's ValueError."""
    kind, _ = outcome(lambda: make_connection("t", url="http://[::1", username="u"), SECRETS)
    assert kind == ERROR


def test_config_table_name_with_line_break_stays_one_line(tmp_path: Path) -> None:
    """A [connections."a\\nb"] table gives a one-line ConfigFileError."""
    path = tmp_path / "c.toml"
    path.write_text('[connections."a\\nb"]\nurl = 5\n', encoding="utf-8")
    kind, _ = outcome(lambda: load_saved(path), SECRETS)
    assert kind == ERROR


def test_non_ascii_header_value_is_a_clean_error() -> None:
    """-H "X-Note: café" is a clean JamaError (or sent encoded), never a UnicodeEncodeError."""
    client = JamaClient(fuzz_connection())
    kind, _ = outcome(
        lambda: client.prepare(JamaRequest.build("GET", "/items", headers={"X-Note": "caf\u00e9"})),
        SECRETS,
    )
    assert kind in (OK, ERROR)


# -- through the network: a real sandbox, and a trap server no request may reach ----------------


def test_fuzzed_requests_reach_only_the_connection(
    make_sandbox: Any, trap: Any, ledger: Any
) -> None:
    """Hundreds of generated requests are sent for real: the sandbox gets them, the trap none."""
    jama_magic.settings.rate_limit = None
    jama_magic.settings.retries = 1
    sb = make_sandbox(items=100)
    conn = jama_magic.connect("net", url=sb.url, username=sb.username, password=sb.password)
    secrets = (sb.password, basic_value(sb.username, sb.password))
    client, tally = jama_magic.client_for(conn), Tally()
    trap_host = trap.url.removeprefix("http://")
    urls = relative_urls([trap_host, "//" + trap_host, trap.url, "@" + trap_host])
    before = sb.stats.requests

    @fuzz(500)
    @given(parts=request_parts(), url=urls, use_url=st.booleans())
    def prop(parts: dict[str, Any], url: str, use_url: bool) -> None:
        if use_url:
            parts["url"] = url

        def send() -> Any:
            req = JamaRequest.build(parts.pop("method"), parts.pop("url"), **parts)
            resp = client.send(req, raise_for_status=False, yes=True)
            assert_stays_on_connection(resp.url, conn)
            return resp

        kind, _ = outcome(send, secrets)
        tally.add("sent to the sandbox" if kind == OK else "clean errors")

    prop()
    reached = len(trap.seen)
    ledger.record(
        "generated requests sent for real (trap server on another port)",
        cases=tally.total,
        outcome=f"{tally.summary()}; sandbox got "
        f"{sb.stats.requests - before} requests, trap got {reached}",
        loss=reached,
    )
    assert reached == 0


BANNED_IN_SHELL = {"connect", "sandbox", "panel", "disconnect"}  # exercised in test_secret_scan


def test_magic_lines_in_ipython_fuzzed(make_sandbox: Any, trap: Any, ledger: Any) -> None:
    """Generated %jama / %%jama cells in a real IPython shell: a response or one UsageError line."""
    from IPython.core.error import UsageError

    from ._shell import shell

    jama_magic.settings.rate_limit = None
    jama_magic.settings.retries = 1
    ip = shell()
    sb = make_sandbox(items=100)
    conn = jama_magic.connect("sb", url=sb.url, username=sb.username, password=sb.password)
    secrets = (sb.password, basic_value(sb.username, sb.password))
    trap_host = trap.url.removeprefix("http://")
    ip.user_ns.update(NAMESPACE)
    ip.user_ns.update(evil_url=trap.url + "/", evil_path=f"//{trap_host}/x", path="/projects")
    tally = Tally()

    @fuzz(700)
    @given(line=MAGIC_LINES, cell=CELLS)
    def prop(line: str, cell: str | None) -> None:
        # a magic line is one line: IPython itself splits a cell at \r, \x0b, \u2028...
        line = " ".join(line.splitlines())
        words = line.split()
        if words and words[0].lower() in BANNED_IN_SHELL:
            line = "GET " + line
        source = f"%jama {line}" if not (cell and cell.strip()) else f"%%jama {line}\n{cell}"
        result = ip.run_cell(source, store_history=False, silent=True)
        if result.error_before_exec is not None:  # IPython itself refused the cell
            tally.add("refused by IPython before the magic ran")
            return
        exc = result.error_in_exec
        if exc is None:
            value = result.result
            url = getattr(value, "url", None)
            if isinstance(url, str) and url.startswith("http"):
                assert_stays_on_connection(url, conn)
            tally.add("ran")
            return
        assert isinstance(exc, UsageError), f"{type(exc).__name__}: {exc} for {source!r}"
        text = str(exc)
        assert text.strip() and "\n" not in text, repr(text)
        assert not [s for s in secrets if s in text], "secret in a magic error"
        tally.add("one-line UsageError")

    prop()
    reached = len(trap.seen)
    ledger.record(
        "magic lines, options and cells in a real IPython shell",
        cases=tally.total,
        outcome=f"{tally.summary()}; trap got {reached} requests",
        loss=reached,
    )
    assert reached == 0
